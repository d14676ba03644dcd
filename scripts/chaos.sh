#!/usr/bin/env bash
# Crash-safety chaos test (loopback only): the API and worker processes are SIGKILLed and restarted at random while
# small photo jobs run; then checks every job is terminal, none completed twice, and no orphan blob after the
# cleanup sweeper. Logs and a summary in api-service/target/chaos/.
#   scripts/chaos.sh [jobs=40] [seconds=60] [workers=3]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-env.sh
rm -rf api-service/target/chaos
"$MVN" -q -B -pl api-service test -Dtest=CrashChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dforge3d.excludedTags=none -Dchaos.jobs="${1:-40}" -Dchaos.seconds="${2:-60}" -Dchaos.workers="${3:-3}"
cat api-service/target/chaos/summary.txt
