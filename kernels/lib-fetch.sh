# Sourced by kernels/matrix: downloads one of Debian's packaged kernels and keeps, in the cache, only what a guest
# boots with: the kernel image and the few modules the initramfs loads (uncompressed, in load order).
#
# Downloads go through a PRIVATE apt configuration (its own sources.list, lists, archives; no status file, no
# preferences): the system's apt sources are never touched. Adding suites to them once upgraded half a machine to
# sid on its next `apt-get install`.

# The modules the initramfs loads, with their dependencies (modprobe --show-depends on the unpacked tree). A name
# that is built into the kernel is skipped; names after `--` are optional (they differ between releases).
KMODS_REQUIRED="virtio_pci virtio_blk 9pnet_virtio 9p ext4"
KMODS_OPTIONAL="crc32c_generic crc32c_intel crc32c libcrc32c"

kfetch_log() { echo "kernels: $*" >&2; }

# kfetch_apt SUITE ARGS…: apt-get/apt-cache with the suite's private configuration.
kfetch_aptopts() {
  local d=$1
  printf '%s\n' -o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache" -o Dir::State::status=/dev/null \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
    -o APT::Architecture=amd64 -o APT::Architectures=amd64 -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root -o Acquire::Retries=3 -q
}

# kfetch_sources SUITE DIR [trusted]: writes the private sources.list. Signed by the system's Debian archive
# keyring when it has one; [trusted=yes] only when it does not (or, with a warning, when the keyring is too old to
# know the key the suite is signed with).
kfetch_sources() {
  local suite=$1 d=$2 how=${3:-}
  local opt="[trusted=yes]"
  if [ "$how" != trusted ] && [ -r /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    opt="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]"
  fi
  {
    echo "deb $opt http://deb.debian.org/debian $suite main"
    case $suite in
      sid|unstable) ;;
      *) echo "deb $opt http://deb.debian.org/debian-security $suite-security main" ;;
    esac
  } >"$d/sources.list"
}

# kfetch SUITE CACHE: prints the directory holding vmlinuz, kver and mods/ (mods/load lists the .ko files in
# load order). Re-uses a prepared kernel when the suite's newest image is the one already prepared, and the last
# prepared one when the mirror cannot be reached.
kfetch() {
  local suite=$1 cache=$2
  local d="$cache/apt/$suite"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  local -a O
  mapfile -t O < <(kfetch_aptopts "$d")
  kfetch_sources "$suite" "$d"
  local img=""
  if ! apt-get "${O[@]}" update >"$d/update.log" 2>&1 || grep -q 'NO_PUBKEY\|EXPKEYSIG\|is not signed' "$d/update.log"; then
    if grep -q 'NO_PUBKEY\|EXPKEYSIG\|is not signed' "$d/update.log"; then
      kfetch_log "WARNING: the system's keyring cannot verify $suite ($(grep -o 'NO_PUBKEY [0-9A-F]*\|EXPKEYSIG [0-9A-F]*' "$d/update.log" | head -1)); downloading it unverified ([trusted=yes])"
      kfetch_sources "$suite" "$d" trusted
      apt-get "${O[@]}" update >"$d/update.log" 2>&1 || true
    fi
  fi
  # The kernel the suite's metapackage points at: apt-get download picks the candidate (newest) version.
  local tmp
  tmp=$(mktemp -d "$cache/tmp.XXXXXX")
  if (cd "$tmp" && apt-get "${O[@]}" download linux-image-amd64 >"$d/download.log" 2>&1); then
    img=$(dpkg-deb -f "$tmp"/linux-image-amd64_*.deb Depends | tr ',' '\n' | grep -o 'linux-image-[0-9][^ (]*' | head -1)
  fi
  if [ -z "$img" ]; then
    rm -rf "$tmp"
    if [ -s "$d/last" ] && [ -f "$cache/k/$(cat "$d/last")/ready" ]; then
      kfetch_log "$suite: could not resolve linux-image-amd64 (offline?): using the last prepared $(cat "$d/last")"
      echo "$cache/k/$(cat "$d/last")"
      return 0
    fi
    kfetch_log "$suite: could not resolve linux-image-amd64: $(tail -3 "$d/update.log" "$d/download.log" 2>/dev/null | tr '\n' ' ')"
    return 1
  fi
  local kver=${img#linux-image-}
  local kd="$cache/k/$kver"
  if [ -f "$kd/ready" ]; then
    rm -rf "$tmp"
    echo "$kver" >"$d/last"
    echo "$kd"
    return 0
  fi
  kfetch_log "$suite: downloading $img"
  (cd "$tmp" && apt-get "${O[@]}" download "$img" >>"$d/download.log" 2>&1) || { kfetch_log "$suite: apt-get download $img failed: $(tail -2 "$d/download.log")"; rm -rf "$tmp"; return 1; }
  # sid splits the image into linux-binary-* (vmlinuz) and linux-modules-*: fetch what the image depends on.
  local extra
  extra=$(dpkg-deb -f "$tmp/${img}"_*.deb Depends | tr ',|' '\n\n' | grep -o 'linux-\(binary\|modules\|base\)-[0-9][^ (]*' | sort -u || true)
  if [ -n "$extra" ]; then
    # shellcheck disable=SC2086
    (cd "$tmp" && apt-get "${O[@]}" download $extra >>"$d/download.log" 2>&1) || { kfetch_log "$suite: apt-get download $extra failed: $(tail -2 "$d/download.log")"; rm -rf "$tmp"; return 1; }
  fi
  local tree="$tmp/tree" deb
  for deb in "$tmp"/linux-image-[0-9]*.deb "$tmp"/linux-binary-*.deb "$tmp"/linux-modules-*.deb "$tmp"/linux-base-[0-9]*.deb; do
    [ -f "$deb" ] || continue
    dpkg-deb -x "$deb" "$tree"
  done
  # trixie and sid keep modules under usr/lib/modules, bullseye and bookworm under lib/modules
  local base=""
  for b in "$tree" "$tree/usr"; do [ -d "$b/lib/modules/$kver" ] && base=$b; done
  local vmlinuz
  vmlinuz=$(ls "$tree/boot/vmlinuz-$kver" "$base/lib/modules/$kver/vmlinuz" "$tree"/boot/vmlinuz-* 2>/dev/null | head -1 || true)
  if [ -z "$base" ] || [ -z "$vmlinuz" ]; then
    kfetch_log "$suite: $img has no vmlinuz or no lib/modules/$kver"
    rm -rf "$tmp"
    return 1
  fi
  depmod -b "$base" -a "$kver"
  local new="$kd.new"
  rm -rf "$new"
  mkdir -p "$new/mods"
  cp "$vmlinuz" "$new/vmlinuz"
  echo "$kver" >"$new/kver"
  echo "$suite" >"$new/suite"
  cp "$base/lib/modules/$kver/modules.builtin" "$new/" 2>/dev/null || true
  local m line ko name seen=" "
  : >"$new/mods/load"
  for m in $KMODS_OPTIONAL $KMODS_REQUIRED; do
    if ! out=$(modprobe -d "$base" -S "$kver" --show-depends "$m" 2>&1); then
      case " $KMODS_REQUIRED " in
        *" $m "*) kfetch_log "$suite: module $m not found in $kver: $out"; rm -rf "$tmp" "$new"; return 1 ;;
      esac
      continue
    fi
    while read -r line; do
      case $line in
        insmod\ *)
          ko=$(echo "$line" | awk '{print $2}')
          name=$(basename "$ko"); name=${name%%.ko*}
          case "$seen" in *" $name "*) continue ;; esac
          seen="$seen$name "
          case $ko in
            *.ko.xz) xz -dc "$ko" >"$new/mods/$name.ko" ;;
            *.ko.zst) zstd -qdc "$ko" >"$new/mods/$name.ko" ;;
            *.ko.gz) gzip -dc "$ko" >"$new/mods/$name.ko" ;;
            *) cp "$ko" "$new/mods/$name.ko" ;;
          esac
          echo "$name.ko" >>"$new/mods/load"
          ;;
      esac
    done <<<"$out"
  done
  rm -rf "$tmp"
  touch "$new/ready"
  rm -rf "$kd"
  mv "$new" "$kd"
  echo "$kver" >"$d/last"
  kfetch_log "$suite: prepared $kver ($(wc -l <"$kd/mods/load") modules: $(tr '\n' ' ' <"$kd/mods/load"))"
  echo "$kd"
}
