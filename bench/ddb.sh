#!/usr/bin/env bash
# bench/ddb.sh: DynamoDB figures (bench/README.md), side by side with
# dynalite (bench/node_modules, the npm emulator) on the same workload:
# PutItem, GetItem, Query of 100 items in one partition and a conditional
# UpdateItem (bench/ddb.lua), at 1 and 16 connections, for nimbus in memory
# and with --data-dir and dynalite in memory and with --path; then a table
# of server CPU per operation with the ratio dynalite / nimbus; then, on
# nimbus, the delay from a PutItem to its stream record being readable
# (bench/ddb_stream.py). Needs wrk and node. Prints figures; asserts
# nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

DYNALITE=bench/node_modules/dynalite/cli.js
OPS="put get query update"
declare -A NAME=([put]="PutItem" [get]="GetItem" [query]="Query (100 items)"
                 [update]="UpdateItem (conditional)")
declare -A FIG=() # server/mode/op/conns -> "rps p50 p99 cpu"

data=$(mktemp -d)
trap 'rm -rf "$data"' RETURN
for server in nimbus dynalite; do
    for mode in memory disk; do
        rm -rf "${data:?}"/*
        if [ "$server" = nimbus ]; then
            if [ "$mode" = memory ]; then bench_start; else bench_start --data-dir "$data"; fi
        else
            PORT=$(free_port)
            args=(--port "$PORT" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0)
            [ "$mode" = disk ] && args+=(--path "$data/dynalite")
            bench_start_cmd node "$DYNALITE" "${args[@]}" >/dev/null
        fi
        echo "#### $server, state: $mode"
        python3 bench/ddb_setup.py "$PORT"
        for op in $OPS; do
            for conns in 1 16; do
                DDB_OP=$op bench_wrk "$server DynamoDB ${NAME[$op]}" "$conns" bench/ddb.lua
                FIG[$server/$mode/$op/$conns]="$RPS $P50 $P99 $CPU_US"
            done
        done
        if [ "$server/$mode" = nimbus/memory ]; then python3 bench/ddb_stream.py "$PORT" 300; fi
        bench_stop
    done
done
rm -rf "$data"

echo
echo "#### side by side: req/s, p50, p99, server CPU per operation (us)"
for mode in memory disk; do
    for op in $OPS; do
        for conns in 1 16; do
            read -r nr n50 n99 ncpu <<<"${FIG[nimbus/$mode/$op/$conns]}"
            read -r dr d50 d99 dcpu <<<"${FIG[dynalite/$mode/$op/$conns]}"
            printf '%-6s %-25s c=%-2s nimbus %6s/s %8s %8s %8s us | dynalite %6s/s %8s %8s %8s us | CPU/op ratio %s\n' \
                "$mode" "${NAME[$op]}" "$conns" "$nr" "$n50" "$n99" "$ncpu" "$dr" "$d50" "$d99" \
                "$dcpu" "$(awk -v d="$dcpu" -v n="$ncpu" 'BEGIN { if (n > 0) printf "%.1f", d / n; else print "-" }')"
        done
    done
done
