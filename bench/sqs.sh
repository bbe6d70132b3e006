#!/usr/bin/env bash
# bench/sqs.sh: SQS figures (bench/README.md): SendMessage, and
# ReceiveMessage+DeleteMessage, with 1 KiB bodies at 1 and 16 connections,
# in memory and with --data-dir; then the long-poll wake-up delay. Needs
# wrk. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

create_queue() {
    curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/" \
        -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: AmazonSQS.CreateQueue' \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00' \
        -d '{"QueueName":"bench"}'
}

data=$(mktemp -d)
trap 'rm -rf "$data"' RETURN
for mode in memory disk; do
    if [ "$mode" = memory ]; then bench_start; else bench_start --data-dir "$data"; fi
    echo "#### state: $mode"
    create_queue
    for conns in 1 16; do
        bench_wrk "SQS SendMessage (1 KiB)" "$conns" bench/sqs_send.lua
    done
    for conns in 1 16; do
        bench_wrk "SQS ReceiveMessage+DeleteMessage" "$conns" bench/sqs_recv_del.lua
    done
    if [ "$mode" = memory ]; then python3 bench/sqs_longpoll.py "$PORT" 500; fi
    kill "$PID"; wait "$PID" 2>/dev/null || true
done
rm -rf "$data"
