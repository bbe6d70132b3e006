#!/usr/bin/python3
"""One S3 request signed with SigV2 by botocore (tests/e2e/cli/sigv2.sh).

The signature comes from an independent signer, Debian's python3-botocore:
HmacV1Auth for the Authorization header, HmacV1QueryAuth for a presigned
URL. Prints the HTTP status on the first line, then the body.

    sigv2_req.py header|query METHOD URL [options]
      --key K --secret S     credentials (default test/test)
      --token T              session token (x-amz-security-token)
      --expires N            presigned URL lifetime in seconds (may be < 0)
      --header 'Name: v'     a header to send (and sign, when it is signed)
      --data TEXT            request body
      --auth-path P          the path SigV2 signs, for a virtual-hosted URL
      --amz-date             send x-amz-date and sign an empty Date line
      --date-offset N        seconds to add to the Date the signer writes
      --connect HOST:PORT    where to connect (the URL's host is still sent
                             in Host), for virtual-hosted names no DNS knows
"""
import argparse
import email.utils
import http.client
import sys
import time
from urllib.parse import urlsplit

from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["header", "query"])
    ap.add_argument("method")
    ap.add_argument("url")
    ap.add_argument("--key", default="test")
    ap.add_argument("--secret", default="test")
    ap.add_argument("--token")
    ap.add_argument("--expires", type=int, default=3600)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--data")
    ap.add_argument("--auth-path")
    ap.add_argument("--amz-date", action="store_true")
    ap.add_argument("--date-offset", type=int, default=0)
    ap.add_argument("--connect")
    a = ap.parse_args()

    creds = Credentials(a.key, a.secret, a.token)
    req = AWSRequest(method=a.method, url=a.url, data=a.data)
    for h in a.header:
        name, _, value = h.partition(":")
        req.headers[name.strip()] = value.strip()
    if a.auth_path:
        req.auth_path = a.auth_path
    date = email.utils.formatdate(time.time() + a.date_offset, usegmt=True)
    if a.mode == "query":
        signer = HmacV1QueryAuth(creds, expires=a.expires)
    elif a.amz_date:
        # AWS: "if you include the x-amz-date header, use the empty string
        # for the Date when constructing the StringToSign"
        # (AmazonS3/latest/userguide/RESTAuthentication.html). botocore's
        # own canonicalisation, with the Date it writes made empty.
        req.headers["x-amz-date"] = date
        signer = HmacV1Auth(creds)
        signer._get_date = lambda: ""
    else:
        signer = HmacV1Auth(creds)
        signer._get_date = lambda: date
    signer.add_auth(req)
    if a.amz_date and "Date" in req.headers:
        del req.headers["Date"]

    prepared = req.prepare()
    u = urlsplit(prepared.url)
    if a.connect:
        host, _, port = a.connect.rpartition(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    target = u.path + ("?" + u.query if u.query else "")
    body = prepared.body
    headers = {k: v for k, v in prepared.headers.items()}
    headers["Host"] = u.netloc
    conn.request(a.method, target, body=body, headers=headers)
    resp = conn.getresponse()
    out = resp.read().decode("utf-8", "replace")
    sys.stdout.write(f"{resp.status}\n{out}\n")


if __name__ == "__main__":
    main()
