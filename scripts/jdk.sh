# Sourced by ./trm, ./run-tests and .ci/run: points JAVA_HOME at a JDK 25 or stops with a clear error.
# Order: JAVA_HOME if it is 25 or newer, then /usr/lib/jvm/temurin-25-jdk-amd64, then any
# /usr/lib/jvm/*25* (or newer) JDK.
trm_java_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

trm_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(trm_java_version "$c")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: trm-java needs a JDK 25 (set JAVA_HOME, or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64)" >&2
  return 1
}

trm_need_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  echo "error: Maven (mvn) is not on PATH; install it (Debian: apt-get install maven)" >&2
  return 1
}
