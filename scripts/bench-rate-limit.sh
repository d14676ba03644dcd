#!/usr/bin/env bash
# Per-tenant rate limits with a noisy neighbour: a quiet tenant's GET /v1/jobs/{id} p50/p99 at a fixed rate for
# 2 x <seconds>, split by whether a tenant limited to <noisy limit> req/s, offering <noisy rate> req/s (0: as fast as
# <noisy connections> can) and switched on and off every second, was on; then that tenant's accepted count over
# <seconds> against limit x seconds. Against 127.0.0.1 only (NoisyNeighbourBenchmark).
#   scripts/bench-rate-limit.sh [quiet rate=100] [noisy limit=100] [noisy rate=1000] [noisy connections=4] [seconds=10] [rounds=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
rm -f api-service/target/bench/rate-limit.txt
"$MVN" -q -B -pl api-service test -Dtest=NoisyNeighbourBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dforge3d.excludedTags=none -Dforge3d.test.synchronousCommit=on -Dbench.quietRate="${1:-100}" \
  -Dbench.noisyLimit="${2:-100}" -Dbench.noisyRate="${3:-1000}" -Dbench.noisyThreads="${4:-4}" -Dbench.seconds="${5:-10}" \
  -Dbench.rounds="${6:-3}" >/dev/null
cat api-service/target/bench/rate-limit.txt
