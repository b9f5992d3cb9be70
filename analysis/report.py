"""Tables of a sasgsim results directory, in Markdown (the paper's Tables II and III and more).

    python3 analysis/report.py DIR

Prints the report on stdout and writes it to DIR/report.md. A run directory gets one row per
algorithm; a multi-seed directory mean +- sample standard deviation (n-1) across seeds; a sweep
directory the rows of sweep.csv and a point-by-algorithm view of communication time.
Exit codes: 0 ok; 2 DIR is not a results directory or lacks a file (stderr says which and how
to produce it); 1 anything else. See docs/plots.md.
"""
from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from analysis.results import (Run, Seeds, Sweep, detect, load_run, run_cli,  # noqa: E402
                              load_seeds, load_sweep)
from analysis.schema import summary_keys, target_summary_keys  # noqa: E402

MIB = 1024.0 ** 2

# The paper's figures (see SPEC-algorithms.md), shown next to runs of the paper's scenarios.
# Rounds to target: 5-seed means of the authors' logs; bits: the paper's Table II (one run);
# communication time per iteration: the paper's Table III (ResNet-18, 10 workers, 1 Gbps).
PAPER_REFERENCE = {
    "mnist": {
        "title": "MNIST FC, target 98%",
        "rounds_to_target": {"sasg": 24000, "lasg": 34800, "sparse": 66600, "sgd": 62000},
        "paper_bits_to_target": {"sasg": 2.97e9, "lasg": 4.41e11, "sparse": 8.78e9, "sgd": 7.87e11},
    },
    "cifar10": {
        "title": "CIFAR-10 ResNet-18, target 92%",
        "rounds_to_target": {"sasg": 92900, "lasg": 110200, "sparse": 109800, "sgd": 116200},
        "avg_comm_time_s": {"sgd": 327.45, "sparse": 15.94, "lasg": 286.72, "sasg": 13.09},
        "server_memory_value_mib": {"lasg": 426.25, "sasg": 4.26},
    },
    "cifar100": {
        "title": "CIFAR-100 ResNet-18, target top-5 92%",
        "rounds_to_target": {"sasg": 137937, "lasg": 145971, "sparse": 152800, "sgd": 152000},
    },
}


def paper_reference(name: str) -> dict | None:
    """The reference figures for a scenario named like the paper's (paper_mnist_fc, ...)."""
    lowered = name.lower()
    if not lowered.startswith("paper"):
        return None
    for key, pattern in (("cifar100", r"cifar[-_]?100(?![0-9])"),
                         ("cifar10", r"cifar[-_]?10(?![0-9])"), ("mnist", r"mnist")):
        if re.search(pattern, lowered):
            return PAPER_REFERENCE[key]
    return None


# ----------------------------------------------------------------------------- figures


def _num(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


# Figures the tables compute from summary.json keys: name -> (key, divided by key or None, scale).
DERIVED_FIGURES = {
    "avg_comm_time_s": ("comm_time_s", "iterations", 1.0),
    "aux_percent": ("aux_gradients", "gradients", 100.0),
    "server_memory_value_mib": ("max_server_memory_value_bytes", None, 1.0 / MIB),
    "server_memory_mib": ("max_server_memory_bytes", None, 1.0 / MIB),
}


def figure_keys() -> set[str]:
    """Every key a table may show: summary.json's keys (result_schema.json) and DERIVED_FIGURES."""
    return set(summary_keys()) | set(DERIVED_FIGURES)


def _scaled_ratio(value: float | None, divisor: float | None, scale: float) -> float | None:
    """scale * value / divisor; None when either is missing or the divisor is 0."""
    if value is None or not divisor:
        return None
    return scale * value / divisor


def algorithm_figures(summary: dict) -> dict[str, float | None]:
    """Everything the tables show for one algorithm of one run, from its summary.json;
    None where the run did not record it (or did not reach the target)."""
    s = {k: _num(v) for k, v in summary.items() if not isinstance(v, (dict, list, str))}
    f = {k: s.get(k) for k in summary_keys()}
    for name, (key, divisor, scale) in DERIVED_FIGURES.items():
        f[name] = _scaled_ratio(f[key], f[divisor] if divisor else 1.0, scale)
    return f


# Columns: (header, figure key, format). Formats: int, sci, sec, pct, mib, acc, loss.
TABLE_II = [
    ("Iterations", "iterations_to_target", "int"),
    ("Rounds", "rounds_to_target", "int"),
    ("Bits (paper)", "paper_bits_to_target", "sci"),
    ("Comm. time (s)", "comm_time_to_target_s", "sec"),
    ("Wall time: compute + comm. (s)", "wall_time_to_target_s", "sec"),
]
TABLE_III = [
    ("Avg comm. time / iteration (s)", "avg_comm_time_s", "sec"),
    ("Total comm. time (s)", "comm_time_s", "sec"),
    ("Total compute time (s)", "compute_time_s", "sec"),
    ("Total wall time (s)", "wall_time_s", "sec"),
    ("Aux. gradients", "aux_gradients", "int"),
    ("Aux. share of gradients (%)", "aux_percent", "pct"),
    ("Server memory, values only (MiB)", "server_memory_value_mib", "mib"),
    ("Server memory, values + indices (MiB)", "server_memory_mib", "mib"),
]
BYTES = [
    ("Payload bytes", "payload_bytes", "sci"),
    ("Payload bytes to target", "payload_bytes_to_target", "sci"),
    ("Wire bytes", "wire_bytes", "sci"),
    ("Wire bytes to target", "wire_bytes_to_target", "sci"),
]
FINAL = [
    ("Iterations", "iterations", "int"),
    ("Rounds", "rounds", "int"),
    ("Skipped", "skipped", "int"),
    ("Bits (paper)", "paper_bits", "sci"),
    ("Final test acc (%)", "final_test_acc", "acc"),
    ("Final top-5 acc (%)", "final_test_top5_acc", "acc"),
    ("Final test loss", "final_test_loss", "loss"),
]
# Figures of the first evaluation that reached the target: "not reached" when absent.
TARGET_KEYS = set(target_summary_keys())
# Reached-or-not is decided by this one, which every summary with a target has.
REACHED_KEY = "iterations_to_target"
# Wall-clock figures, left out when no run modelled compute time (COMPUTE_KEY all 0 or absent).
COMPUTE_KEY = "compute_time_s"
WALL_CLOCK_KEYS = {COMPUTE_KEY, "wall_time_s", "wall_time_to_target_s"}
# Figures summaries written before sasgsim recorded them lack: "-" rather than "n/a".
NEWER_FIGURES = {"server_memory_value_mib"}


def fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "n/a"
    if kind == "int":
        if float(value).is_integer():
            return f"{value:,.0f}"
        # a mean or std of counts: 4 significant digits, never in e-notation
        decimals = max(0, 3 - math.floor(math.log10(abs(value)))) if value else 0
        return f"{value:,.{decimals}f}"
    if kind == "sci":
        return f"{value:.3e}"
    if kind == "sec":
        return f"{value:.4g}"
    if kind == "mib":
        return f"{value:.2f}" if abs(value) >= 100 else f"{value:.4g}"
    if kind in ("pct", "acc"):
        return f"{value:.2f}"
    if kind == "loss":
        return f"{value:.4f}"
    return f"{value:g}"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _cell_run(figures: dict, key: str, kind: str, has_target: bool) -> str:
    v = figures.get(key)
    if v is None and key in TARGET_KEYS and has_target and figures.get("iterations") is not None:
        return "not reached" if figures.get(REACHED_KEY) is None else "n/a"
    if v is None and key in NEWER_FIGURES:
        return "-"
    return fmt(v, kind)


def mean_std(values: list[float]) -> tuple[float, float | None]:
    """Mean and sample standard deviation (n-1); std None for a single value."""
    a = np.asarray(values, dtype=float)
    return float(a.mean()), (float(a.std(ddof=1)) if len(a) > 1 else None)


def _cell_seeds(per_seed: list[dict], key: str, kind: str, has_target: bool) -> str:
    n = len(per_seed)
    values = [f[key] for f in per_seed if f.get(key) is not None]
    if not values:
        if key in TARGET_KEYS and has_target:
            return "not reached"
        return "-" if key in NEWER_FIGURES else "n/a"
    mean, std = mean_std(values)
    text = fmt(mean, kind) if std is None else f"{fmt(mean, kind)} ± {fmt(std, kind)}"
    if len(values) < n:
        text += f" ({len(values)}/{n} reached)" if key in TARGET_KEYS else f" ({len(values)}/{n})"
    return text


def _target_text(target: float | None, top5: bool) -> str:
    return f"test {'top-5' if top5 else 'top-1'} accuracy ≥ {target:g}%"


def _describe(scenario: dict) -> str:
    parts = []
    for key, label in (("workers", "workers"), ("model", "model")):
        if scenario.get(key) is not None:
            parts.append(f"{label} {scenario[key]}")
    data = scenario.get("data") or {}
    if data.get("dataset"):
        parts.append(f"dataset {data['dataset']} (batch {data.get('batch_size', '?')} per worker)")
    train = scenario.get("train") or {}
    if train.get("lr") is not None:
        parts.append(f"lr {train['lr']}")
    net = scenario.get("network") or {}
    if net:
        parts.append("network " + ", ".join(f"{k} {net[k]}" for k in
                                            ("backend", "fidelity", "bandwidth", "latency",
                                             "schedule", "topology") if net.get(k) is not None))
    return "; ".join(parts)


def _sections(labels: list[str], cell, target: float | None, top5: bool) -> list[str]:
    """The four tables; cell(label, key, kind, has_target) gives each cell's text."""
    has_target = target is not None
    # Runs written before the compute-time model have no wall-clock figures, and runs without
    # one (compute.model "none") have wall time = communication time: leave them out.
    no_wall = all(re.fullmatch(r"n/a|[0.]+( ± [0.]+)?", cell(l, COMPUTE_KEY, "sec", False))
                  for l in labels)
    table_ii = [c for c in TABLE_II if not (no_wall and c[1] in WALL_CLOCK_KEYS)]
    table_iii = [c for c in TABLE_III if not (no_wall and c[1] in WALL_CLOCK_KEYS)]
    out = []
    out.append("## Table II: cost to reach the target accuracy")
    if has_target:
        out.append(f"Target: {_target_text(target, top5)} (first evaluation that reaches it). "
                   "Bits follow the paper: 32 per transmitted value, indices not counted.")
        out.append("")
        out.append(markdown_table(["Algorithm"] + [h for h, _, _ in table_ii],
                                  [[l] + [cell(l, k, f, True) for _, k, f in table_ii]
                                   for l in labels]))
    else:
        out.append("No target accuracy set in the scenario (`train.target_accuracy`).")
    out.append("")
    out.append("## Table III: communication time, extra computation and server memory")
    out.append("Aux. gradients: extra gradient computations at the stale point theta_hat "
               "(LASG, SASG), also as a share of all gradient computations. Server memory: the "
               "most bytes held for stale per-worker vectors, in MiB (2^20 bytes), counting "
               "values only (as the paper's Table III does) and values + indices (what the "
               "server stores: a sparse entry keeps its index).")
    if all(cell(l, "gradients", "int", has_target) == "n/a" for l in labels):
        out.append("These results predate gradient counts in summary.json: aux. gradients n/a.")
    if all(cell(l, "server_memory_value_mib", "mib", has_target) == "-" for l in labels):
        out.append("These results predate values-only server memory in summary.json "
                   "(shown as -).")
    out.append("")
    out.append(markdown_table(["Algorithm"] + [h for h, _, _ in table_iii],
                              [[l] + [cell(l, k, f, has_target) for _, k, f in table_iii]
                               for l in labels]))
    out.append("")
    out.append("## Bytes sent")
    out.append("What the paper's bit count leaves out: payload bytes are the encoded messages "
               "(values, indices, header); wire bytes cross the simulated network (headers, "
               "ACKs, retransmissions with ns-3).")
    out.append("")
    cols = BYTES if has_target else [c for c in BYTES if c[1] not in TARGET_KEYS]
    out.append(markdown_table(["Algorithm"] + [h for h, _, _ in cols],
                              [[l] + [cell(l, k, f, has_target) for _, k, f in cols]
                               for l in labels]))
    out.append("")
    out.append("## Totals and final accuracy")
    out.append("")
    out.append(markdown_table(["Algorithm"] + [h for h, _, _ in FINAL],
                              [[l] + [cell(l, k, f, has_target) for _, k, f in FINAL]
                               for l in labels]))
    out.append("")
    return out


# The paper reference's columns: (figure key, header), each keyed like the tables' figures.
REFERENCE_COLUMNS = [
    ("rounds_to_target", "Rounds to target"),
    ("paper_bits_to_target", "Bits to target"),
    ("avg_comm_time_s", "Avg comm. time / iteration (s)"),
    ("server_memory_value_mib", "Server memory, values only (MiB)"),
]


def _reference_section(name: str, kind_of) -> list[str]:
    ref = paper_reference(name)
    if not ref:
        return []
    headers, keys = ["Algorithm"], []
    for key, header in REFERENCE_COLUMNS:
        if key in ref:
            headers.append(header)
            keys.append(key)
    rows = []
    for kind in ("sasg", "lasg", "sparse", "sgd"):
        row = [kind]
        for key in keys:
            v = ref[key].get(kind)
            row.append("" if v is None else (f"{v:.3g}" if key == "paper_bits_to_target"
                                             else f"{v:,}"))
        rows.append(row)
    return ["## Paper reference (" + ref["title"] + ")",
            "Rounds: means over 5 seeds of the authors' logs; bits: the paper's Table II; "
            "times and memory: the paper's Table III (ResNet-18, 10 workers, 1 Gbps, GLOO). "
            "Not directly comparable with a shortened or differently configured run.", "",
            markdown_table(headers, rows), ""]


# ----------------------------------------------------------------------------- reports


def run_report(run: Run) -> str:
    figures = {label: algorithm_figures(run.summary_of(label)) for label in run.labels}
    out = [f"# {run.name}: report", ""]
    out.append(f"Results: `{run.directory}`; seed {run.manifest.get('seed', '?')}; "
               f"{run.manifest.get('iterations', '?')} iterations"
               f" ({run.manifest.get('iterations_per_epoch', '?')} per epoch).")
    if _describe(run.scenario):
        out.append(f"Scenario: {_describe(run.scenario)}.")
    if not run.manifest.get("complete", True):
        out.append(f"**Incomplete run**: only {', '.join(run.labels)} finished.")
    out.append("")
    out += _sections(run.labels, lambda l, k, f, t: _cell_run(figures[l], k, f, t),
                     run.target_accuracy, run.target_top5)
    out += _reference_section(run.name, run.kind)
    return "\n".join(out).rstrip() + "\n"


def seeds_report(seeds: Seeds) -> str:
    first = seeds.first
    labels = seeds.labels
    per_label = {label: [algorithm_figures(r.summary_of(label)) for r in seeds.runs.values()]
                 for label in labels}
    n = len(seeds.runs)
    out = [f"# {seeds.name}: report over {n} seeds", ""]
    out.append(f"Results: `{seeds.directory}`; seeds {', '.join(map(str, seeds.runs))} "
               f"(n = {n}). Every figure is mean ± sample standard deviation (n-1) across "
               f"seeds; to-target figures average the seeds that reached the target "
               f"(\"k/n reached\" when not all did).")
    if seeds.missing:
        out.append(f"**Left out** (no results yet): {', '.join(seeds.missing)}.")
    if _describe(first.scenario):
        out.append(f"Scenario: {_describe(first.scenario)}.")
    out.append("")
    out += _sections(labels, lambda l, k, f, t: _cell_seeds(per_label[l], k, f, t),
                     first.target_accuracy, first.target_top5)
    out += _reference_section(seeds.name, first.kind)
    return "\n".join(out).rstrip() + "\n"


SWEEP_COLUMNS = [
    ("Iterations", "iterations", "int"),
    ("Rounds", "rounds", "int"),
    ("Bits (paper)", "paper_bits", "sci"),
    ("Comm. time (s)", "comm_time_s", "sec"),
    ("Iterations to target", "iterations_to_target", "int"),
    ("Rounds to target", "rounds_to_target", "int"),
    ("Bits to target", "paper_bits_to_target", "sci"),
    ("Comm. time to target (s)", "comm_time_to_target_s", "sec"),
    ("Final test acc (%)", "final_test_acc", "acc"),
]
# Point-by-algorithm views: (sweep.csv figure, title); a to-target one only with a target.
SWEEP_PIVOTS = [
    ("comm_time_s", "Total communication time (s)"),
    ("comm_time_to_target_s", "Communication time to target (s)"),
]


# Per setting of the other swept keys, over a swept "seed": (header, figure key, format).
SEED_TABLE = [
    ("Iterations to target", "iterations_to_target", "int"),
    ("Rounds to target", "rounds_to_target", "int"),
    ("Bits to target (paper)", "paper_bits_to_target", "sci"),
    ("Encoded bits to target", "encoded_bits_to_target", "sci"),
    ("Comm. time to target (s)", "comm_time_to_target_s", "sec"),
    ("Comm. time (s)", "comm_time_s", "sec"),
    ("Final test acc (%)", "final_test_acc", "acc"),
]


def _over_seeds(sweep: Sweep, has_target: bool) -> list[str]:
    """With "seed" among the swept keys: for each setting of the other keys, every algorithm's
    figures as mean ± sample std over the seeds (to-target ones over the seeds that reached)."""
    table = sweep.table
    others = [k for k in sweep.keys if k != "seed"]
    cols = [c for c in SEED_TABLE
            if c[1] in table.columns and (has_target or c[1] not in TARGET_KEYS)]
    groups = (table.groupby(others if len(others) > 1 else others[0], sort=False) if others
              else [((), table)])
    out = []
    for values, group in groups:
        values = values if isinstance(values, tuple) else (values,)
        where = ", ".join(f"`{k}` = {v}" for k, v in zip(others, values))
        out += [f"## Over {group['seed'].nunique()} seeds" + (f": {where}" if where else ""), "",
                "Mean ± sample standard deviation (n-1) across seeds; to-target figures average "
                "the seeds that reached the target (\"k/n reached\" when not all did).", ""]
        rows = []
        for label in sweep.labels:
            records = group[group["algorithm"] == label].to_dict("records")
            per_seed = [{k: _num(r.get(k)) for _, k, _ in cols} for r in records]
            if per_seed:
                rows.append([label] + [_cell_seeds(per_seed, k, f, has_target) for _, k, f in cols])
        out += [markdown_table(["Algorithm"] + [h for h, _, _ in cols], rows), ""]
    return out


def sweep_report(sweep: Sweep) -> str:
    table = sweep.table
    target = (sweep.scenario.get("train") or {}).get("target_accuracy")
    top5 = bool((sweep.scenario.get("train") or {}).get("target_top5", False))
    has_target = target is not None or (
        REACHED_KEY in table and table[REACHED_KEY].notna().any())
    cols = [c for c in SWEEP_COLUMNS if c[1] in table.columns]
    out = [f"# {sweep.name}: sweep report", ""]
    out.append(f"Results: `{sweep.directory}`; swept: {', '.join(f'`{k}`' for k in sweep.keys)}; "
               f"{table['point'].nunique()} points x {len(sweep.labels)} algorithms.")
    if target is not None:
        out.append(f"Target: {_target_text(float(target), top5)}.")
    out.append("")

    def cell(row, key, kind):
        v = _num(row.get(key))
        if v is None and key in TARGET_KEYS and has_target:
            return "not reached"
        return fmt(v, kind)

    def pivot(key: str, title: str) -> list[str]:
        rows = []
        for point, group in table.groupby("point", sort=False):
            first = group.iloc[0]
            row = [str(first[k]) for k in sweep.keys]
            for label in sweep.labels:
                match = group[group["algorithm"] == label]
                row.append(cell(match.iloc[0], key, "sec") if len(match) else "")
            rows.append(row)
        return [f"## {title}", "", markdown_table([f"`{k}`" for k in sweep.keys] + sweep.labels,
                                                  rows), ""]

    for key, title in SWEEP_PIVOTS:
        if key not in TARGET_KEYS or (has_target and key in table):
            out += pivot(key, title)
    if "seed" in sweep.keys:
        out += _over_seeds(sweep, has_target)
    out.append("## All results (sweep.csv)")
    out.append("")
    rows = [[str(r["point"])] + [str(r[k]) for k in sweep.keys] + [str(r["algorithm"])] +
            [cell(r, key, kind) for _, key, kind in cols]
            for r in table.to_dict("records")]
    out.append(markdown_table(["Point"] + [f"`{k}`" for k in sweep.keys] + ["Algorithm"] +
                              [h for h, _, _ in cols], rows))
    return "\n".join(out).rstrip() + "\n"


def report_for(directory: Path) -> str:
    kind = detect(directory)
    if kind == "sweep":
        return sweep_report(load_sweep(directory))
    if kind == "seeds":
        seeds = load_seeds(directory)
        if seeds.missing:
            print(f"report.py: warning: left out seed runs without results: "
                  f"{', '.join(seeds.missing)}", file=sys.stderr)
        return seeds_report(seeds)
    return run_report(load_run(directory, uploads=False))


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__, file=sys.stderr if len(argv) != 1 else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    directory = Path(argv[0])

    def body() -> int:
        text = report_for(directory)
        write_atomic(directory / "report.md", text)
        sys.stdout.write(text)
        return 0

    return run_cli("report.py", body)


if __name__ == "__main__":
    sys.exit(main())
