#!/usr/bin/env python3
"""Delay from a PutItem to its stream record being readable, on nimbus: a
table with a NEW_AND_OLD_IMAGES stream; a poller thread holds a shard
iterator and calls GetRecords in a tight loop on its own keep-alive
connection while the main thread does one PutItem at a time on another.
Two figures per round: the time from writing the PutItem to the poller
first seeing its record, and from the PutItem's answer being read to that
(negative when the record is readable before the writer has read its
answer). The poller's own GetRecords round trip (some tens of microseconds
in Python) bounds the resolution. Standard library only.

usage: bench/ddb_stream.py PORT [RUNS]
"""
import json, random, socket, statistics, sys, threading, time

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, target, body):
        b = json.dumps(body).encode()
        head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: %s\r\n"
                "Authorization: %s\r\nX-Amz-Date: 20260101T000000Z\r\n"
                "Content-Length: %d\r\n\r\n" % (target, AUTH, len(b)))
        self.s.sendall(head.encode() + b)

    def answer(self):
        """Reads one response (Content-Length framed); returns its JSON body."""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self.s.recv(65536)
        head, rest = self.buf.split(b"\r\n\r\n", 1)
        status = int(head.split(b" ")[1])
        n = next(int(l.split(b":")[1]) for l in head.split(b"\r\n")
                 if l.lower().startswith(b"content-length:"))
        while len(rest) < n:
            rest += self.s.recv(65536)
        self.buf = rest[n:]
        out = json.loads(rest[:n] or b"{}")
        if status != 200:
            sys.exit("HTTP %d: %s" % (status, out))
        return out

    def call(self, target, body):
        self.send(target, body)
        return self.answer()


def main():
    port, runs = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300
    w, p = Conn(port), Conn(port)
    ddb, ddbs = "DynamoDB_20120810.", "DynamoDBStreams_20120810."
    t = w.call(ddb + "CreateTable", {
        "TableName": "streambench", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamEnabled": True,
                                "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    arn = t["TableDescription"]["LatestStreamArn"]
    shard = p.call(ddbs + "DescribeStream",
                   {"StreamArn": arn})["StreamDescription"]["Shards"][0]["ShardId"]
    it = p.call(ddbs + "GetShardIterator", {"StreamArn": arn, "ShardId": shard,
                                            "ShardIteratorType": "LATEST"})["ShardIterator"]
    seen = {}  # pk -> perf_counter when the poller first read its record
    stop = threading.Event()

    def poll():
        nonlocal it
        while not stop.is_set():
            out = p.call(ddbs + "GetRecords", {"ShardIterator": it})
            now = time.perf_counter()
            for r in out.get("Records", []):
                seen.setdefault(r["dynamodb"]["Keys"]["pk"]["S"], now)
            it = out["NextShardIterator"]

    th = threading.Thread(target=poll)
    th.start()
    from_send, from_answer = [], []
    for i in range(runs):
        time.sleep(random.uniform(0.001, 0.003))
        pk = "r%d" % i
        t0 = time.perf_counter()
        w.call(ddb + "PutItem", {"TableName": "streambench",
                                 "Item": {"pk": {"S": pk}, "v": {"S": "x" * 100}}})
        t1 = time.perf_counter()
        while pk not in seen:
            time.sleep(0.0001)
        from_send.append((seen[pk] - t0) * 1e6)
        from_answer.append((seen[pk] - t1) * 1e6)
    stop.set()
    th.join()

    def fig(xs):
        xs = sorted(xs)
        return "median %.0f us, p99 %.0f us, max %.0f us" % (
            statistics.median(xs), xs[int(len(xs) * 0.99) - 1], xs[-1])

    print("stream record readable, over %d PutItems:" % runs)
    print("  from writing the PutItem: " + fig(from_send))
    print("  from reading its answer:  " + fig(from_answer))


main()
