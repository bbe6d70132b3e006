# bench/lib.sh: sourced by the bench scripts. Starts private nimbus servers
# and runs wrk phases against them, printing each phase's requests per
# second, p50/p99 latency and the server's CPU per request (utime+stime
# from /proc/PID/stat over the phase, divided by the requests served).
# Prints figures; asserts nothing.
#
#   bench_start [ARGS...]        start "$BIN start" on a free port with ARGS;
#                                sets PORT and PID (stopped at exit)
#   bench_start_cmd CMD [ARGS...]  start another server (e.g. node dynalite)
#                                as it is given, after the caller set PORT
#                                (free_port) and put it in ARGS; sets PID
#                                (the process measured: exec'd, not a shell)
#                                and waits until PORT accepts connections
#   bench_wrk NAME CONNS SCRIPT  one wrk phase of $DUR seconds against PORT,
#                                measuring the server PID; also sets RPS,
#                                P50, P99 (as wrk prints them), CPU_US
#                                (server CPU per request, microseconds)
#                                and MACHINE_US (the whole machine's busy
#                                CPU per request from /proc/stat: server,
#                                wrk and the kernel's work for both; on
#                                loopback the kernel charges a transfer to
#                                whichever side is running, so for large
#                                bodies this is the fairer figure)
#   bench_stop                   stop the server PID

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

bench_start_cmd() {
    "$@" &
    PID=$!
    BENCH_PIDS+=("$PID")
    local i
    for i in $(seq 200); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then return 0; fi
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "bench: $1 did not start listening on port $PORT" >&2
    return 1
}

bench_stop() {
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
# user + nice + system + irq + softirq of all CPUs, in ticks
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

bench_wrk() {
    local name=$1 conns=$2 script=$3 threads=1 before after mbefore mafter out reqs
    [ "$conns" -gt 1 ] && threads=2
    echo "== $name, $conns connection(s), ${DUR}s"
    before=$(cpu_ticks)
    mbefore=$(machine_ticks)
    out=$(wrk -t"$threads" -c"$conns" -d"${DUR}s" --latency -s "$script" "http://127.0.0.1:$PORT/")
    after=$(cpu_ticks)
    mafter=$(machine_ticks)
    reqs=$(echo "$out" | awk '/requests in/ {print $1}')
    echo "$out" | grep -E 'Requests/sec|50%|99%|Non-2xx|^ *[a-z]+:' || true
    RPS=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    P50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    P99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    CPU_US=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$reqs" \
        'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "-" }')
    MACHINE_US=$(awk -v t=$((mafter - mbefore)) -v hz="$HZ" -v n="$reqs" \
        'BEGIN { if (n > 0) printf "%.2f", t / hz / n * 1e6; else print "-" }')
    echo "server CPU per request: $CPU_US us (whole machine: $MACHINE_US us)"
}
