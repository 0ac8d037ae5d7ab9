# Sourced (POSIX sh) by ./pagelab and ./mvnw: prints the home of the newest JDK >= 25 on this machine (the build targets release 25).
# Looks at $PAGELAB_JAVA_HOME, $JAVA_HOME, /usr/lib/jvm/*, /opt/java/*, /opt/jdk*, ~/.sdkman, ~/.jdks, java on PATH.
pagelab_java_version_of() {
  [ -r "$1/release" ] && [ -x "$1/bin/java" ] || return 1
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

pagelab_find_jdk() {
  pagelab_best=""
  pagelab_best_v=0
  pagelab_path_java=""
  if command -v java >/dev/null 2>&1; then
    pagelab_path_java=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  fi
  for pagelab_home in "${PAGELAB_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* "$pagelab_path_java"; do
    [ -n "$pagelab_home" ] && [ -d "$pagelab_home" ] || continue
    pagelab_v=$(pagelab_java_version_of "$pagelab_home" 2>/dev/null) || continue
    [ -n "$pagelab_v" ] || continue
    if [ "$pagelab_v" -ge 25 ] && [ "$pagelab_v" -gt "$pagelab_best_v" ]; then
      pagelab_best="$pagelab_home"
      pagelab_best_v="$pagelab_v"
    fi
  done
  [ -n "$pagelab_best" ] || return 1
  echo "$pagelab_best"
}

PAGELAB_JDK_HELP="no JDK 25 or newer found (pagelab is built for Java 25: FFM, and the AOT cache of JDK 25).
Looked at: \$PAGELAB_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm/*, /opt/java/*, /opt/jdk*, ~/.sdkman/candidates/java/*,
~/.jdks/*, and the java on PATH.
Get one, e.g. Eclipse Temurin 25 (https://adoptium.net) or 'sdk install java 25-tem', then set JAVA_HOME."
