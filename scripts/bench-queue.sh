#!/usr/bin/env bash
# Queue throughput: lease+complete pairs/s through the HTTP worker protocol with N workers vs a raw-SQL baseline
# (same claim and fenced complete over JDBC) on the same PostgreSQL in the same run; prints the ratio.
#   scripts/bench-queue.sh [workers=8] [jobs=3000] [rounds=2]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
rm -f api-service/target/bench/queue.txt
"$MVN" -q -B -pl api-service -am test -Dtest=QueueThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dforge3d.excludedTags=none -Dforge3d.test.synchronousCommit=on -Dbench.workers="${1:-8}" -Dbench.jobs="${2:-3000}" -Dbench.rounds="${3:-2}" >/dev/null
cat api-service/target/bench/queue.txt
