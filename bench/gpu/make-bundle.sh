#!/usr/bin/env bash
# make-bundle.sh - the trm application for GPU hosts without Java: a jlink'ed Java 25 runtime, the
# trm jar (engine, kernels with the fatbin and the simulator library, trainer, JCuda), the bench
# jar, the kernel parity suite (ParityCheck + JUnit) and bench/gpu's scripts, as
#   bench/target/trm-gpu/          bin/trm (the app), gpu/check.sh (validate and time everything)
#   bench/target/trm-gpu.tar.gz    the same, compressed (must stay <= 55 MB: with the tracked tree (~4 MB) it travels to a GPU host under the device tool's 64 MiB carry limit)
#
# usage: bench/gpu/make-bundle.sh [--no-build] [--no-jlink] [--no-tar] [--out DIR]
#   --no-build   use the jars already in */target (after ./run-tests or an earlier bundle)
#   --no-jlink   link runtime/ to the build JDK instead of jlink'ing one (quick; for --dry-run)
#   --no-tar     skip the .tar.gz
# Needs the build's JDK 25 and Maven (scripts/jdk.sh finds them); nvcc for the fatbin (without it
# the bundle says so and the cuda device reports itself unavailable).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/scripts/jdk.sh"
trm_find_jdk
build=1 jlink=1 tar=1 out="$root/bench/target/trm-gpu"
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --no-jlink) jlink=0 ;;
        --no-tar) tar=0 ;;
        --out) out=$2; shift ;;
        *) echo "make-bundle: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
    shift
done
say() { echo "[bundle] $*"; }

if [ $build = 1 ]; then
    trm_need_maven
    say "building (mvn package, tests compiled not run; the kernels' test dependencies copied)"
    (cd "$root" && mvn -B -q -ntp -DskipTests package dependency:copy-dependencies -pl trainer,bench -am \
        -DincludeScope=test -DexcludeGroupIds=dev.trmjava,org.jcuda) >&2
fi
if ! ls "$root"/kernels/target/dependency/junit-platform-launcher-*.jar > /dev/null 2>&1; then
    trm_need_maven
    say "copying the kernels' test dependencies (JUnit) for the parity suite"
    (cd "$root" && mvn -B -q -ntp -pl kernels -am compile dependency:copy-dependencies \
        -DincludeScope=test -DexcludeGroupIds=dev.trmjava,org.jcuda) >&2
fi
for f in trainer/target/trm.jar bench/target/benchmarks.jar kernels/target/test-classes/trm/kernels/ParityCheck.class \
         kernels/target/dependency; do
    [ -e "$root/$f" ] || { echo "make-bundle: $f is missing (run without --no-build)" >&2; exit 1; }
done
[ -e "$root/kernels/target/classes/trm/kernels/trm_kernels.fatbin" ] \
    || say "WARNING: no fatbin (nvcc was missing at build time): the bundle can only run --device sim/cpu"

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib/check" "$out/gpu"
# trm.jar without JCuda's NVRTC and PTX-compiler JNI libraries (27 MB; the engine uses only the
# driver API: it loads the fatbin, it never compiles); benchmarks.jar without those and without
# what trm.jar already holds byte for byte (engine, kernels, fatbin): check.sh runs it as
# -cp benchmarks.jar:trm.jar.
python3 - "$root/trainer/target/trm.jar" "$out/lib/trm.jar" "$root/bench/target/benchmarks.jar" "$out/lib/benchmarks.jar" <<'PY'
import re, sys, zipfile
trm_in, trm_out, bench_in, bench_out = sys.argv[1:]
kept = {}
with zipfile.ZipFile(trm_in) as zi, zipfile.ZipFile(trm_out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zo:
    for item in zi.infolist():
        if not re.match(r"lib/libJ(NvPTXCompiler|Nvrtc)-", item.filename):
            zo.writestr(item, zi.read(item.filename))
            kept[item.filename] = item.CRC
with zipfile.ZipFile(bench_in) as zi, zipfile.ZipFile(bench_out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zo:
    for item in zi.infolist():
        if re.match(r"lib/libJ(NvPTXCompiler|Nvrtc)-", item.filename):
            continue
        if item.is_dir() or kept.get(item.filename) != item.CRC or item.filename.startswith("META-INF/"):
            zo.writestr(item, zi.read(item.filename))
PY
# The parity suite: kernel test classes (with the test kernel set) and JUnit, minus what trm.jar has.
(cd "$root/kernels/target/test-classes" && "$JAVA_HOME/bin/jar" --create --file "$out/lib/check/trm-kernels-tests.jar" .)
for j in "$root"/kernels/target/dependency/*.jar; do
    case "$(basename "$j")" in junit-*|opentest4j-*|apiguardian-*) cp "$j" "$out/lib/check/" ;; esac
done
cp "$root"/bench/gpu/check.sh "$root"/bench/gpu/ceilings.py "$root"/bench/gpu/torch_ref.py "$root"/bench/gpu/report.py "$out/gpu/"
chmod +x "$out/gpu/check.sh"
if [ -d "$root/bench/gpu/ref/TinyRecursiveModels" ]; then  # bench/gpu/fetch-ref.sh: for check.sh's torch-ref step
    mkdir -p "$out/ref" && cp -r "$root/bench/gpu/ref/TinyRecursiveModels" "$out/ref/"
fi

# What jdeps --print-module-deps says trm.jar and benchmarks.jar need, plus logging/management for JMH.
modules=${TRM_BUNDLE_MODULES:-java.base,java.desktop,java.sql,java.logging,java.management,jdk.management,jdk.httpserver,jdk.incubator.vector,jdk.unsupported}
if [ $jlink = 1 ]; then
    say "jlink: $modules"
    # Uncompressed modules: the .tar.gz compresses them better than jlink's zip does (24 vs 28 MB).
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
        --compress=zip-0 --output "$out/runtime" 2> >(grep -v 'Using incubator modules' >&2)
    if command -v strip > /dev/null; then  # the JDK's native libraries carry their symbol tables
        find "$out/runtime/lib" -name '*.so' -exec strip --strip-unneeded {} +
    fi
else
    ln -s "$JAVA_HOME" "$out/runtime"
fi

cat > "$out/bin/trm" <<'LAUNCH'
#!/usr/bin/env bash
# The trm command line from the bundle (its own Java runtime). TRM_HEAP sets the heap (default 16g).
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Xmx"${TRM_HEAP:-16g}" -jar "$here/lib/trm.jar" "$@"
LAUNCH
chmod +x "$out/bin/trm"
{
    echo "trm-gpu bundle"
    echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "fatbin: $([ -e "$root/kernels/target/classes/trm/kernels/trm_kernels.fatbin" ] && echo present || echo missing)"
} > "$out/VERSION"

say "$out: $(du -sh --apparent-size "$out" | cut -f1) ($(du -sh -L --apparent-size "$out/runtime" | cut -f1) runtime, $(du -sh --apparent-size "$out/lib" | cut -f1) jars)"
if [ $tar = 1 ]; then
    tgz="$out.tar.gz"
    tar -C "$(dirname "$out")" -czf "$tgz" "$(basename "$out")"
    bytes=$(stat -c %s "$tgz")
    say "$tgz: $((bytes / 1000000)) MB ($bytes bytes)"
    if [ "$bytes" -gt 55000000 ]; then
        echo "make-bundle: $tgz is $bytes bytes, over the 55 MB limit" >&2
        exit 1
    fi
fi
