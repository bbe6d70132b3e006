#!/usr/bin/env bash
# bench/sqs_callgrind.sh: instructions per SQS SendMessage (1 KiB body,
# awsJson1_0, the request of bench/sqs_send.lua) under callgrind, in
# memory: the server starts under valgrind, makes the queue, takes 50
# warm-up sends, then counts N sends (default 2000) on one keep-alive
# connection, from a zeroed counter to a dump. Prints the instructions per
# send and the top functions by inclusive count; keeps the profile in
# $OUT (default /tmp/nimbus-sqs-send.callgrind) for callgrind_annotate.
# Instruction counts do not depend on the load of the machine; note that
# valgrind counts each byte of a "rep stos"/"rep movs" (glibc's memset and
# memcpy of a few KiB and more) as one instruction. Asserts nothing.
#
#   bench/sqs_callgrind.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

N=${1:-2000}
OUT=${OUT:-/tmp/nimbus-sqs-send.callgrind}
PORT=$(free_port)
rm -f "$OUT" "$OUT".*
valgrind --tool=callgrind --callgrind-out-file="$OUT" \
    "$BIN" start --port "$PORT" --log-level warn >/dev/null 2>&1 &
PID=$!
BENCH_PIDS+=("$PID")
"$BIN" wait --port "$PORT" --timeout 60 >/dev/null

drive() { # drive COUNT TARGET BODY: COUNT requests on one connection
    python3 - "$PORT" "$@" <<'PY'
import socket, sys
port, n, target, body = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4].encode()
auth = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64)
req = ("POST / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/x-amz-json-1.0\r\n"
       "X-Amz-Target: AmazonSQS.%s\r\nx-amzn-query-mode: true\r\nAuthorization: %s\r\n"
       "X-Amz-Date: 20260101T000000Z\r\nContent-Length: %d\r\n\r\n"
       % (port, target, auth, len(body))).encode() + body
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(n):
    s.sendall(req)
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, rest = buf.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 200"):
        sys.exit("unexpected answer: " + head.decode())
    cl = next(int(l.split(b":")[1]) for l in head.split(b"\r\n")
              if l.lower().startswith(b"content-length:"))
    while len(rest) < cl:
        rest += s.recv(65536)
PY
}
body='{"QueueUrl":"http://127.0.0.1/000000000000/bench","MessageBody":"'$(printf 'x%.0s' $(seq 1024))'"}'
drive 1 CreateQueue '{"QueueName":"bench"}'
drive 50 SendMessage "$body"
callgrind_control --zero "$PID" >/dev/null 2>&1
drive "$N" SendMessage "$body"
callgrind_control --dump=sends "$PID" >/dev/null 2>&1
kill "$PID"
wait "$PID" 2>/dev/null || true
prof=$(ls "$OUT".* | tail -1)
total=$(awk '/^summary:/ {print $2}' "$prof")
awk -v t="$total" -v n="$N" 'BEGIN { printf "SendMessage (1 KiB), %d sends: %.1f k instructions per send\n", n, t / n / 1000 }'
callgrind_annotate --inclusive=yes --threshold=100 "$prof" 2>/dev/null |
    awk -v n="$N" '/^ *[0-9,]+ +\(/ { c = $1; gsub(",", "", c); l = $0;
        sub(/^ *[0-9,]+ +\([ 0-9.]+%\) +/, "", l); sub(/ *\[.*/, "", l);
        sub(/^[^ ]*\/src\//, "src/", l); sub(/^\.\/.*\//, "", l);
        if (!seen[l]++) printf "%9.1f k  %s\n", c / n / 1000, l }' |
    grep -v -e 'libc-start\|below main\|main.c:\|loop.c:\|on_epoll\|MHD_run' | head -40
echo "profile: $prof"
