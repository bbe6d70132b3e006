#!/usr/bin/env python3
"""Time from exec of `nimbus start` to its first answered request, and
the resident memory of an idle server. Standard library only.

usage: bench/startup.py BINARY [RUNS]
"""
import os, socket, statistics, subprocess, sys, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def first_answer(binary):
    port = free_port()
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "start", "--port", str(port), "--log-level", "warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    req = b"GET /_nimbus/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                c.sendall(req)
                if c.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            pass
        if time.perf_counter() - t0 > 5:
            raise SystemExit("no answer in 5 s")
    ms = (time.perf_counter() - t0) * 1000
    time.sleep(0.3)
    rss = 0
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    p.terminate(); p.wait()
    return ms, rss

def main():
    binary = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    res = [first_answer(binary) for _ in range(runs)]
    ms = [r[0] for r in res]; rss = [r[1] for r in res]
    print(f"start to first answer: median {statistics.median(ms):.2f} ms "
          f"(min {min(ms):.2f}, max {max(ms):.2f}, {runs} runs)")
    print(f"idle RSS: median {statistics.median(rss)/1024:.2f} MiB")

if __name__ == "__main__":
    main()
