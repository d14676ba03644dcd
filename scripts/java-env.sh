# Sourced by ./forge3d and .ci/run: finds a JDK 25 and Maven, exports JAVA_HOME, PATH and MVN.
# A JDK 25 is looked for in FORGE3D_JAVA_HOME, JAVA_HOME, /usr/lib/jvm and ~/.jdks; if none is found and
# apt-get is usable (CI, fresh Debian), Temurin is not in Debian, so we say what to install and stop.
forge3d_find_jdk25() {
  local c
  for c in "${FORGE3D_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25* /usr/lib/jvm/jdk-25* "$HOME"/.jdks/*25*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    # Capture rather than pipe into head: with pipefail a SIGPIPE'd java would make a good JDK look bad.
    local v
    v=$("$c/bin/java" -version 2>&1) || continue
    if [[ "${v%%$'\n'*}" =~ \"25(\.|\") ]]; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(forge3d_find_jdk25); then
  echo "forge3d: a JDK 25 is needed (looked in \$FORGE3D_JAVA_HOME, \$JAVA_HOME, /usr/lib/jvm, ~/.jdks)." >&2
  echo "forge3d: install Temurin 25 (https://adoptium.net) and set FORGE3D_JAVA_HOME to it." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

if command -v mvn >/dev/null 2>&1; then
  MVN=mvn
elif command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "forge3d: installing Maven with apt-get" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven) >&2 || { echo "forge3d: could not install Maven" >&2; return 1 2>/dev/null || exit 1; }
  MVN=mvn
else
  echo "forge3d: Maven 3.8+ is needed on PATH" >&2
  return 1 2>/dev/null || exit 1
fi
export MVN
export FORGE3D_JVM_ARGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
