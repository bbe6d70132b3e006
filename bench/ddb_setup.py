#!/usr/bin/env python3
"""Makes the table bench/ddb.lua works on, on a DynamoDB server (nimbus or
dynalite): "bench" with key pk (S) + sk (S), filled with pk "k0".."k999"
(sk "0") and the partition "q" of 100 items (sk "000".."099"), each with a
100-byte string v and the number n 0. Waits for the table to be ACTIVE.
Standard library only.

usage: bench/ddb_setup.py PORT
"""
import http.client, json, sys, time

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64)


def call(conn, target, body):
    conn.request("POST", "/", json.dumps(body), {
        "Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH,
        "X-Amz-Date": "20260101T000000Z", "X-Amz-Target": "DynamoDB_20120810." + target})
    r = conn.getresponse()
    out = json.loads(r.read() or b"{}")
    if r.status != 200:
        sys.exit("%s: %d %s" % (target, r.status, out))
    return out


def item(pk, sk):
    return {"pk": {"S": pk}, "sk": {"S": sk}, "v": {"S": "v" * 100}, "n": {"N": "0"}}


def main():
    conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
    call(conn, "CreateTable", {
        "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}]})
    for _ in range(100):
        if call(conn, "DescribeTable", {"TableName": "bench"})["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    items = [item("k%d" % i, "0") for i in range(1000)] + \
            [item("q", "%03d" % i) for i in range(100)]
    for i in range(0, len(items), 25):
        out = call(conn, "BatchWriteItem", {"RequestItems": {"bench": [
            {"PutRequest": {"Item": it}} for it in items[i:i + 25]]}})
        if out.get("UnprocessedItems"):
            sys.exit("BatchWriteItem left items unprocessed")


main()
