#!/usr/bin/env bash
# The load benchmark of `trm serve` (README, "trm serve"): 1, 8 and 64 concurrent clients against
# --slots 1, 8 and 64 on loopback, beside one `./trm solve` process per puzzle. Bounded: at most
# REQUESTS requests and LOAD_SECONDS seconds per cell (defaults 300 and 8), BASELINE solve processes.
# Usage: bench/serve-load.sh [--device cpu] [--weights W]   (prints a markdown table)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/jdk.sh"
trm_find_jdk
device=cpu; weights="$root/weights/sudoku6-mlp.safetensors"
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2 ;;
    --weights) weights="$2"; shift 2 ;;
    *) echo "serve-load: unknown option $1" >&2; exit 2 ;;
  esac
done
REQUESTS="${REQUESTS:-300}" SECONDS_PER_CELL="${LOAD_SECONDS:-8}" BASELINE="${BASELINE:-10}"
work="$(mktemp -d)"; server=""
cleanup() { [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$root/trm" data sudoku --generate 200 --size 6 --seed 7 --out "$work/six.csv" >/dev/null 2>&1
# ServeLoad parses its options with picocli (trm.bench.BenchCli), which trm.jar (built by ./trm above) holds.
javac -cp "$root/trainer/target/trm.jar" -d "$work/classes" "$root/bench/src/main/java/trm/bench/ServeLoad.java" \
  "$root/bench/src/main/java/trm/bench/BenchCli.java"
port=$(( 20000 + RANDOM % 20000 ))

echo "| server | clients | requests | requests/s | p50 ms | p99 ms | non-200 |"
echo "|---|---|---|---|---|---|---|"
for slots in 1 8 64; do
  "$root/trm" serve --weights "$weights" --device "$device" --slots "$slots" --port "$port" --max-queue 1024 2>"$work/serve.log" &
  server=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  for clients in 1 8 64; do
    "$JAVA_HOME/bin/java" -cp "$work/classes:$root/trainer/target/trm.jar" trm.bench.ServeLoad --port "$port" --puzzles "$work/six.csv" \
      --clients "$clients" --requests "$REQUESTS" --seconds "$SECONDS_PER_CELL" --label "serve --slots $slots"
  done
  kill -TERM "$server"; wait "$server" || true; server=""
done

# Baseline: one process per puzzle, one after another (one client).
tail -n +2 "$work/six.csv" | head -n "$BASELINE" | cut -d, -f2 > "$work/base.txt"
: > "$work/base.ms"
while read -r p; do
  s=$(date +%s%N); "$root/trm" solve --weights "$weights" --device "$device" "$p" >/dev/null 2>&1 || true; e=$(date +%s%N)
  echo $(( (e - s) / 1000 )) >> "$work/base.ms"
done < "$work/base.txt"
sort -n "$work/base.ms" | awk -v n="$BASELINE" '
  { v[NR] = $1; sum += $1 }
  END { p50 = v[int((NR + 1) / 2)]; p99 = v[NR]; if (NR > 0) printf "| one `trm solve` process per puzzle | 1 | %d | %.3f | %.0f | %.0f | 0 |\n", NR, NR / (sum / 1e6), p50 / 1e3, p99 / 1e3 }'
