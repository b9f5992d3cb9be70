#!/usr/bin/env python3
"""Joins the real and simulated per-iteration CSVs, computes the error of the simulated
median per point, and writes docs/validation.md.

  report.py [--data bench/validation/data] [--out docs/validation.md]
            [--analysis bench/validation/analysis.md] [--duration-s S]

error = (simulated median - real median) / real median. Targets: sequential points and
uncongested concurrent ones |error| <= 3% for payloads >= 100 KB, <= 15% below; incast points
(concurrent, with M initial windows of 10 segments filling at least half the bottleneck
queue: M >= 5 with 100 packets) |error| <= 25%; concurrent M = 2 is held to the strict ones.
Points flagged cpu-bound (real side) are shown but not counted.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess

import pandas as pd

import real_tcp  # its flag(): the cpu-bound rule

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
KEYS = ["schedule", "rate_bps", "workers", "bytes"]
INITIAL_WINDOW = 10  # segments (Linux and the linux profile)


def rate_text(r):
    return f"{r / 1e9:g} Gbps" if r >= 1e9 else f"{r / 1e6:g} Mbps"


def size_text(b):
    return f"{b / 1e6:g} MB" if b >= 1e6 else f"{b / 1e3:g} KB"


def spread(s):
    return f"{s.min():.4g} / {s.median():.4g} / {s.max():.4g}"


def target(row, queue_packets):
    """(class, |error| limit) of a point."""
    if row.schedule == "concurrent" and row.workers * INITIAL_WINDOW >= 0.5 * queue_packets:
        return "incast", 0.25
    return ("large" if row.bytes >= 100_000 else "small"), (0.03 if row.bytes >= 100_000
                                                             else 0.15)


def load(data):
    real = pd.read_csv(os.path.join(data, "real.csv"))
    real = real[real.attempt == real.groupby(KEYS).attempt.transform("max")]  # last attempt
    real = real.drop(columns="flag")
    sim = pd.concat([pd.read_csv(os.path.join(data, f)) for f in sorted(os.listdir(data))
                     if f.startswith("simulated") and f.endswith(".csv")])
    with open(os.path.join(data, "real_meta.json")) as f:
        meta = json.load(f)
    rows, sims = [], dict(tuple(sim.groupby(KEYS)))
    for key, r in real.groupby(KEYS):
        s = sims.get(key)
        ok = s is not None and (s.flag.fillna("") == "").all()
        row = dict(zip(KEYS, key), real_median=r.time_s.median(), real_spread=spread(r.time_s),
                   n=len(r), cpu_busy=r.cpu_busy.iloc[0],
                   flag=real_tcp.flag(*key[1:3], key[3], key[0], r.time_s.median(),
                                      r.cpu_busy.iloc[0], r.pre_busy.iloc[0],
                                      meta["rtt_median_s"]),
                   sim_median=s.time_s.median() if ok else float("nan"),
                   sim_spread=spread(s.time_s) if ok else "",
                   sim_wall_s=s.wall_s.iloc[0] if s is not None else float("nan"),
                   latency_s=(s.latency_s.iloc[0] if s is not None and "latency_s" in s
                              else float("nan")))
        if s is not None and not ok:
            row["flag"] = (row["flag"] + " " + s.flag.iloc[0]).strip()
        rows.append(row)
    t = pd.DataFrame(rows)
    t["error"] = (t.sim_median - t.real_median) / t.real_median
    cls = [target(r, meta["queue_packets"]) for r in t.itertuples()]
    t["target"] = [c for c, _ in cls]
    t["limit"] = [lim for _, lim in cls]
    t["meets"] = t.error.abs() <= t.limit
    return t, meta


def table(t):
    lines = ["| rate | M | payload | real median (s) | simulated median (s) | error % | "
             "spread real (min / median / max, s) | spread sim (min / median / max, s) | "
             "target | real CPU busy | flag |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in t.sort_values(["rate_bps", "workers", "bytes"]).itertuples():
        err = "" if pd.isna(r.error) else f"{100 * r.error:+.1f}"
        verdict = "" if r.flag or pd.isna(r.error) else ("ok" if r.meets else "**miss**")
        lines.append(f"| {rate_text(r.rate_bps)} | {r.workers} | {size_text(r.bytes)} | "
                     f"{r.real_median:.4g} | {r.sim_median:.4g} | {err} | {r.real_spread} | "
                     f"{r.sim_spread} | {r.target} ({100 * r.limit:g}%) {verdict} | "
                     f"{100 * r.cpu_busy:.0f}% | {r.flag} |")
    return "\n".join(lines)


def summary(t):
    lines = ["| target | points (not flagged) | meet it | worst error | worst point |",
             "|---|---|---|---|---|"]
    names = {"large": "sequential / uncongested, payload >= 100 KB: abs(error) <= 3%",
             "small": "sequential / uncongested, payload < 100 KB: abs(error) <= 15%",
             "incast": "incast (concurrent, M >= 8): abs(error) <= 25%"}
    for cls, name in names.items():
        g = t[(t.target == cls) & (t.flag == "") & t.error.notna()]
        if g.empty:
            lines.append(f"| {name} | 0 | | | |")
            continue
        w = g.loc[g.error.abs().idxmax()]
        lines.append(f"| {name} | {len(g)} | {int(g.meets.sum())} | {100 * w.error:+.1f}% | "
                     f"{w.schedule} {rate_text(w.rate_bps)} M={w.workers} "
                     f"{size_text(w.bytes)} |")
    cpu = t[t.flag.str.contains("cpu-bound")]
    failed = t[t.flag.str.contains("sim-")]
    lines.append(f"\nLeft out: {len(cpu)} points flagged cpu-bound (all {len(t[t.rate_bps >= 1e9])} "
                 f"at 1 Gbps: see Analysis); simulation failed or timed out: "
                 + (", ".join(f"{r.schedule} {rate_text(r.rate_bps)} M={r.workers} "
                              f"{size_text(r.bytes)} ({r.flag})" for r in failed.itertuples())
                    or "none") + ".")
    return "\n".join(lines)


def machine():
    model = next((l.split(":", 1)[1].strip() for l in
                  subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
                  if l.startswith("Model name")), "?")
    return f"{model}, {os.cpu_count()} CPUs, kernel {platform.release()}"


def write(t, meta, out, analysis, duration_s):
    skipped = ", ".join(f"{p['schedule']} {rate_text(p['rate_bps'])} M={p['workers']} "
                        f"{size_text(p['bytes'])} ({p['estimate_s']:.0f} s)"
                        for p in meta["skipped"])
    burst = ", ".join(f"{rate_text(float(r))}: {b} B" for r, b in meta["tbf_burst_bytes"].items())
    flagged = t[t.flag.str.contains("cpu-bound")]
    latency = ", ".join(f"{1e6 * v:g} us" for v in sorted(t.latency_s.dropna().unique())) \
        or "see Analysis"
    text = f"""# Validation against real Linux TCP

Generated by `bench/validation/report.py` from the CSVs in `bench/validation/data/`; do not
edit by hand (the analysis section comes from `bench/validation/analysis.md`).

**Verdict.** Per target (points flagged cpu-bound left out):

{summary(t)}

## What was measured

The same upload patterns on real Linux TCP and through sasgsim's ns-3 backend (exact
fidelity), one persistent TCP connection per worker, per iteration B bytes from each of M
workers to one server:

- sequential: the server sends a 48-byte ready message to worker 0, reads its B bytes, then
  worker 1, and so on; the iteration runs from the first ready message to the last byte.
- concurrent (incast): ready messages to all workers at once, then all M uploads at once.

Real side (`real_tcp.py`): network namespaces `sv` (server, one veth card), `sw` (a Linux
bridge) and `w0..w{{M-1}}`, one veth pair per host, TSO/GSO/GRO off and MTU 1500 on every veth
end. Every egress on the paths is shaped by `tc tbf` at the point's rate: worker -> switch,
switch -> server (the server card's upload direction, shared by all uploads), server ->
switch and switch -> worker; tbf bucket (burst) {burst} (10 full frames: the qdisc watchdog
is an hrtimer, so the bucket need not cover a jiffy, and a bigger one would let the first
bytes of a small upload pass unshaped); limit {meta['queue_packets']} x {meta['frame_bytes']}
bytes on every tbf. No artificial latency: `tc qdisc add ... netem` fails on this kernel
(`{meta['netem_error']}`), so the latency is the namespaces' own: ping w0 -> sv, 200 pings,
RTT min / median / mean / max = {1e6 * meta['rtt_min_s']:.0f} / {1e6 * meta['rtt_median_s']:.0f}
/ {1e6 * meta['rtt_mean_s']:.0f} / {1e6 * meta['rtt_max_s']:.0f} us (unshaped). Linux defaults in
every namespace: {', '.join(f'{k} = {v}' for k, v in meta['sysctls'].items())} (a new namespace
copies the host's values, which here are not the defaults), congestion control
{meta['congestion_control']} set per socket (TCP_CONGESTION: the host default is bbr and a
namespace may not default to a restricted algorithm), TCP_NODELAY on both ends as Gloo sets
it; nothing else tuned (slow start after idle, delayed ACKs, TSQ, TLP/RACK as Linux has them).
Python processes, one per host: the server reads with `recv_into` (select for concurrent).

Simulated side (`simulated.py`): `build/bench/ns3_transfer --scenario
bench/validation/real_tcp_match.json` (switch topology, dedicated server, server link at the
same rate, `framing_bytes` 14 since tbf counts the 14-byte Ethernet header, `queue_packets`
{meta['queue_packets']}, rendezvous 48 bytes, no software costs, transport profile linux) with
`--set network.bandwidth=R --set network.server_link.bandwidth=R --set network.latency=` half
the median RTT of the run ({latency}), `--fidelity exact`, the same number of
iterations as the real point, the warm-up ones dropped.

Both sides: 3 warm-up iterations dropped; measured iterations (column n of the CSVs) 30 for
points under 50 ms, 10 under 1 s, 5 above. error = (simulated median - real median) / real
median. Targets: sequential points and concurrent ones with M = 2 (two senders: held to the
strict targets, though large uploads do fill the queue) abs(error) <= 3% for payloads >= 100 KB
and <= 15% below; incast (concurrent with M >= 8: M initial windows of 10 segments fill at
least half the {meta['queue_packets']}-packet bottleneck queue at once) abs(error) <= 25%, the
spread between iterations shown for both.

CPU-bound points: the server records the machine's CPU busy fraction (/proc/stat, all CPUs)
over the measured iterations, and the harness the busy fraction of a 1-second sample just
before the point (another job's load). A point is flagged `cpu-bound` (by `real_tcp.flag`,
which report.py applies to the CSV) when the CPUs were above 90% busy, or when the point should
be bandwidth-bound (wire time >= 90% of its lower bound, M x (RTT + frames / rate) sequential,
RTT + M x frames / rate concurrent) but reached less than 90% of the shaper's goodput while the
benchmark itself kept at least 0.8 of a CPU busy (busy minus the busy before, times the number
of CPUs: one flow's packets are handled mostly on one core, which shows as about 50% on this
2-CPU machine). An incast that waits for retransmission timeouts leaves the CPUs idle and is not
flagged. Before each point the harness waits until a 1-second sample shows the CPUs under 25%
busy (up to 5 minutes; the second and third runs below waited at most 60 / 30 s and accepted
55% / 25%, because other jobs on the machine kept one core busy for a long time); flagged
points are measured once more at the end and the last attempt is reported. Note that a
cpu-bound real time is an upper bound of the unloaded one: a simulated time above it is a
model error all the same. Points flagged cpu-bound: {len(flagged)}.

Skipped (estimated iteration above 15 s, too long for the time budget): {skipped}.

## Sequential

{table(t[t.schedule == 'sequential'])}

## Concurrent (incast)

{table(t[t.schedule == 'concurrent'])}

## Analysis

{open(analysis).read().strip() if analysis and os.path.exists(analysis) else '(none yet)'}

## How it was made

Machine: {machine()}. Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC.
Total duration of `run.sh`: {f'{duration_s / 60:.0f} min' if duration_s else 'not recorded (see Analysis)'}; the
simulation's wall time per point is in `data/simulated.csv` (column wall_s).

```
sudo bench/validation/run.sh            # all of it: real, simulated, this report
# or step by step:
sudo /usr/bin/python3 bench/validation/real_tcp.py run --out bench/validation/data/real.csv
/usr/bin/python3 bench/validation/simulated.py --jobs 2
/usr/bin/python3 bench/validation/report.py
```
"""
    with open(out, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "validation.md"))
    ap.add_argument("--analysis", default=os.path.join(HERE, "analysis.md"))
    ap.add_argument("--duration-s", type=float)
    a = ap.parse_args()
    t, meta = load(a.data)
    write(t, meta, a.out, a.analysis, a.duration_s)
    pd.set_option("display.width", 200)
    print(t[KEYS + ["real_median", "sim_median", "error", "target", "meets", "flag"]]
          .to_string(index=False))


if __name__ == "__main__":
    main()
