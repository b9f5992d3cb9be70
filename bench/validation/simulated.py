#!/usr/bin/env python3
"""Simulated side of the validation benchmark: every point of the real CSV through sasgsim's
ns-3 backend (build/bench/ns3_transfer, exact fidelity), with the scenario
real_tcp_match.json at the point's rate and half the measured base RTT as the latency.

  simulated.py [--real data/real.csv] [--out data/simulated.csv] [--jobs 2]

Runs the same warm-up + measured iteration counts as the real point (the warm-up ones are
dropped) and writes one row per measured iteration, with the wall time of the simulation.
Waits (up to --wait-binary seconds) for the binary, which another build may be relinking.
"""
import argparse
import concurrent.futures
import csv
import json
import os
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BINARY = os.path.join(ROOT, "build", "bench", "ns3_transfer")
SCENARIO = os.path.join(HERE, "real_tcp_match.json")
KEYS = ("schedule", "rate_bps", "workers", "bytes")


def rate_string(rate_bps):
    return f"{rate_bps / 1e6:g}Mbps"


def command(point, latency_s, csv_file):
    """The ns3_transfer command line for one point."""
    rate = rate_string(point["rate_bps"])
    return [BINARY, "--scenario", SCENARIO,
            "--set", f"network.bandwidth={rate}", "--set", f"network.server_link.bandwidth={rate}",
            "--set", f"network.latency={latency_s * 1e6:.3f}us",
            "--fidelity", "exact", "--iterations", str(point["warmup"] + point["iterations"]),
            "--workers", str(point["workers"]), "--bytes", str(point["bytes"]),
            "--schedule", point["schedule"], "--csv", csv_file]


def wait_for_binary(max_wait_s):
    start = time.monotonic()
    while not os.access(BINARY, os.X_OK):
        if time.monotonic() - start > max_wait_s:
            raise SystemExit(f"{BINARY} missing after {max_wait_s} s")
        time.sleep(10)


def simulate(point, latency_s, timeout_s, wait_binary_s):
    """Runs one point; returns its measured rows (or one row with an error flag)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "it.csv")
        cmd = command(point, latency_s, out)
        for attempt in range(3):  # the binary may vanish briefly while it is relinked
            wait_for_binary(wait_binary_s)
            t = time.monotonic()
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
            except subprocess.TimeoutExpired:
                return [dict(point_key(point), iteration=-1, time_s="", wall_s=timeout_s,
                             flag="sim-timeout", latency_s=latency_s)]
            wall = time.monotonic() - t
            if r.returncode == 0:
                break
            print(f"ns3_transfer failed ({r.returncode}) on {point_key(point)}: "
                  f"{r.stderr.strip()[-300:]}", flush=True)
            if os.access(BINARY, os.X_OK):  # a failure of the simulation, not a relink
                break
            time.sleep(30)
        if r.returncode != 0:
            return [dict(point_key(point), iteration=-1, time_s="", wall_s=round(wall, 2),
                         flag="sim-error", latency_s=latency_s)]
        with open(out) as f:
            times = [float(row["comm_time_s"]) for row in csv.DictReader(f)]
    measured = times[point["warmup"]:]
    print(f"{point['schedule']:10} {point['rate_bps']:8.0e} M={point['workers']:2} "
          f"B={point['bytes']:8} sim median {sorted(measured)[len(measured) // 2]:.4f}s "
          f"[{wall:.1f}s wall]", flush=True)
    return [dict(point_key(point), iteration=i, time_s=s, wall_s=round(wall, 2), flag="",
                 latency_s=latency_s) for i, s in enumerate(measured)]


def point_key(point):
    return {k: point[k] for k in KEYS}


def real_points(real_csv):
    """The distinct points of the real CSV (last attempt), with their iteration counts."""
    points = {}
    with open(real_csv) as f:
        for row in csv.DictReader(f):
            key = (row["schedule"], float(row["rate_bps"]), int(row["workers"]), int(row["bytes"]))
            p = points.setdefault(key, {"schedule": key[0], "rate_bps": key[1],
                                        "workers": key[2], "bytes": key[3],
                                        "warmup": int(row["warmup"]), "n": {}})
            a = int(row["attempt"])
            p["n"][a] = p["n"].get(a, 0) + 1
    for p in points.values():
        p["iterations"] = p["n"][max(p["n"])]
    return list(points.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", default=os.path.join(HERE, "data", "real.csv"))
    ap.add_argument("--out", default=os.path.join(HERE, "data", "simulated.csv"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900, help="seconds per point")
    ap.add_argument("--wait-binary", type=float, default=3600)
    ap.add_argument("--only", help="python expression over schedule, rate_bps, workers, bytes")
    ap.add_argument("--append", action="store_true",
                    help="keep the points already in --out, simulate only the others")
    a = ap.parse_args()
    with open(os.path.join(os.path.dirname(a.real), "real_meta.json")) as f:
        latency_s = json.load(f)["rtt_median_s"] / 2
    points, done = real_points(a.real), []
    if a.only:
        points = [p for p in points if eval(a.only, {}, point_key(p))]
    if a.append and os.path.exists(a.out):  # keeps the points simulated before
        with open(a.out) as f:
            done = [r for r in csv.DictReader(f) if r["flag"] == ""]
        have = {(r["schedule"], float(r["rate_bps"]), int(r["workers"]), int(r["bytes"]))
                for r in done}
        points = [p for p in points if tuple(p[k] for k in KEYS) not in have]
    if not points:
        return
    # the longest first, so that two jobs finish together
    points.sort(key=lambda p: -p["workers"] * p["bytes"] * (p["warmup"] + p["iterations"]))
    print(f"{len(points)} points, latency {latency_s * 1e6:.1f} us; e.g. "
          f"{' '.join(command(points[-1], latency_s, 'FILE'))}", flush=True)
    t = time.monotonic()
    rows = done
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        jobs = [pool.submit(simulate, p, latency_s, a.timeout, a.wait_binary) for p in points]
        for job in concurrent.futures.as_completed(jobs):
            rows += job.result()
            with open(a.out, "w", newline="") as f:  # after every point
                w = csv.DictWriter(f, fieldnames=list(rows[0]))
                w.writeheader()
                w.writerows(rows)
    print(f"simulated {len(points)} points in {time.monotonic() - t:.0f} s", flush=True)


if __name__ == "__main__":
    main()
