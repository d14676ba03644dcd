#!/usr/bin/env bash
# GET /v1/jobs/{id} latency p50/p90/p99 at a fixed offered rate (open loop), bounded in count and time,
# against 127.0.0.1 only.
#   scripts/bench-latency.sh [rate=2000] [seconds=10] [warm-up seconds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
rm -f api-service/target/bench/latency.txt
"$MVN" -q -B -pl api-service -am test -Dtest=JobReadLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dforge3d.excludedTags=none -Dforge3d.test.synchronousCommit=on -Dbench.rate="${1:-2000}" -Dbench.seconds="${2:-10}" -Dbench.warmupSeconds="${3:-5}" >/dev/null
cat api-service/target/bench/latency.txt
