#!/usr/bin/python3
"""S3 SigV2 signed requests for tests/unit/core/test_sigv2.c, made by botocore.

The expected strings to sign and signatures come from an independent signer,
Debian's python3-botocore: HmacV1Auth (Authorization: AWS key:signature) and
HmacV1QueryAuth (presigned AWSAccessKeyId/Expires/Signature). The clock is
frozen so the vectors are the same on every run.

Output, one request per block, tab-separated:
    case <name> <header|query>
    secret <secret access key>
    method <method>
    path <path as sent, percent-encoded>
    query <raw query string, may be empty>
    resource <the path SigV2 signs: /bucket then the path>
    header <lower-case name> <value in hex>    (one line per header)
    sts <botocore's string to sign in hex>
    end
"""
import sys
from urllib.parse import urlsplit

from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

T0 = 1709987696  # 20240309T123456Z, as in sigv4_vectors.py
DATE = "Sat, 09 Mar 2024 12:34:56 GMT"
HOST = "localhost:4566"
KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token+with/slashes=="


def sign(name, mode, method, url, headers=(), data=None, token=None, auth_path=None,
         amz_date=False, expires=3600):
    creds = Credentials(KEY, SECRET, token)
    request = AWSRequest(method=method, url=url, data=data)
    request.headers["User-Agent"] = "nimbus-test/1.0 (not signed)"
    for hname, value in headers:
        request.headers[hname] = value  # email.message semantics: repeats add
    if auth_path:
        request.auth_path = auth_path
    if mode == "query":
        signer = HmacV1QueryAuth(creds, expires=expires)
        signer._get_date = lambda: str(T0 + expires)
    else:
        signer = HmacV1Auth(creds)
        # AWS: with x-amz-date, "use the empty string for the Date when
        # constructing the StringToSign" (RESTAuthentication.html).
        signer._get_date = (lambda: "") if amz_date else (lambda: DATE)
    seen = {}
    canonical_string = signer.canonical_string

    def cs(*args, **kw):
        seen["sts"] = canonical_string(*args, **kw)
        return seen["sts"]

    signer.canonical_string = cs
    signer.add_auth(request)
    if amz_date:
        del request.headers["Date"]
    u = urlsplit(request.url)
    out = sys.stdout
    out.write(f"case\t{name}\t{mode}\n")
    out.write(f"secret\t{SECRET}\n")
    out.write(f"method\t{method}\n")
    out.write(f"path\t{u.path}\n")
    out.write(f"query\t{u.query}\n")
    out.write(f"resource\t{auth_path or u.path}\n")
    out.write(f"header\thost\t{u.netloc.encode().hex()}\n")
    for hname, value in request.headers.items():
        out.write(f"header\t{hname.lower()}\t{value.encode('latin-1').hex()}\n")
    out.write(f"sts\t{seen['sts'].encode('utf-8').hex()}\n")
    out.write("end\n")


def main():
    base = f"http://{HOST}"
    key = "/bucket/a%20b%2Bc~%C3%A9%26%3D%3F.txt"
    sign("get", "header", "GET", base + "/bucket/plain")
    # Sub-resources S3 signs, sorted, values decoded; others left out.
    sign("subresources", "header", "GET",
         base + key + "?versionId=v%2B1&prefix=x&response-content-type=text%2Fplain&acl")
    sign("uploads", "header", "POST", base + key + "?uploads")
    sign("part", "header", "PUT", base + key + "?uploadId=abc%3D&partNumber=2", data=b"part")
    # Standard headers and x-amz-* headers: lower-cased, sorted, repeats
    # joined with ',', values trimmed.
    sign("put_headers", "header", "PUT", base + "/bucket/k",
         headers=[("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg=="),
                  ("Content-Type", " text/plain "), ("X-Amz-Meta-Zed", " z "),
                  ("x-amz-meta-twice", "one"), ("X-Amz-Meta-Twice", "two"),
                  ("x-amz-acl", "private")],
         data=b"hello")
    sign("amz_date", "header", "DELETE", base + "/bucket/k",
         headers=[("x-amz-date", DATE)], amz_date=True)
    # Virtual-hosted: the bucket is signed in front of the path.
    sign("virtual_host", "header", "GET", "http://bucket.s3.localhost:4566/k%20v",
         auth_path="/bucket/k%20v")
    sign("virtual_root", "header", "GET", "http://bucket.s3.localhost:4566/?acl",
         auth_path="/bucket/")
    # Presigned: Expires on the Date line; headers moved to the query.
    sign("presigned_get", "query", "GET", base + key + "?versionId=v1")
    sign("presigned_token", "query", "GET", base + "/bucket/k", token=TOKEN, expires=60)
    sign("presigned_put", "query", "PUT", base + "/bucket/up",
         headers=[("Content-Type", "text/plain"), ("x-amz-meta-colour", "red")])


if __name__ == "__main__":
    main()
