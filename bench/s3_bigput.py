#!/usr/bin/env python3
"""bench/s3_bigput.py PORT PID SIZE_MIB KEY: one S3 PutObject of SIZE_MIB
MiB, streamed from a 1 MiB buffer (the sender holds no more than that),
while the server process PID's VmRSS is sampled every 20 ms. Prints the
server's resident memory before, its peak during the upload (the larger of
the samples and VmHWM, which bench/s3.sh resets before), the status and
the time taken. The SigV4 header is well formed but not computed, as in
bench/s3_put.lua."""
import http.client
import sys
import threading
import time

port, pid, mib, key = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]


def status_kib(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


peak = [0]
done = threading.Event()


def sample():
    while not done.is_set():
        peak[0] = max(peak[0], status_kib("VmRSS"))
        time.sleep(0.02)


before = status_kib("VmRSS")
t = threading.Thread(target=sample)
t.start()
chunk = b"x" * (1 << 20)
start = time.monotonic()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
c.putrequest("PUT", f"/bench/{key}", skip_accept_encoding=True)
c.putheader("Content-Length", str(mib << 20))
c.putheader("Content-Type", "application/octet-stream")
c.putheader("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
c.putheader("X-Amz-Date", time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
c.putheader("Authorization",
            "AWS4-HMAC-SHA256 Credential=S3RVER/" + time.strftime("%Y%m%d", time.gmtime())
            + "/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
            "Signature=" + "0" * 64)
c.endheaders()
for _ in range(mib):
    c.send(chunk)
r = c.getresponse()
r.read()
secs = time.monotonic() - start
done.set()
t.join()
peak[0] = max(peak[0], status_kib("VmRSS"), status_kib("VmHWM"))
print(f"PUT {mib} MiB: status {r.status}, {secs:.1f} s; server RSS before "
      f"{before / 1024:.1f} MiB, peak during upload {peak[0] / 1024:.1f} MiB "
      f"(+{(peak[0] - before) / 1024:.1f})")
