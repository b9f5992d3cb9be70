#!/usr/bin/env python3
"""Timeline of a run as Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or
chrome://tracing): for a range of iterations, per worker its compute, upload and idle spans
(and skipped uploads), and per iteration the server's receive, aggregation and downlink.

Usage: timeline.py RUN_DIR [--algorithm LABEL ...] [--iterations FROM:TO] [--out FILE]

Times are simulated. Iteration t begins at iterations.csv's start_s and uploads.csv's times
are relative to that begin: an uploading worker computes until computed_s, spends until
prepared_s on its send costs, waits for the server's ready message until start_s
(rendezvous), uploads until delivered_s; the server then spends until finish_s on its receive
and aggregation costs; the worker is idle for the rest of the iteration (it waits for the
server's new model). A skipping worker's compute end is not recorded: its compute is drawn to
the slowest worker's (compute_s). The iteration ends compute_s + comm_time_s after its begin.
The server aggregates when the last upload has arrived (an instant event) and then, with the
downlink on, sends the model until the iteration ends.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from analysis.results import ResultsError, _read_csv, _read_json  # noqa: E402

US = 1e6  # trace-event timestamps are microseconds

# The columns read (uploads.csv's computed_s exists since its times count from the
# iteration's begin).
UPLOADS_COLUMNS = ("iteration", "worker", "values", "payload_bytes", "forced", "computed_s",
                   "prepared_s", "ready_s", "start_s", "delivered_s", "finish_s")
ITERATIONS_COLUMNS = ("iteration", "start_s", "compute_s", "comm_time_s")


def parse_range(text: str) -> tuple[int, int]:
    try:
        first, last = text.split(":")
        a, b = int(first), int(last)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected FROM:TO (iterations, TO exclusive), got {text!r}")
    if a < 0 or b <= a:
        raise argparse.ArgumentTypeError(f"expected 0 <= FROM < TO, got {text!r}")
    return a, b


def build_trace(run_dir: Path, label: str, first: int, last: int, workers: int) -> dict:
    """The trace events of `label` for iterations first .. last-1."""
    alg = run_dir / label
    how = f"run `sasgsim run` (or `replay`) to produce {alg}"
    iterations = _read_csv(alg / "iterations.csv", how)
    uploads = _read_csv(alg / "uploads.csv", how)
    for path, table, needed in ((alg / "iterations.csv", iterations, ITERATIONS_COLUMNS),
                                (alg / "uploads.csv", uploads, UPLOADS_COLUMNS)):
        missing = [c for c in needed if c not in table.columns]
        if missing:
            raise ResultsError(f"{path} has no {', '.join(missing)} column: it was written by "
                               f"an older sasgsim; replay the run to refresh it")
    iterations = iterations[(iterations.iteration >= first) & (iterations.iteration < last)]
    uploads = uploads[(uploads.iteration >= first) & (uploads.iteration < last)]
    server = workers + 1
    events = [{"name": "process_name", "ph": "M", "pid": 1, "args": {"name": f"{label}"}},
              {"name": "thread_name", "ph": "M", "pid": 1, "tid": server,
               "args": {"name": "server"}}]
    for m in range(workers):
        events.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": m + 1,
                       "args": {"name": f"worker {m}"}})
        events.append({"name": "thread_sort_index", "ph": "M", "pid": 1, "tid": m + 1,
                       "args": {"sort_index": m}})
    by_iteration = {t: g for t, g in uploads.groupby("iteration")}

    def span(name, cat, tid, begin_s, end_s, args=None):
        if end_s > begin_s:
            events.append({"name": name, "cat": cat, "ph": "X", "pid": 1, "tid": tid,
                           "ts": begin_s * US, "dur": (end_s - begin_s) * US, "args": args or {}})

    for row in iterations.itertuples(index=False):
        t = int(row.iteration)
        begin = float(row.start_s)
        slowest = begin + float(row.compute_s)
        end = slowest + float(row.comm_time_s)
        mine = by_iteration.get(t, pd.DataFrame(columns=uploads.columns))
        uploaded = {int(u.worker): u for u in mine.itertuples(index=False)}
        last_arrival = begin
        for m in range(workers):
            u = uploaded.get(m)
            if u is None:
                span("compute", "compute", m + 1, begin, slowest, {"iteration": t})
                events.append({"name": "skip", "cat": "skip", "ph": "i", "s": "t", "pid": 1,
                               "tid": m + 1, "ts": slowest * US, "args": {"iteration": t}})
                span("idle", "idle", m + 1, slowest, end, {"iteration": t})
                continue
            computed = begin + float(u.computed_s)
            prepared = begin + float(u.prepared_s)
            up_begin = begin + float(u.start_s)
            delivered = begin + float(u.delivered_s)
            up_end = begin + float(u.finish_s)
            last_arrival = max(last_arrival, up_end)
            span("compute", "compute", m + 1, begin, computed, {"iteration": t})
            span("send costs", "send", m + 1, computed, prepared, {"iteration": t})
            span("rendezvous", "rendezvous", m + 1, prepared, up_begin, {"iteration": t})
            span("upload", "upload", m + 1, up_begin, delivered,
                 {"iteration": t, "values": int(u.values), "payload_bytes": int(u.payload_bytes),
                  "forced": bool(u.forced)})
            span(f"receive worker {m}", "receive", server, up_begin, delivered, {"iteration": t})
            span(f"receive costs worker {m}", "receive_costs", server, delivered, up_end,
                 {"iteration": t})
            span("idle", "idle", m + 1, delivered, end, {"iteration": t})
        events.append({"name": "aggregate", "cat": "server", "ph": "i", "s": "t", "pid": 1,
                       "tid": server, "ts": last_arrival * US,
                       "args": {"iteration": t, "uploads": len(uploaded)}})
        span("downlink", "downlink", server, max(last_arrival, slowest), end, {"iteration": t})
        span(f"iteration {t}", "iteration", server + 1, begin, end,
             {"uploads": len(uploaded), "comm_time_s": float(row.comm_time_s)})
    events.append({"name": "thread_name", "ph": "M", "pid": 1, "tid": server + 1,
                   "args": {"name": "iterations"}})
    return {"traceEvents": events, "displayTimeUnit": "ms",
            "otherData": {"run": str(run_dir), "algorithm": label,
                          "iterations": f"{first}:{last}", "time": "simulated"}}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("run_dir", type=Path)
    p.add_argument("--algorithm", action="append", help="label (default: every algorithm)")
    p.add_argument("--iterations", type=parse_range, default=(0, 20),
                   help="FROM:TO, TO exclusive (default 0:20)")
    p.add_argument("--out", type=Path,
                   help="output file (default RUN_DIR/<label>/timeline.json); only with one algorithm")
    args = p.parse_args(argv)
    try:
        manifest = _read_json(args.run_dir / "manifest.json",
                              "give a results directory written by `sasgsim run`")
        labels = args.algorithm or manifest.get("algorithms", [])
        if args.out is not None and len(labels) != 1:
            print("error: --out needs exactly one --algorithm", file=sys.stderr)
            return 2
        unknown = [l for l in labels if l not in manifest.get("algorithms", [])]
        if unknown:
            print(f"error: the run has no algorithm {unknown[0]!r} "
                  f"(it has {', '.join(manifest.get('algorithms', []))})", file=sys.stderr)
            return 2
        workers = int(manifest["scenario"]["workers"])
        for label in labels:
            trace = build_trace(args.run_dir, label, *args.iterations, workers)
            out = args.out or args.run_dir / label / "timeline.json"
            out.write_text(json.dumps(trace) + "\n")
            print(out)
    except ResultsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
