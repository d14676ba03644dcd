#!/usr/bin/env bash
# Start-up time of `forge3d serve` (after the first build): seconds from launching ./forge3d serve until
# /actuator/health/readiness answers 200. Run 1 uses a fresh data directory (initdb + migrations); runs 2..N reuse
# it. The build and the AOT cache's training run (once per build, see ./forge3d) happen before, untimed.
# FORGE3D_AOT=0 measures the start from the fat jar without the cache.
#   scripts/bench-startup.sh [runs=3] [port=18181]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
RUNS="${1:-3}"
PORT="${2:-18181}"
./forge3d prepare
DATA="$(mktemp -d /tmp/forge3d-startup-XXXXXX)"
for i in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N)
  ./forge3d serve --port "$PORT" --data-dir "$DATA" --no-worker >"$DATA/serve-$i.log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "serve exited; see $DATA/serve-$i.log" >&2; exit 1; fi
    sleep 0.05
  done
  t1=$(date +%s%N)
  echo "run $i ($([ "$i" = 1 ] && echo 'fresh data dir' || echo 'existing data dir')): ready in $(( (t1 - t0) / 1000000 )) ms (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
[ -n "${KEEP_LOGS:-}" ] && echo "logs: $DATA" || rm -rf "$DATA"
