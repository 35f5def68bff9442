# Sourced by ./mvnw and ./hearth: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME if it is new enough, then the usual install folders.
# POSIX sh; `set -euf` safe (no globbing: folders are listed with ls).

hearth_java_feature() {
  # prints the feature release of the JDK at $1 (e.g. 25), or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

hearth_jdk_ok() {
  v=$(hearth_java_feature "$1")
  [ -n "$v" ] && [ "$v" -ge 25 ]
}

hearth_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && hearth_jdk_ok "$JAVA_HOME"; then
    return 0
  fi
  for parent in /usr/lib/jvm /usr/java /opt/java /opt /Library/Java/JavaVirtualMachines \
                "${HOME-}/.sdkman/candidates/java" "${HOME-}/.jdks"; do
    [ -d "$parent" ] || continue
    for name in $(ls -1 "$parent" 2>/dev/null | sort -r); do
      for home in "$parent/$name" "$parent/$name/Contents/Home"; do
        if hearth_jdk_ok "$home"; then
          JAVA_HOME=$home
          export JAVA_HOME
          return 0
        fi
      done
    done
  done
  if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if hearth_jdk_ok "$home"; then
      JAVA_HOME=$home
      export JAVA_HOME
      return 0
    fi
  fi
  echo "Hearth needs JDK 25 or newer and found none (looked at \$JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks)." >&2
  echo "Install one (e.g. Eclipse Temurin 25: https://adoptium.net) and set JAVA_HOME to it." >&2
  exit 1
}

hearth_find_jdk
