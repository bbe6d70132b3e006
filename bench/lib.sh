# bench/lib.sh: sourced by the bench scripts. Starts private nimbus servers
# and runs wrk phases against them, printing each phase's requests per
# second, p50/p99 latency and the server's CPU per request (utime+stime
# from /proc/PID/stat over the phase, divided by the requests served).
# Prints figures; asserts nothing.
#
#   bench_start [ARGS...]        start "$BIN start" on a free port with ARGS;
#                                sets PORT and PID (stopped at exit)
#   bench_spawn CMD...           start another server (a peer measured
#                                side by side) that listens on PORT, which
#                                the caller took from free_port; sets PID
#   bench_wrk NAME CONNS SCRIPT  one wrk phase of $DUR seconds against PORT;
#                                leaves the figures in BENCH_RPS, BENCH_P50,
#                                BENCH_P99 (wrk's text) and BENCH_CPU_US

BIN=${NIMBUS:-build/nimbus}
DUR=${DUR:-10}
HZ=$(getconf CLK_TCK)
BENCH_PIDS=()
# Stops every server started; tolerant of those already stopped (under
# set -e a failing kill in the trap made the script exit 1).
bench_cleanup() {
    for p in "${BENCH_PIDS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
trap bench_cleanup EXIT

free_port() {
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

bench_start() {
    PORT=$(free_port)
    "$BIN" start --port "$PORT" --log-level warn "$@" &
    PID=$!
    BENCH_PIDS+=("$PID")
    "$BIN" wait --port "$PORT" --timeout 5 >/dev/null
}

bench_spawn() {
    "$@" &
    PID=$!
    BENCH_PIDS+=("$PID")
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
        sleep 0.1
    done
    echo "bench_spawn: $1 does not answer on port $PORT" >&2
    return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

bench_wrk() {
    local name=$1 conns=$2 script=$3 threads=1 before after out reqs
    [ "$conns" -gt 1 ] && threads=2
    echo "== $name, $conns connection(s), ${DUR}s"
    before=$(cpu_ticks)
    out=$(wrk -t"$threads" -c"$conns" -d"${DUR}s" --latency -s "$script" "http://127.0.0.1:$PORT/")
    after=$(cpu_ticks)
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|^ *[a-z]+:' || true
    BENCH_RPS=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    BENCH_P50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    BENCH_P99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    BENCH_CPU_US=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$reqs" \
        'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "nan" }')
    echo "server CPU per request: $BENCH_CPU_US us"
}
