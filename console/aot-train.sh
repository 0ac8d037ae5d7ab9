# Sourced by ./pagelab: records the JDK AOT cache with a short training session (JDK 25's -XX:AOTCacheOutput:
# the JVM notes what it loads and links while the session runs, then writes the cache as it exits).
# Uses the launcher's $jdk, ${jvm[@]} and ${main[@]}. The session runs in a pseudo-terminal (script(1), from
# util-linux) so that it takes the interactive path — JLine's terminal, line reader, completion — that a real
# start takes; without script(1) it trains on the same commands as a -c run.
pagelab_aot_train() {
  local out="$1" tmp lock status=0
  tmp=$(mktemp -d) || return 1
  # One training at a time: a second launcher waits, then finds the cache made.
  if command -v flock >/dev/null 2>&1; then
    exec {lock}>"$(dirname "$out")/.train.lock"
    flock "$lock"
    if [ -f "$out" ]; then exec {lock}>&-; rm -rf "$tmp"; return 0; fi
  fi
  # short enough for a 40-column terminal: nothing wraps it at words this early
  echo "pagelab: recording the start-up cache (once)..." >&2
  # A throwaway home, config, history and terminfo cache, no pager: the training leaves nothing of the user's.
  local -a env=(env -u NO_COLOR -u PAGELAB_CONFIG TERM=xterm-256color HOME="$tmp" XDG_CONFIG_HOME="$tmp" XDG_STATE_HOME="$tmp"
    XDG_CACHE_HOME="$tmp" PAGER=cat)
  local -a java=("$jdk/bin/java" "${jvm[@]}" -XX:AOTCacheOutput="$tmp/pagelab.aot" "${main[@]}")
  local session='help
help map
map a 4m
touch a
touch a[0:64p] --timing
inspect-pagemap a
view a
advise a dontneed
protect a[0:16p] r
touch a[0:16p] --read
maps
list
set
unmap a
exit
'
  if command -v script >/dev/null 2>&1; then
    printf '%s' "$session" | "${env[@]}" timeout 120 script -qec "$(printf '%q ' "${java[@]}")" /dev/null \
      >"$tmp/train.log" 2>&1 || status=$?
  else
    "${env[@]}" timeout 120 "${java[@]}" --keep-going -c "$(printf '%s' "$session" | tr '\n' ';')" >"$tmp/train.log" 2>&1 || status=$?
  fi
  if [ -s "$tmp/pagelab.aot" ]; then
    # A temporary name of its own beside the cache, then a rename: a launcher never maps a half-written cache, and
    # two trainings (where flock is missing) never write one file.
    local part
    if part=$(mktemp "$out.part.XXXXXX") && mv -f "$tmp/pagelab.aot" "$part" && chmod a+r "$part" && mv -f "$part" "$out"; then
      # Caches of earlier builds are never used again.
      find "$(dirname "$out")" -maxdepth 1 \( -name 'pagelab-*.aot' -o -name 'pagelab-*.aot.failed' \) ! -path "$out" \
        -delete 2>/dev/null || true
    else
      rm -f "${part:-}"
    fi
  else
    echo "pagelab: no start-up cache recorded (training exited with $status; see below); starting without it," \
      "and not trying again for this build (remove $out.failed to retry)" >&2
    tail -5 "$tmp/train.log" >&2
    : > "$out.failed"
  fi
  [ -n "${lock:-}" ] && exec {lock}>&-
  rm -rf "$tmp"
  [ -f "$out" ]
}
