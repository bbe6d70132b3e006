#!/usr/bin/env bash
# bench/run.sh: nimbus's benchmarks (see bench/README.md). Needs wrk
# (Debian package). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

echo "== startup and idle memory"
python3 bench/startup.py "$BIN" 20
echo "== where start-up goes (instructions to first answer, idle RSS by mapping)"
python3 bench/startup_profile.py "$BIN"

bench_start
for conns in 1 32; do
  bench_wrk "STS GetCallerIdentity" "$conns" bench/gci.lua
done
