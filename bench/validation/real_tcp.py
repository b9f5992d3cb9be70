#!/usr/bin/env python3
"""Real-Linux-TCP side of the validation benchmark.

Builds a star of network namespaces through one Linux bridge (namespace `sw`): a server `sv`
with one veth card and workers `w0..w{M-1}`, every direction of every veth shaped by `tc tbf`
at the point's rate, TSO/GSO/GRO off and MTU 1500 so that packets are wire-sized. Then, per
grid point, a server process in `sv` and M worker processes (one each in w0..w{M-1}, one
persistent TCP connection each) run the iterations of the sequential or concurrent upload
pattern, and every iteration's time is written to a CSV.

  real_tcp.py run --out data/real.csv [--max-workers 64] [--only 'rate==1e9']   (as root)
  real_tcp.py cleanup                       deletes the namespaces (run.sh traps this)
  real_tcp.py serve|work ...                internal: the processes inside the namespaces

Addresses: sv 10.0.0.254, wN 10.0.0.(N+1); TCP port 5000. Linux defaults are set in every
namespace (a new namespace copies the host's sysctls, which here are not the defaults):
tcp_wmem 4096 16384 4194304, tcp_rmem 4096 131072 6291456; every socket sets TCP_CONGESTION
cubic (the host default is bbr, and a namespace may not default to it) and TCP_NODELAY, as
Gloo does.
"""
import argparse
import csv
import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
SERVER_IP, PORT = "10.0.0.254", 5000
READY_BYTES = 48                      # the ready message, as the simulator's rendezvous_bytes
FRAME = 1514                          # a full frame as tbf counts it: 1500 IP + 14 Ethernet
QUEUE_PACKETS = 100                   # tbf limit = QUEUE_PACKETS full frames
MSS = 1448
CONGESTION_CONTROL = b"cubic"         # per socket: a namespace may not default to a
                                      # restricted algorithm (EPERM), a socket may
LINUX_DEFAULT_SYSCTLS = {
    "net.ipv4.tcp_wmem": "4096 16384 4194304",
    "net.ipv4.tcp_rmem": "4096 131072 6291456",
}
RATES = {10e6: "10mbit", 100e6: "100mbit", 1e9: "1gbit"}
MAX_ITERATION_S = 15.0                # grid points whose iteration would take longer: skipped


# ----------------------------------------------------------------------------- topology
def sh(cmd, check=True):
    """Runs a command line (a list), returns its stdout."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return r.stdout


def namespaces():
    return [line.split()[0] for line in sh(["ip", "netns", "list"]).splitlines() if line]


def cleanup():
    """Deletes the benchmark's namespaces (with them their veths and qdiscs)."""
    for ns in namespaces():
        if ns in ("sv", "sw") or (ns[0] == "w" and ns[1:].isdigit()):
            sh(["ip", "netns", "del", ns], check=False)


def veth(ns_end, ns_port, port):
    """A veth pair: `eth0` in namespace ns_end, `port` in the switch enslaved to br0."""
    sh(["ip", "-n", "sw", "link", "add", "name", port, "type", "veth", "peer", "name", "eth0",
        "netns", ns_end])
    sh(["ip", "-n", "sw", "link", "set", port, "master", "br0", "mtu", "1500", "up"])
    sh(["ip", "-n", ns_end, "link", "set", "eth0", "mtu", "1500", "up"])
    sh(["ip", "-n", ns_end, "link", "set", "lo", "up"])
    for ns, dev in ((ns_end, "eth0"), ("sw", port)):
        sh(["ip", "netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off",
            "gro", "off"])


def setup(workers):
    """Creates sv, sw (bridge br0) and w0..w{workers-1}; unshaped."""
    cleanup()
    for ns in ["sw", "sv"] + [f"w{i}" for i in range(workers)]:
        sh(["ip", "netns", "add", ns])
        for key, value in LINUX_DEFAULT_SYSCTLS.items():
            sh(["ip", "netns", "exec", ns, "sysctl", "-q", "-w", f"{key}={value}"])
    sh(["ip", "-n", "sw", "link", "add", "name", "br0", "type", "bridge", "stp_state", "0"])
    sh(["ip", "-n", "sw", "link", "set", "br0", "up"])
    veth("sv", "sw", "psv")
    sh(["ip", "-n", "sv", "addr", "add", f"{SERVER_IP}/24", "dev", "eth0"])
    for i in range(workers):
        veth(f"w{i}", "sw", f"p{i}")
        sh(["ip", "-n", f"w{i}", "addr", "add", f"10.0.0.{i + 1}/24", "dev", "eth0"])


def tbf_burst(rate_bps):
    """tbf bucket: 10 full frames, and at least 1 ms at the rate (the kernel's qdisc
    watchdog is an hrtimer, so the bucket need not cover a 1/HZ tick; a bigger bucket lets an
    upload's first bytes pass at veth speed)."""
    return 10 * FRAME


def shape(workers, rate_bps):
    """Replaces the root qdisc of every egress on the paths with tbf at rate_bps: worker ->
    switch (wN eth0), switch -> server (sw psv, the shared incast bottleneck), server ->
    switch (sv eth0), switch -> worker (sw pN); every limit QUEUE_PACKETS full frames."""
    devs = [("sv", "eth0"), ("sw", "psv")]
    devs += [(f"w{i}", "eth0") for i in range(workers)] + [("sw", f"p{i}") for i in range(workers)]
    for ns, dev in devs:
        sh(["tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "tbf", "rate",
            RATES[rate_bps], "burst", str(tbf_burst(rate_bps)), "limit",
            str(QUEUE_PACKETS * FRAME)])


def unshape(workers):
    for ns, dev in [("sv", "eth0"), ("sw", "psv")] + [(f"w{i}", "eth0") for i in range(workers)] \
            + [("sw", f"p{i}") for i in range(workers)]:
        sh(["tc", "-n", ns, "qdisc", "del", "dev", dev, "root"], check=False)


def netem_available():
    """Whether this kernel has sch_netem (it decides whether latency could be added)."""
    r = subprocess.run(["tc", "-n", "sv", "qdisc", "add", "dev", "lo", "root", "netem",
                        "delay", "1ms"], capture_output=True, text=True)
    sh(["tc", "-n", "sv", "qdisc", "del", "dev", "lo", "root"], check=False)
    return r.returncode == 0, r.stderr.strip()


def ping_rtt(count=200):
    """RTT w0 -> sv in seconds (ping's per-packet times): min, median, mean, max."""
    out = sh(["ip", "netns", "exec", "w0", "ping", "-n", "-q", "-c", "10", "-i", "0.01",
              SERVER_IP])  # warm-up: ARP, bridge learning
    out = sh(["ip", "netns", "exec", "w0", "ping", "-n", "-c", str(count), "-i", "0.005",
              SERVER_IP])
    rtts = [float(tok.split("=")[1]) * 1e-3 for tok in out.split() if tok.startswith("time=")]
    return min(rtts), statistics.median(rtts), statistics.mean(rtts), max(rtts)


# ----------------------------------------------------------------------------- CPU
def cpu_times():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    total = sum(v[:8])
    return total - idle, total


def busy_between(a, b):
    return (b[0] - a[0]) / max(1, b[1] - a[1])


def wait_for_quiet_cpu(max_wait_s=300, threshold=0.25):
    """Waits (polling 1-second /proc/stat samples, up to max_wait_s) until the machine's CPUs
    are less than `threshold` busy: another job (a C++ build) would distort the point.
    Returns (busy fraction of the last sample, /proc/loadavg, seconds waited)."""
    start = time.monotonic()
    while True:
        a = cpu_times()
        time.sleep(1.0)
        busy = busy_between(a, cpu_times())
        waited = time.monotonic() - start
        if busy < threshold or waited > max_wait_s:
            with open("/proc/loadavg") as f:
                return busy, f.read().strip(), waited


# ----------------------------------------------------------------------------- traffic
def recv_exact(conn, n):
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = conn.recv_into(view[got:], n - got)
        if k == 0:
            raise ConnectionError("peer closed")
        got += k
    return buf


def tune(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, CONGESTION_CONTROL)


def work(index):
    """Worker process (inside wN): connect, say its index, then per ready message upload the
    number of bytes it names; 0 ends."""
    sock = socket.create_connection((SERVER_IP, PORT))
    tune(sock)
    sock.sendall(index.to_bytes(4, "big"))
    chunk = memoryview(bytes(1 << 20))
    while True:
        size = int(recv_exact(sock, READY_BYTES).decode().strip())
        if size == 0:
            break
        left = size
        while left:
            left -= sock.send(chunk[:min(left, len(chunk))])
    sock.close()


def ready(size):
    return str(size).ljust(READY_BYTES).encode()


def sequential_iteration(conns, size, sink):
    t0 = time.perf_counter()
    for c in conns:
        c.sendall(ready(size))
        got = 0
        while got < size:
            k = c.recv_into(sink, min(len(sink), size - got))
            if k == 0:
                raise ConnectionError("worker closed")
            got += k
    return time.perf_counter() - t0


def concurrent_iteration(conns, size, sink, sel):
    left = {c: size for c in conns}
    t0 = time.perf_counter()
    for c in conns:
        c.sendall(ready(size))
    while left:
        for key, _ in sel.select():
            c = key.fileobj
            k = c.recv_into(sink, min(len(sink), left[c]))
            if k == 0:
                raise ConnectionError("worker closed")
            left[c] -= k
            if left[c] == 0:
                del left[c]
                sel.unregister(c)
    t1 = time.perf_counter()
    for c in conns:
        sel.register(c, selectors.EVENT_READ)
    return t1 - t0


def serve(workers, size, schedule, warmup, iterations, listener):
    """Server process (inside sv): accepts the workers, runs warmup + iterations iterations,
    prints one JSON line: per-iteration seconds (measured ones) and the CPU busy fraction over
    the measured iterations."""
    conns = [None] * workers
    for _ in range(workers):
        c, _ = listener.accept()
        tune(c)
        conns[int.from_bytes(recv_exact(c, 4), "big")] = c
    sink = memoryview(bytearray(1 << 20))
    sel = selectors.DefaultSelector()
    for c in conns:
        sel.register(c, selectors.EVENT_READ)
    times = []
    for t in range(warmup + iterations):
        if t == warmup:
            cpu0 = cpu_times()
        if schedule == "sequential":
            times.append(sequential_iteration(conns, size, sink))
        else:
            times.append(concurrent_iteration(conns, size, sink, sel))
    busy = busy_between(cpu0, cpu_times())
    for c in conns:
        c.sendall(ready(0))
    for c in conns:
        c.recv(1)  # waits for the worker to close
        c.close()
    print(json.dumps({"times": times[warmup:], "cpu_busy": busy}), flush=True)


# ----------------------------------------------------------------------------- grid
def ideal_iteration_s(rate_bps, workers, size, schedule, rtt_s):
    """About the least an iteration can take: `size` in full frames at the rate, one RTT per
    rendezvous (the last, partial frame counted full)."""
    wire_s = -(-size // MSS) * FRAME * 8 / rate_bps
    if schedule == "sequential":
        return workers * (rtt_s + wire_s)
    return rtt_s + workers * wire_s


def grid():
    """(rate, M, payload, schedule) points: payloads 30 KB .. 45 MB, rates 10 Mbps .. 1 Gbps,
    M 2 .. 64, both schedules; those whose iteration would exceed MAX_ITERATION_S are listed
    with skip=True. Returns dicts in measurement order."""
    points = []
    for schedule in ("sequential", "concurrent"):
        for rate in (10e6, 100e6, 1e9):
            ms = (2, 8, 64) if schedule == "sequential" else (2, 8, 16, 64)
            for m in ms:
                for size in (30_000, 100_000, 300_000, 3_000_000, 45_000_000):
                    t = ideal_iteration_s(rate, m, size, schedule, 0.0)
                    points.append({"schedule": schedule, "rate_bps": rate, "workers": m,
                                   "bytes": size, "skip": t > MAX_ITERATION_S,
                                   "estimate_s": t})
    return points


def counts(estimate_s):
    """(warm-up, measured) iterations for a point of this iteration time."""
    if estimate_s < 0.05:
        return 3, 30
    if estimate_s < 1.0:
        return 3, 10
    return 3, 5


def run_point(p):
    """Runs one point: server in sv, M workers; returns the server's JSON result."""
    warmup, iterations = counts(p["estimate_s"])
    server = subprocess.Popen(
        ["ip", "netns", "exec", "sv", PY, __file__, "serve", "--workers", str(p["workers"]),
         "--bytes", str(p["bytes"]), "--schedule", p["schedule"], "--warmup", str(warmup),
         "--iterations", str(iterations)], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()  # "listening"
    if not line.startswith("listening"):
        raise RuntimeError("server did not start")
    workers = [subprocess.Popen(["ip", "netns", "exec", f"w{i}", PY, __file__, "work",
                                 "--index", str(i)]) for i in range(p["workers"])]
    result = json.loads(server.stdout.readline())
    server.wait()
    for w in workers:
        w.wait()
    result.update(warmup=warmup, iterations=iterations)
    return result


def flag(rate_bps, workers, size, schedule, median_s, busy, pre_busy, rtt_s):
    """'cpu-bound' when the CPUs were > 90% busy over the measured iterations, or when the
    point should be bandwidth-bound (wire time >= 90% of its lower bound) but reached less than
    90% of the shaper's goodput while the benchmark itself kept about one CPU busy (busy minus
    the busy fraction before the point >= 0.8 / number of CPUs: one flow's packets are handled
    mostly on one core, so a saturated core shows as about 50% on 2 CPUs). An incast that waits
    for retransmission timeouts leaves the CPUs idle and is not flagged."""
    ideal = ideal_iteration_s(rate_bps, workers, size, schedule, rtt_s)
    wire = ideal_iteration_s(rate_bps, workers, size, schedule, 0.0)
    if busy > 0.90:
        return "cpu-bound"
    own = (busy - pre_busy) * (os.cpu_count() or 1)
    if wire >= 0.9 * ideal and ideal / median_s < 0.9 and own >= 0.8:
        return "cpu-bound"
    return ""


def run(out, max_workers, only, remeasure, quiet_threshold, max_wait_s, append):
    """Sets up the topology, measures the base RTT, runs every non-skipped grid point (points
    flagged cpu-bound once more at the end), writes out (one row per iteration) and
    out's directory's real_meta.json (RTT, netem, tbf settings)."""
    points = [p for p in grid() if p["workers"] <= max_workers]
    if only:
        points = [p for p in points if eval(only, {}, dict(p))]
    print(f"setting up {max_workers} workers", flush=True)
    setup(max_workers)
    netem_ok, netem_err = netem_available()
    rtt = ping_rtt()
    meta = {"rtt_min_s": rtt[0], "rtt_median_s": rtt[1], "rtt_mean_s": rtt[2],
            "rtt_max_s": rtt[3], "netem_available": netem_ok, "netem_error": netem_err,
            "queue_packets": QUEUE_PACKETS, "frame_bytes": FRAME,
            "tbf_burst_bytes": {str(r): tbf_burst(r) for r in RATES},
            "sysctls": LINUX_DEFAULT_SYSCTLS, "congestion_control": CONGESTION_CONTROL.decode(),
            "skipped": [p for p in points if p["skip"]]}
    print(f"RTT w0->sv min/median/mean/max {[f'{x * 1e6:.0f}us' for x in rtt]}; netem: "
          f"{netem_ok} {netem_err}", flush=True)
    rows, rate, flagged = [], None, []
    if append and os.path.exists(out):  # keeps the points of an earlier run not measured now
        with open(out) as f:
            keep = {(p["schedule"], p["rate_bps"], p["workers"], p["bytes"]) for p in points}
            rows = [r for r in csv.DictReader(f) if (r["schedule"], float(r["rate_bps"]),
                                                      int(r["workers"]), int(r["bytes"])) not in keep]
        with open(os.path.join(os.path.dirname(out), "real_meta.json")) as f:
            old = json.load(f)
        meta["earlier_rtt"] = old.get("earlier_rtt", []) + [
            {k: old[k] for k in ("rtt_min_s", "rtt_median_s", "rtt_mean_s", "rtt_max_s")}]
        meta["skipped"] += [p for p in old["skipped"] if p not in meta["skipped"]]
    todo = [p for p in points if not p["skip"]]
    todo.sort(key=lambda p: p["rate_bps"])

    def measure(p, attempt):
        nonlocal rate
        if p["rate_bps"] != rate:
            shape(max_workers, p["rate_bps"])
            rate = p["rate_bps"]
        busy0, load, waited = wait_for_quiet_cpu(max_wait_s, quiet_threshold)
        t = time.monotonic()
        result = run_point(p)
        med = statistics.median(result["times"])
        f = flag(p["rate_bps"], p["workers"], p["bytes"], p["schedule"], med,
                 result["cpu_busy"], busy0, rtt[1])
        print(f"{p['schedule']:10} {p['rate_bps']:8.0e} M={p['workers']:2} B={p['bytes']:8} "
              f"median {med:.4f}s (min {min(result['times']):.4f} max "
              f"{max(result['times']):.4f}) cpu {result['cpu_busy']:.2f} {f} "
              f"[idle-wait {waited:.0f}s, load {load.split()[0]}, {time.monotonic() - t:.1f}s]",
              flush=True)
        for i, s in enumerate(result["times"]):
            rows.append({"schedule": p["schedule"], "rate_bps": p["rate_bps"],
                         "workers": p["workers"], "bytes": p["bytes"],
                         "warmup": result["warmup"], "iteration": i, "time_s": s,
                         "cpu_busy": round(result["cpu_busy"], 3), "flag": f,
                         "attempt": attempt, "pre_busy": round(busy0, 3),
                         "loadavg": load.split()[0]})
        save()  # after every point: an interrupted run keeps what it measured
        return f

    def save():
        with open(out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        with open(os.path.join(os.path.dirname(out), "real_meta.json"), "w") as f:
            json.dump(meta, f, indent=1)

    for p in todo:
        if measure(p, 0):
            flagged.append(p)
    if remeasure:
        for p in flagged:  # measured again: the last attempt is the one reported
            measure(p, 1)
    unshape(max_workers)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", default=os.path.join(HERE, "data", "real.csv"))
    r.add_argument("--max-workers", type=int, default=64)
    r.add_argument("--only", help="python expression over schedule, rate_bps, workers, bytes")
    r.add_argument("--no-remeasure", action="store_true")
    r.add_argument("--quiet-threshold", type=float, default=0.25,
                   help="CPU busy fraction to wait below before each point")
    r.add_argument("--max-wait", type=float, default=300,
                   help="seconds to wait for that at most, then measure anyway")
    r.add_argument("--append", action="store_true",
                   help="keep the rows of points in --out that this run does not measure")
    sub.add_parser("cleanup")
    s = sub.add_parser("serve")
    for k in ("workers", "bytes", "warmup", "iterations"):
        s.add_argument(f"--{k}", type=int, required=True)
    s.add_argument("--schedule", required=True)
    w = sub.add_parser("work")
    w.add_argument("--index", type=int, required=True)
    a = ap.parse_args()
    if a.cmd == "run":
        try:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
            run(a.out, a.max_workers, a.only, not a.no_remeasure, a.quiet_threshold,
                a.max_wait, a.append)
        finally:
            cleanup()
    elif a.cmd == "cleanup":
        cleanup()
    elif a.cmd == "serve":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((SERVER_IP, PORT))
        listener.listen(128)
        print("listening", flush=True)
        serve(a.workers, a.bytes, a.schedule, a.warmup, a.iterations, listener)
    else:
        work(a.index)


if __name__ == "__main__":
    sys.exit(main())
