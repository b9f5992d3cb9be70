"""Small, deterministic sasgsim results directories written from Python, for the analysis tests.

The files follow README.md "Outputs": manifest.json, <label>/{metrics.csv, summary.json,
uploads.csv, iterations.csv}; multi-seed directories (seed-<s>/) and sweeps (sweep.csv).
Their columns and summary keys are those of analysis/result_schema.json. Numbers are made up
but self-consistent: metrics.csv rows are cumulative sums of the iteration-level data written
to iterations.csv, and summary.json holds the totals. No compute time is modelled (all 0).
"""
from __future__ import annotations

import csv
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from analysis import schema  # noqa: E402

METRICS_COLUMNS = list(schema.columns("metrics.csv"))
UPLOADS_COLUMNS = list(schema.columns("uploads.csv"))
ITERATIONS_COLUMNS = list(schema.columns("iterations.csv"))
# Keys of summary.json that results written before sasgsim recorded them lack.
GRADIENT_KEYS = ("gradients", "aux_gradients")
VALUE_MEMORY_KEYS = ("server_memory_value_bytes", "max_server_memory_value_bytes")

WORKERS = 4
PARAMS = 10_000          # model size n
DENSE_VALUES = PARAMS
SPARSE_VALUES = 100      # 1%
RATE_BPS = 1e8
D = 10
# per kind: (fraction of workers uploading after warm-up, sparse?)
KIND_TRAITS = {"sgd": (1.0, False), "sparse": (1.0, True), "lasg": (0.6, False),
               "sasg": (0.4, True)}


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _write_dict_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    """rows as dicts, in header order; a KeyError names a column a row lacks."""
    _write_csv(path, header, [[r[c] for c in header] for r in rows])


def traits(kind: str) -> dict[str, bool]:
    """summary.json "traits" of a kind: the simulator's, or none for a kind it does not know."""
    return schema.algorithm_traits(kind) or {
        "lazy": False, "compresses": False, "error_feedback": False, "stores_vectors": False}


def _check_summary_keys(summary: dict, target, with_gradients: bool,
                        with_value_memory: bool) -> None:
    """The fixture writes what sasgsim writes: every key result_schema.json declares, less
    those an older run lacks, and nothing else."""
    expected = set(schema.always_summary_keys())
    if target is not None:
        expected |= set(schema.target_summary_keys())
    if not with_gradients:
        expected -= set(GRADIENT_KEYS)
    if not with_value_memory:
        expected -= set(VALUE_MEMORY_KEYS)
    assert set(summary) == expected, (sorted(set(summary) - expected),
                                      sorted(expected - set(summary)))


def scenario(name="fixture", labels=("sgd", "sparse", "lasg", "sasg"), iterations=250,
             eval_every=50, target=80.0, top5=False, seed=1, kinds=None, bandwidth="100Mbps",
             latency="1ms", workers=WORKERS):
    kinds = kinds or {}
    train = {"iterations": iterations, "lr": 0.05, "eval_every": eval_every}
    if target is not None:
        train["target_accuracy"] = target
        train["target_top5"] = top5
    return {
        "name": name, "seed": seed, "workers": workers, "model": "fc512",
        "data": {"dataset": "synthetic", "batch_size": 8},
        "train": train,
        "algorithms": [{"name": kinds.get(l, l), "label": l} for l in labels],
        "network": {"backend": "analytic", "bandwidth": bandwidth, "latency": latency,
                    "schedule": "sequential"},
    }


def write_run(directory, name="fixture", seed=1, labels=("sgd", "sparse", "lasg", "sasg"),
              iterations=250, eval_every=50, target=80.0, top5=False, plateau=None,
              with_iterations=True, with_gradients=True, with_start_s=True,
              with_value_memory=True, kinds=None, complete=True, scenario_extra=None) -> dict:
    """Writes a run directory; returns {label: {"metrics": rows (dicts), "iterations": rows
    (dicts), "summary": dict}} for the tests to check against. plateau: {label: final
    accuracy}. with_gradients, with_start_s, with_value_memory False: leave out what results
    written before sasgsim recorded it lack."""
    directory = Path(directory)
    kinds = kinds or {}
    plateau = plateau or {}
    sc = scenario(name, labels, iterations, eval_every, target, top5, seed, kinds)
    sc.update(scenario_extra or {})
    out = {}
    for li, label in enumerate(labels):
        kind = kinds.get(label, label)
        frac, sparse = KIND_TRAITS.get(kind, (1.0, False))
        rng = np.random.default_rng(1000 * seed + li)
        values = SPARSE_VALUES if sparse else DENSE_VALUES
        payload = 16 + (8 * values if sparse else 4 * values)
        # The server keeps each stale vector as its uploads encode it: 4-byte values, and a
        # 4-byte index beside each value of a sparse one.
        value_memory = 0 if kind in ("sgd", "sparse") else WORKERS * 4 * values
        memory = value_memory * (2 if sparse else 1)
        top = plateau.get(label, 95.0)
        it_rows, uploads_rows, metrics_rows = [], [], []
        rounds = skipped = bits = pay = wire = 0
        comm = 0.0
        window_uploads = 0
        loss_acc = []
        for t in range(iterations):
            if t < D or kind in ("sgd", "sparse"):
                who = list(range(WORKERS))
            else:
                who = [m for m in range(WORKERS) if rng.random() < frac]
            start = comm
            clock = 0.0
            for m in who:
                s = clock
                clock += 0.001 + payload * 8 / RATE_BPS
                uploads_rows.append({"iteration": t, "worker": m, "values": values,
                                     "payload_bytes": payload, "forced": 0,
                                     "computed_s": 0.0, "prepared_s": 0.0, "ready_s": round(s, 9),
                                     "start_s": round(s, 9), "delivered_s": round(clock, 9),
                                     "finish_s": round(clock, 9)})
            t_comm = round(clock, 9)
            comm += t_comm
            rounds += len(who)
            skipped += WORKERS - len(who)
            bits += 32 * values * len(who)
            pay += payload * len(who)
            wire += (payload + 40) * len(who)
            window_uploads += len(who)
            it_rows.append({"iteration": t, "uploads": len(who), "start_s": round(start, 9),
                            "compute_s": 0.0, "worker0_computed_s": 0.0,
                            "comm_time_s": t_comm})
            loss_acc.append(2.0 * math.exp(-(t + 1) / 60.0) + 0.05 + 0.01 * rng.random())
            done = t + 1
            if done % eval_every == 0 or done == iterations:
                acc = round(top * (1 - math.exp(-done / (40.0 + 10 * li))) + rng.random(), 2)
                metrics_rows.append({
                    "iteration": done, "epoch": done / 100.0, "lr": 0.05, "rounds": rounds,
                    "skipped": skipped, "paper_bits": bits, "payload_bytes": pay,
                    "encoded_bits": 8 * pay, "wire_bytes": wire, "comm_time_s": round(comm, 9),
                    "iteration_comm_time_s": t_comm, "compute_time_s": 0.0,
                    "wall_time_s": round(comm, 9), "server_memory_bytes": memory,
                    "train_loss": round(float(np.mean(loss_acc)), 6),
                    "test_loss": round(2.0 * math.exp(-done / 80.0) + 0.1, 6),
                    "test_acc": acc, "test_top5_acc": round(min(100.0, acc + 4.0), 2),
                    "uploads_in_window": window_uploads,
                })
                window_uploads = 0
                loss_acc = []
        alg_dir = directory / label
        _write_dict_csv(alg_dir / "metrics.csv", METRICS_COLUMNS, metrics_rows)
        _write_dict_csv(alg_dir / "uploads.csv",
                        [c for c in UPLOADS_COLUMNS if with_start_s or c != "start_s"],
                        uploads_rows)
        if with_iterations:
            _write_dict_csv(alg_dir / "iterations.csv", ITERATIONS_COLUMNS, it_rows)
        last = metrics_rows[-1]
        aux = 0 if kind in ("sgd", "sparse") else WORKERS * max(0, iterations - D)
        summary = {
            "algorithm": label, "kind": kind, "traits": traits(kind), "iterations": iterations,
            "rounds": rounds, "skipped": skipped, "paper_bits": bits, "payload_bytes": pay,
            "encoded_bits": 8 * pay, "wire_bytes": wire, "comm_time_s": comm,
            "compute_time_s": 0.0, "wall_time_s": comm,
            "final_test_acc": last["test_acc"], "final_test_top5_acc": last["test_top5_acc"],
            "final_test_loss": last["test_loss"],
            "server_memory_bytes": memory, "max_server_memory_bytes": memory,
            "target_accuracy": target,
            "network": {"backend": "analytic", "links": []},
        }
        if with_value_memory:
            summary["server_memory_value_bytes"] = value_memory
            summary["max_server_memory_value_bytes"] = value_memory
        if with_gradients:
            summary["gradients"] = WORKERS * iterations + aux
            summary["aux_gradients"] = aux
        if target is not None:
            col = "test_top5_acc" if top5 else "test_acc"
            hit = next((r for r in metrics_rows if r[col] >= target), None)
            for key, src in (("iterations_to_target", "iteration"), ("rounds_to_target", "rounds"),
                             ("paper_bits_to_target", "paper_bits"),
                             ("payload_bytes_to_target", "payload_bytes"),
                             ("encoded_bits_to_target", "encoded_bits"),
                             ("wire_bytes_to_target", "wire_bytes"),
                             ("comm_time_to_target_s", "comm_time_s"),
                             ("compute_time_to_target_s", "compute_time_s"),
                             ("wall_time_to_target_s", "wall_time_s")):
                summary[key] = hit[src] if hit else None
        _check_summary_keys(summary, target, with_gradients, with_value_memory)
        if complete or li < len(labels) - 1:
            (alg_dir / "summary.json").write_text(json.dumps(summary, indent=2))
        out[label] = {"metrics": metrics_rows, "iterations": it_rows, "summary": summary}
    manifest = {
        "scenario": sc, "seed": seed, "iterations": iterations, "iterations_per_epoch": 100,
        "host_seconds": {l: 1.0 for l in labels}, "network_host_seconds": {l: 0.1 for l in labels},
        "algorithms": list(labels), "complete": complete,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return out


def write_seeds(directory, seeds=(1, 19, 31), **kwargs) -> dict:
    """A multi-seed directory; kwargs["plateau_by_seed"] = {seed: {label: acc}}."""
    directory = Path(directory)
    plateau_by_seed = kwargs.pop("plateau_by_seed", {})
    data = {}
    for s in seeds:
        data[s] = write_run(directory / f"seed-{s}", seed=s, plateau=plateau_by_seed.get(s), **kwargs)
    sc = scenario(kwargs.get("name", "fixture"), kwargs.get("labels", ("sgd", "sparse", "lasg", "sasg")))
    manifest = {"scenario": sc, "seeds": list(seeds), "runs": [f"seed-{s}" for s in seeds],
                "complete": True}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return data


def write_sweep(directory, bandwidths=("10Mbps", "100Mbps", "1Gbps"), workers=None,
                labels=("sgd", "sparse", "lasg", "sasg"), target=80.0, name="fixture_sweep",
                unreached=(("sgd", "10Mbps"),), seeds=None) -> list[dict]:
    """A sweep over network.bandwidth (and workers, or seed, when given), laid out as `sasgsim
    sweep` writes it (the last key varies fastest); seed i's times are (1 + i / 10) times seed
    0's. Returns sweep.csv's rows."""
    from analysis.units import parse_rate_bps
    directory = Path(directory)
    assert not (workers and seeds), "one second key at a time"
    keys = ["network.bandwidth"] + (["workers"] if workers else []) + (["seed"] if seeds else [])
    size = {"sgd": 4e5, "sparse": 8e3, "lasg": 2.4e5, "sasg": 3.2e3}
    rows, points = [], []
    for bw in bandwidths:
        for i, (w, seed) in enumerate(itertools.product(workers or [None], seeds or [None])):
            point = (f"p{len(points):02d}_bandwidth-{bw}" + (f"_workers-{w}" if w else "")
                     + (f"_seed-{seed}" if seed else ""))
            values = {"network.bandwidth": bw, **({"workers": w} if w else {}),
                      **({"seed": seed} if seed else {})}
            points.append({"name": point, "values": values, "trained": True,
                           "training_point": point})
            m = w or WORKERS
            slower = 1.0 + i / 10 if seeds else 1.0
            sc = scenario(name, labels, target=target, bandwidth=bw, workers=m)
            (directory / point).mkdir(parents=True, exist_ok=True)
            (directory / point / "manifest.json").write_text(json.dumps(
                {"scenario": sc, "seed": 1, "algorithms": list(labels), "complete": True}))
            for label in labels:
                t = 100 * (m * size[label] * 8 / parse_rate_bps(bw) + 0.001 * m) * slower
                reached = (label, bw) not in unreached
                row = {"point": point, "algorithm": label, "network.bandwidth": bw}
                if w:
                    row["workers"] = w
                if seed:
                    row["seed"] = seed
                row.update({
                    "iterations": 100, "rounds": 100 * m, "skipped": 0,
                    "paper_bits": 100 * m * 32 * size[label] / 4,
                    "payload_bytes": 100 * m * size[label], "encoded_bits": 800 * m * size[label],
                    "wire_bytes": 100 * m * size[label] + 4000,
                    "comm_time_s": round(t, 9),
                    "iterations_to_target": 60 if reached else "",
                    "rounds_to_target": 60 * m if reached else "",
                    "paper_bits_to_target": 60 * m * 32 * size[label] / 4 if reached else "",
                    "payload_bytes_to_target": 60 * m * size[label] if reached else "",
                    "encoded_bits_to_target": 480 * m * size[label] if reached else "",
                    "wire_bytes_to_target": 60 * m * size[label] + 2400 if reached else "",
                    "comm_time_to_target_s": round(0.6 * t, 9) if reached else "",
                    "final_test_acc": 90.5 if reached else 70.25,
                    "final_test_top5_acc": 99.5 if reached else 95.75,
                    "final_test_loss": 0.3125 if reached else 0.875,
                    "trained": 1,
                })
                rows.append(row)
    header = (list(schema.sweep_leading_columns()) + keys + list(schema.sweep_figures())
              + list(schema.sweep_trailing_columns()))
    assert all(set(r) == set(header) for r in rows), "a sweep.csv row lacks a column or has more"
    _write_dict_csv(directory / "sweep.csv", header, rows)
    (directory / "sweep.json").write_text(json.dumps(
        {"scenario": name, "source": "/nowhere/scenario.json", "keys": keys, "points": points,
         "jobs": []}, indent=2))
    return rows
