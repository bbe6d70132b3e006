#!/usr/bin/env bash
# bench/run.sh: nimbus's benchmarks (see bench/README.md). Needs wrk
# (Debian package). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NIMBUS:-build/nimbus}
DUR=${DUR:-10}

echo "== startup and idle memory"
python3 bench/startup.py "$BIN" 20

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$BIN" start --port "$port" --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
"$BIN" wait --port "$port" --timeout 5

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)

for conns in 1 32; do
  threads=1; [ "$conns" -gt 1 ] && threads=2
  echo "== STS GetCallerIdentity, $conns connection(s), ${DUR}s"
  before=$(cpu_ticks)
  out=$(wrk -t"$threads" -c"$conns" -d"${DUR}s" --latency -s bench/gci.lua "http://127.0.0.1:$port/")
  after=$(cpu_ticks)
  reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx' || true
  awk -v t=$((after - before)) -v hz="$hz" -v n="$reqs" \
    'BEGIN { if (n > 0) printf "server CPU per request: %.2f us\n", t / hz / n * 1e6 }'
done
