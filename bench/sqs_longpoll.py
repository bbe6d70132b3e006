#!/usr/bin/env python3
"""Delay from a SendMessage to a waiting long-poll ReceiveMessage returning
the message: a receive with WaitTimeSeconds 20 is parked on one keep-alive
connection, then a SendMessage goes out on another; the figure is the time
from writing the SendMessage to reading the receive's answer (so it
includes the send's own handling). For comparison it also times, in the
same rounds, a SendMessage alone (no receive waiting) after the same
pause: the wake-up's cost over that is the waiting receive's own work.
Standard library only.

usage: bench/sqs_longpoll.py PORT [RUNS]
"""
import json, socket, statistics, sys, time

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
        "SignedHeaders=host, Signature=00")


def request(target, body):
    b = json.dumps(body).encode()
    head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
            "X-Amz-Target: AmazonSQS.%s\r\nx-amzn-query-mode: true\r\nAuthorization: %s\r\n"
            "Content-Length: %d\r\n\r\n" % (target, AUTH, len(b)))
    return head.encode() + b


def answer(conn):
    """Reads one response (Content-Length framed); returns its JSON body."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += conn.recv(65536)
    head, rest = buf.split(b"\r\n\r\n", 1)
    n = next(int(l.split(b":")[1]) for l in head.split(b"\r\n")
             if l.lower().startswith(b"content-length:"))
    while len(rest) < n:
        rest += conn.recv(65536)
    return json.loads(rest[:n] or b"{}")


def main():
    port, runs = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200
    a = socket.create_connection(("127.0.0.1", port))
    b = socket.create_connection(("127.0.0.1", port))
    for c in (a, b):
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    b.sendall(request("CreateQueue", {"QueueName": "longpoll"}))
    url = answer(b)["QueueUrl"]
    waits, alone = [], []
    for _ in range(runs):
        time.sleep(0.01)
        t0 = time.perf_counter()
        b.sendall(request("SendMessage", {"QueueUrl": url, "MessageBody": "alone"}))
        answer(b)
        alone.append((time.perf_counter() - t0) * 1e6)
        b.sendall(request("ReceiveMessage", {"QueueUrl": url}))
        got = answer(b)
        b.sendall(request("DeleteMessage", {"QueueUrl": url,
                                            "ReceiptHandle": got["Messages"][0]["ReceiptHandle"]}))
        answer(b)
        a.sendall(request("ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20}))
        time.sleep(0.01)  # let the receive park
        t0 = time.perf_counter()
        b.sendall(request("SendMessage", {"QueueUrl": url, "MessageBody": "wake"}))
        got = answer(a)
        waits.append((time.perf_counter() - t0) * 1e6)
        answer(b)
        b.sendall(request("DeleteMessage", {"QueueUrl": url,
                                            "ReceiptHandle": got["Messages"][0]["ReceiptHandle"]}))
        answer(b)
    for name, v in (("long-poll wake-up", waits), ("SendMessage alone, same pause", alone)):
        v.sort()
        print("%s over %d runs: median %.0f us, p99 %.0f us, max %.0f us"
              % (name, runs, statistics.median(v), v[int(len(v) * 0.99) - 1], v[-1]))


main()
