#!/usr/bin/env bash
# Self-test of the mesh evaluator (about a minute on the 2-core dev machine): PASS/FAIL per case, exit 1 on a FAIL.
#   scripts/eval/selftest.sh [GT.ply ...]   # default: a synthetic mesh; also every GT.ply given
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
echo "== synthetic GT"
python3 "$HERE/selftest.py" || rc=1
for gt in "$@"; do
  echo "== $gt"
  python3 "$HERE/selftest.py" "$gt" || rc=1
done
exit $rc
