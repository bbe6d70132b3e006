#!/usr/bin/env bash
# bench/s3.sh: S3 figures (bench/README.md), side by side in one run for
# nimbus in memory, nimbus with --data-dir and s3rver (bench/package.json):
# PutObject and GetObject of 1 KiB and 1 MiB objects at 1 and 16
# connections (wrk: req/s, p50, p99, server CPU per request from
# /proc/PID/stat); then each server's peak resident memory while one
# object of 100 MiB and one of 1 GiB are uploaded (bench/s3_bigput.py);
# then, per phase, s3rver's CPU per request divided by nimbus's. Needs wrk
# and node. Prints figures; asserts nothing. BIG="100 1024" sets the sizes
# (MiB) of the memory phase.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

S3RVER=bench/node_modules/s3rver/bin/s3rver.js
BIG=${BIG:-100 1024}
[ -f "$S3RVER" ] || { echo "bench/s3.sh: no $S3RVER (scripts/install-deps.sh --bench)" >&2; exit 1; }

# A well-formed SigV4 header, not computed (as in bench/s3_put.lua).
s3curl() { # METHOD PATH [curl args...]: prints the status
    local m=$1 p=$2 now
    shift 2
    now=$(date -u +%Y%m%dT%H%M%SZ)
    curl -s -o /dev/null -w '%{http_code}' -X "$m" "http://127.0.0.1:$PORT$p" \
        -H "Authorization: AWS4-HMAC-SHA256 Credential=S3RVER/${now:0:8}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=$(printf '0%.0s' {1..64})" \
        -H "X-Amz-Date: $now" \
        -H 'X-Amz-Content-Sha256: UNSIGNED-PAYLOAD' "$@"
}

tmp=$(mktemp -d)
trap 'bench_cleanup; rm -rf "$tmp"' EXIT
declare -A T_CPU T_P99 T_MACH T_NONE
SIZES="1024 1048576"
SERVERS="nimbus-memory nimbus-disk s3rver"
label() { [ "$1" = 1024 ] && echo "1 KiB" || echo "1 MiB"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "-" }'; }

for server in $SERVERS; do
    case $server in
    nimbus-memory) bench_start ;;
    nimbus-disk) mkdir "$tmp/nimbus" && bench_start --data-dir "$tmp/nimbus" ;;
    s3rver)
        PORT=$(free_port)
        mkdir "$tmp/s3rver"
        bench_start_cmd node "$S3RVER" --directory "$tmp/s3rver" --address 127.0.0.1 \
            --port "$PORT" --silent
        ;;
    esac
    echo "#### server: $server (pid $PID)"
    echo "CreateBucket: $(s3curl PUT /bench)"
    for size in $SIZES; do
        head -c "$size" /dev/zero | tr '\0' x >"$tmp/body"
        echo "PutObject get-$size: $(s3curl PUT "/bench/get-$size" -T "$tmp/body")"
        export SIZE=$size
        for op in PutObject GetObject; do
            script=bench/s3_put.lua
            [ "$op" = GetObject ] && script=bench/s3_get.lua
            for conns in 1 16; do
                # The kernel's writeback of the last phase's files (1 MiB
                # PUTs write GiBs) is done before the next phase starts.
                sync
                bench_wrk "S3 $op $(label "$size") [$server]" "$conns" "$script"
                T_CPU[$server,$op,$size,$conns]=$CPU_US
                T_P99[$server,$op,$size,$conns]=$P99
                T_MACH[$server,$op,$size,$conns]=$MACHINE_US
            done
        done
    done
    for mib in $BIG; do
        echo 5 >"/proc/$PID/clear_refs" 2>/dev/null || true # resets VmHWM
        python3 bench/s3_bigput.py "$PORT" "$PID" "$mib" "big-$mib"
        s3curl DELETE "/bench/big-$mib" >/dev/null
    done
    bench_stop
done

# side_by_side TITLE FIGURES [P99S]: per phase, each server's figure from
# the array named FIGURES (with its p99 from P99S when given), and
# s3rver's figure over each nimbus's.
side_by_side() {
    local -n fig=$2
    local -n p99=${3:-T_NONE}
    local size op conns k s cells
    echo "#### side by side: $1"
    printf '%-24s %-5s %20s %20s %20s %9s %9s\n' phase conns $SERVERS 's3rver/mem' 's3rver/disk'
    for size in $SIZES; do
        for op in PutObject GetObject; do
            for conns in 1 16; do
                k="$op,$size,$conns"
                cells=()
                for s in $SERVERS; do
                    cells+=("${fig[$s,$k]}${3:+ / ${p99[$s,$k]}}")
                done
                printf '%-24s %-5s %20s %20s %20s %9s %9s\n' "$op $(label "$size")" "$conns" \
                    "${cells[@]}" "$(ratio "${fig[s3rver,$k]}" "${fig[nimbus-memory,$k]}")" \
                    "$(ratio "${fig[s3rver,$k]}" "${fig[nimbus-disk,$k]}")"
            done
        done
    done
}
side_by_side "server CPU per request (us) and p99" T_CPU T_P99
side_by_side "the whole machine's CPU per request (us: server, wrk and kernel)" T_MACH
