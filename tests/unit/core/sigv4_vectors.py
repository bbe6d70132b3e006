#!/usr/bin/python3
"""Signed requests for tests/unit/core/test_sigv4.c, made by botocore.

The C test must not trust nimbus's own signer, so every expected signature
comes from an independent one: botocore's SigV4Auth, S3SigV4Auth,
SigV4QueryAuth and S3SigV4QueryAuth (Debian's python3-botocore). The clock
is frozen so the vectors are the same on every run.

Output, one request per block, tab-separated:
    case <name> <style>           style: query, json, restjson or s3
    secret <secret access key>
    method <method>
    path <path as sent, percent-encoded>
    query <raw query string, may be empty>
    header <lower-case name> <value in hex>    (one line per header)
    body <body in hex>
    canon <botocore's canonical request in hex>
    sts <botocore's string to sign in hex>
    end
"""
import datetime
import sys
import types
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import botocore.auth

FROZEN = (2024, 3, 9, 12, 34, 56)  # 20240309T123456Z, epoch 1709987696
HOST = "localhost:4566"
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token+with/slashes=="


class _Frozen(datetime.datetime):
    @classmethod
    def utcnow(cls):
        return cls(*FROZEN)


botocore.auth.datetime = types.SimpleNamespace(datetime=_Frozen)


def _record(signer):
    """Wraps the signer so that its canonical request and string to sign
    are kept: the C test compares its own with them."""
    seen = {}
    canonical_request = signer.canonical_request
    string_to_sign = signer.string_to_sign

    def cr(request):
        seen["canon"] = canonical_request(request)
        return seen["canon"]

    def sts(request, canon):
        seen["sts"] = string_to_sign(request, canon)
        return seen["sts"]

    signer.canonical_request = cr
    signer.string_to_sign = sts
    return seen


def emit(name, style, secret, request, seen):
    prepared = request.prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    out = sys.stdout
    out.write(f"case\t{name}\t{style}\n")
    out.write(f"secret\t{secret}\n")
    out.write(f"method\t{prepared.method}\n")
    out.write(f"path\t{url.path}\n")
    out.write(f"query\t{url.query}\n")
    # The signer's headers keep repeats (prepare() keeps the last one);
    # prepare() may add Content-Length.
    headers = list(request.headers.items())
    names = {hname.lower() for hname, _ in headers}
    headers += [(h, v) for h, v in prepared.headers.items() if h.lower() not in names]
    for hname, value in headers:
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        out.write(f"header\t{hname.lower()}\t{value.encode('latin-1').hex()}\n")
    out.write(f"body\t{body.hex()}\n")
    out.write(f"canon\t{seen['canon'].encode('utf-8').hex()}\n")
    out.write(f"sts\t{seen['sts'].encode('utf-8').hex()}\n")
    out.write("end\n")


def sign(name, style, signer_cls, service, method, url, headers=None, data=None, params=None,
         token=None, context=None, **kw):
    creds = Credentials(KEY, SECRET, token)
    request = AWSRequest(method=method, url=url, data=data, params=params or {})
    request.headers["Host"] = HOST
    request.headers["User-Agent"] = "nimbus-test/1.0 (not signed)"
    for hname, value in (headers or []):
        request.headers[hname] = value  # email.message semantics: repeats add
    if context:
        request.context.update(context)
    signer = signer_cls(creds, service, "us-east-1", **kw)
    seen = _record(signer)
    signer.add_auth(request)
    emit(name, style, SECRET, request, seen)


def main():
    base = f"http://{HOST}"
    # awsQuery: a form body, as the CLI sends STS and SQS calls.
    sign("query_post", "query", SigV4Auth, "sts", "POST", base + "/",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
         data={"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    # awsJson: X-Amz-Target and a JSON body.
    sign("json_target", "json", SigV4Auth, "dynamodb", "POST", base + "/",
         headers=[("Content-Type", "application/x-amz-json-1.0"),
                  ("X-Amz-Target", "DynamoDB_20120810.ListTables")],
         data=b'{"Limit": 5}')
    # A GET whose query needs encoding; a header that needs trimming and
    # folding; a header sent twice (joined with ',').
    sign("get_query", "query", SigV4Auth, "sqs", "GET", base + "/",
         headers=[("X-Amz-Meta-Note", "  several   spaces\there  "),
                  ("X-Amz-Meta-Twice", "one"), ("X-Amz-Meta-Twice", "two")],
         params={"Action": "ListQueues", "QueueNamePrefix": "a b+c~d/\u00e9\u6f22",
                 "Empty": "", "z": "1", "Z": "2", "a-b": "3", "a": "4"})
    # restJson: a path with escapes, dot segments and an empty segment,
    # normalised and encoded twice.
    sign("rest_path", "restjson", SigV4Auth, "lambda", "POST",
         base + "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000"
         "%3Afunction%3Amy%20fn/./x/../invocations//",
         headers=[("Content-Type", "application/json"),
                  ("X-Amz-Invocation-Type", "RequestResponse")],
         data=b'{"k": "v"}')
    # Session token in a header; a Date header instead of X-Amz-Date.
    sign("token_header", "query", SigV4Auth, "sts", "POST", base + "/",
         headers=[("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
         data={"Action": "GetCallerIdentity", "Version": "2011-06-15"}, token=TOKEN)
    sign("date_header", "json", SigV4Auth, "dynamodb", "POST", base + "/",
         headers=[("Date", "placeholder"), ("Content-Type", "application/x-amz-json-1.0"),
                  ("X-Amz-Target", "DynamoDB_20120810.ListTables")],
         data=b"{}")
    # S3, header-signed, body hashed: the path as sent, never normalised.
    s3_key = "/bucket/a%2Bb+c%20d/%C3%A9%E6%BC%A2/../x~y/.//z"
    sign("s3_put", "s3", S3SigV4Auth, "s3", "PUT", base + s3_key,
         headers=[("Content-Type", "text/plain"), ("X-Amz-Meta-A", "1")],
         data=b"hello, s3\n")
    # S3, header-signed, UNSIGNED-PAYLOAD, a query with sub-resources.
    sign("s3_get_unsigned", "s3", S3SigV4Auth, "s3", "GET",
         base + s3_key + "?versionId=v%2B1&acl",
         context={"client_config": Config(s3={"payload_signing_enabled": False})})
    # S3, streaming upload: the seed signature covers the header value.
    sign("s3_streaming", "s3", SigV4Auth, "s3", "PUT", base + "/bucket/stream",
         headers=[("X-Amz-Content-SHA256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
                  ("X-Amz-Decoded-Content-Length", "5"), ("Content-Encoding", "aws-chunked")],
         data=b"5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n")
    # S3 presigned GET and PUT (the PUT with a session token), UNSIGNED-PAYLOAD.
    sign("s3_presigned_get", "s3", S3SigV4QueryAuth, "s3", "GET",
         base + s3_key + "?versionId=v%2B1", expires=3600)
    sign("s3_presigned_put", "s3", S3SigV4QueryAuth, "s3", "PUT", base + "/bucket/up%20load",
         token=TOKEN, expires=60)
    sign("s3_presigned_week", "s3", S3SigV4QueryAuth, "s3", "GET", base + "/bucket/k",
         expires=604800)
    sign("s3_presigned_toolong", "s3", S3SigV4QueryAuth, "s3", "GET", base + "/bucket/k",
         expires=604801)
    # A presigned STS URL (the EKS token): not S3, body hash of nothing.
    sign("sts_presigned", "query", SigV4QueryAuth, "sts", "GET", base + "/",
         params={"Action": "GetCallerIdentity", "Version": "2011-06-15"}, expires=60)


if __name__ == "__main__":
    main()
