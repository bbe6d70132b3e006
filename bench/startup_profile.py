#!/usr/bin/env python3
"""Where start-up goes, in figures a shared machine does not blur:

- instructions from exec of `nimbus start` to its first answered
  GET /_nimbus/health, counted by callgrind (valgrind): the server runs
  under callgrind, is polled as bench/startup.py polls it, and
  `callgrind_control --dump` writes the counts the moment it answers;
  the top entries (inclusive) follow the total;
- the resident memory of the idle server (run without valgrind, 0.3 s
  after its first answer, as bench/startup.py reads VmRSS), by mapping,
  from /proc/PID/smaps: Rss, the part of it that is anonymous (private
  copies: relocated data, heap, stack); the thread count, the minor page
  faults and the CPU time (utime+stime) so far, from /proc/PID/stat.

usage: bench/startup_profile.py BINARY [--no-callgrind]
"""
import collections, glob, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

HEALTH = b"GET /_nimbus/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def wait_answer(port, limit):
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                c.sendall(HEALTH)
                if c.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.001)
    raise SystemExit(f"no answer in {limit} s")

def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait()

def smaps(binary):
    port = free_port()
    p = subprocess.Popen([binary, "start", "--port", str(port), "--log-level", "warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_answer(port, 5)
        time.sleep(0.3)
        by = collections.defaultdict(lambda: [0, 0])
        name = None
        with open(f"/proc/{p.pid}/smaps") as f:
            for line in f:
                fields = line.split()
                if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                    name = fields[5] if len(fields) > 5 else "[anonymous]"
                elif fields[0] == "Rss:":
                    by[name][0] += int(fields[1])
                elif fields[0] == "Anonymous:":
                    by[name][1] += int(fields[1])
        with open(f"/proc/{p.pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()
        minflt, cpu_ticks = int(st[7]), int(st[11]) + int(st[12])
        status = {}
        with open(f"/proc/{p.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                status[k] = v.strip()
    finally:
        stop(p)
    print(f"idle: VmRSS {status['VmRSS']} (RssAnon {status['RssAnon']}, "
          f"RssFile {status['RssFile']}), {status['Threads']} thread(s), "
          f"{minflt} minor page faults, {cpu_ticks * 1000 // os.sysconf('SC_CLK_TCK')} ms CPU")
    print("   Rss kB  anon kB  mapping")
    for k, (rss, anon) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        if rss:
            print(f"  {rss:7d}  {anon:7d}  {os.path.basename(k) if k.startswith('/') else k}")

def callgrind(binary):
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        print("callgrind: valgrind is not installed; skipped")
        return
    d = tempfile.mkdtemp(prefix="nimbus-cg-")
    port = free_port()
    p = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/cg.%p",
                          binary, "start", "--port", str(port), "--log-level", "warn"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_answer(port, 120)
        subprocess.run(["callgrind_control", "--dump=first-answer", str(p.pid)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    finally:
        stop(p)
    dumps = sorted(f for f in glob.glob(f"{d}/cg.{p.pid}.*") if not f.endswith(".0"))
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", dumps[0]],
                         capture_output=True, text=True).stdout
    shutil.rmtree(d)
    total = re.search(r"^\s*([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", out, re.M)
    print(f"instructions, exec to first answer (callgrind): {total.group(1) if total else '?'}")
    rows = [l for l in out.splitlines() if re.match(r"^\s*[\d,]+ \(\s*[\d.]+%\)\s+\S", l)]
    for l in rows[1:16]:
        print("  " + l.strip()[:110])

def main():
    binary = sys.argv[1]
    if "--no-callgrind" not in sys.argv:
        callgrind(binary)
    smaps(binary)

if __name__ == "__main__":
    main()
