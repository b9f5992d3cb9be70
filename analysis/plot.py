"""Plot a sasgsim results directory (a run, a multi-seed run or a sweep).

    python3 analysis/plot.py DIR [--format png|pdf|svg] [--out PLOTDIR] [--band minmax|std]

Writes into PLOTDIR (default DIR/plots) and prints the path of every file written, one per
line. Exit codes: 0 ok; 2 DIR is not a results directory or lacks a file (stderr says which
and how to produce it); 1 anything else. See docs/plots.md for what each figure shows.

From Python, the figure builders return matplotlib Figures without saving them:
    run_figures(load_run(DIR))  seeds_figures(load_seeds(DIR))  sweep_figures(load_sweep(DIR))
Every curve is a Line2D whose gid is the algorithm label (the target line's gid is "target");
every panel's Axes label says what it shows ("accuracy", "loss", "comm_per_100", ...).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import style  # noqa: E402  (sets the Agg backend before any figure exists)
import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, NullFormatter,  # noqa: E402
                               NullLocator)

from analysis.results import (ResultsError, Run, Seeds, Sweep, detect, load_run, run_cli,  # noqa: E402
                              load_seeds, load_sweep)
from analysis.schema import target_summary_keys  # noqa: E402
from analysis.units import format_rate, format_time, parse_rate_bps, parse_time_s  # noqa: E402

# x axes of the paper's figures 2 and 3a/3b: name -> (metrics.csv column, axis label, log scale)
X_AXES = {
    "iterations": ("iteration", "Iterations", False),
    "rounds": ("rounds", "Communication rounds (uploads)", False),
    "bits": ("paper_bits", "Transmitted bits (32 per value, indices not counted)", True),
    "encoded_bits": ("encoded_bits", "Encoded bits (payloads as sent)", True),
    "comm_time": ("comm_time_s", "Simulated communication time (s)", False),
    "wall_time": ("wall_time_s", "Simulated wall clock: compute + communication (s)", False),
}
X_TITLES = {"iterations": "iterations", "rounds": "communication rounds",
            "bits": "transmitted bits", "encoded_bits": "encoded bits",
            "comm_time": "communication time",
            "wall_time": "wall clock (compute + communication)"}
# metrics.csv columns of the y axes, and the one that says whether compute time was modelled.
ACCURACY_COLUMNS = {False: "test_acc", True: "test_top5_acc"}  # by target_top5
LOSS_COLUMN = "train_loss"
COMPUTE_COLUMN = "compute_time_s"
# sweep.csv figures drawn against each swept key: (column, y label, with {target} filled in);
# a to-target one only when some point reached the target.
SWEEP_FIGURES = [
    ("comm_time_s", "Total communication time (s)"),
    ("comm_time_to_target_s", "Communication time to target{target} (s)"),
]


def has_compute(run) -> bool:
    """True when the run has a compute-time model (wall clock differs from communication)."""
    for label in run.labels:
        m = run.metrics_of(label)
        if COMPUTE_COLUMN not in m.columns or not (m[COMPUTE_COLUMN] > 0).any():
            return False
    return True
BLOCK_ITERATIONS = 100  # figure 3c: communication time per this many iterations


@dataclass
class Curve:
    """One algorithm's line, with an optional band (lo..hi) around it."""
    label: str
    x: np.ndarray
    y: np.ndarray
    lo: np.ndarray | None = None
    hi: np.ndarray | None = None


# ----------------------------------------------------------------------------- data


def accuracy_column(top5: bool) -> str:
    return ACCURACY_COLUMNS[bool(top5)]


def run_curves(run: Run, xcol: str, ycol: str) -> list[Curve]:
    curves = []
    for label in run.labels:
        m = run.metrics_of(label)
        curves.append(Curve(label, m[xcol].to_numpy(float), m[ycol].to_numpy(float)))
    return curves


def comm_per_block(run: Run, label: str, block: int = BLOCK_ITERATIONS) -> tuple[np.ndarray, np.ndarray]:
    """Figure 3c's data: (iterations completed at the end of each block, communication time
    per `block` iterations in that block). From iterations.csv when present (a partial last
    block is scaled to `block` iterations), else from metrics.csv differences scaled likewise."""
    it = run.iterations.get(label)
    if it is not None and len(it):
        blocks = (it["iteration"] // block).to_numpy()
        grouped = pd.DataFrame({"block": blocks, "t": it["comm_time_s"].to_numpy(float)}) \
            .groupby("block")["t"].agg(["sum", "count"])
        x = grouped.index.to_numpy() * block + grouped["count"].to_numpy()
        y = grouped["sum"].to_numpy() / grouped["count"].to_numpy() * block
        return x.astype(float), y
    m = run.metrics_of(label)
    iters = m["iteration"].to_numpy(float)
    times = m["comm_time_s"].to_numpy(float)
    d_it = np.diff(np.concatenate([[0.0], iters]))
    d_t = np.diff(np.concatenate([[0.0], times]))
    keep = d_it > 0
    return iters[keep], d_t[keep] / d_it[keep] * block


def average_per_block(run: Run, label: str, block: int = BLOCK_ITERATIONS) -> float:
    """The whole run's communication time per `block` iterations."""
    s = run.summary_of(label)
    iterations = s.get("iterations") or run.metrics_of(label)["iteration"].max()
    total = s.get("comm_time_s")
    if total is None:
        total = run.metrics_of(label)["comm_time_s"].max()
    return float(total) / float(iterations) * block if iterations else float("nan")


def _aggregate(frames: list[pd.Series], band: str):
    """Series indexed alike (one per seed) -> index, mean, lo, hi over the common index."""
    table = pd.concat(frames, axis=1, join="inner").sort_index()
    values = table.to_numpy(float)
    mean = values.mean(axis=1)
    if band == "std":
        std = values.std(axis=1, ddof=1) if values.shape[1] > 1 else np.zeros(len(mean))
        lo, hi = mean - std, mean + std
    else:
        lo, hi = values.min(axis=1), values.max(axis=1)
    return table.index.to_numpy(float), mean, lo, hi


def seeds_curves(seeds: Seeds, xcol: str, ycol: str, band: str) -> list[Curve]:
    """Mean across seeds, aligned by row iteration; x is the mean x at that iteration."""
    curves = []
    for label in seeds.labels:
        xs, ys = [], []
        for run in seeds.runs.values():
            m = run.metrics_of(label).drop_duplicates("iteration").set_index("iteration")
            xs.append(pd.Series(m.index.to_numpy(float), index=m.index) if xcol == "iteration"
                      else m[xcol].astype(float))
            ys.append(m[ycol].astype(float))
        _, x_mean, _, _ = _aggregate(xs, band)
        _, y_mean, lo, hi = _aggregate(ys, band)
        curves.append(Curve(label, x_mean, y_mean, lo, hi))
    return curves


def seeds_block_curves(seeds: Seeds, band: str) -> list[Curve]:
    curves = []
    for label in seeds.labels:
        series = []
        for run in seeds.runs.values():
            x, y = comm_per_block(run, label)
            series.append(pd.Series(y, index=x))
        x, mean, lo, hi = _aggregate(series, band)
        curves.append(Curve(label, x, mean, lo, hi))
    return curves


# ----------------------------------------------------------------------------- drawing


def describe(scenario: dict, seed=None) -> str:
    """One line under the title: workers, model, data, network, seed."""
    parts = []
    if scenario.get("workers"):
        parts.append(f"{scenario['workers']} workers")
    if scenario.get("model"):
        parts.append(str(scenario["model"]))
    dataset = (scenario.get("data") or {}).get("dataset")
    if dataset:
        parts.append(str(dataset))
    net = scenario.get("network") or {}
    if net:
        words = [str(net[k]) for k in ("backend", "bandwidth", "latency", "schedule") if net.get(k)]
        parts.append("network " + " ".join(words))
    if seed is not None:
        parts.append(f"seed {seed}")
    return ", ".join(parts)


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _title(fig: Figure, title: str, subtitle: str) -> None:
    fig.suptitle(title + (f"\n{subtitle}" if subtitle else ""))


def _maybe_log_y(ax, values) -> None:
    """Log y when the values span more than a decade, with plain tick labels (0.2, 1, 5, 20)."""
    v = np.asarray([x for x in np.ravel(values) if np.isfinite(x) and x > 0])
    if not len(v) or v.max() / v.min() <= 10:
        return
    ax.set_yscale("log")
    decades = math.log10(v.max() / v.min())
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0) if decades < 4 else (1.0,)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _draw_curves(ax, curves: list[Curve], styles: dict, markers: bool = False) -> None:
    for c in curves:
        st = styles[c.label]
        line, = ax.plot(c.x, c.y, label=c.label, color=st["color"], linestyle=st["linestyle"],
                        marker="o" if markers else None, markersize=3.5)
        line.set_gid(c.label)
        if c.lo is not None and c.hi is not None:
            band = ax.fill_between(c.x, c.lo, c.hi, color=st["color"], alpha=0.18, linewidth=0)
            band.set_gid(f"{c.label} band")


def _legend_outside(ax, source) -> None:
    """One legend, right of `ax`, with the lines of `source` (curves and target), so it never
    hides data."""
    handles, labels = source.get_legend_handles_labels()
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)


def _target_line(ax, target: float | None, top5: bool) -> None:
    if target is None:
        return
    line = ax.axhline(target, label=f"target {target:g}%" + (" (top-5)" if top5 else ""),
                      **style.TARGET_STYLE)
    line.set_gid("target")


def accuracy_loss_figure(title: str, subtitle: str, xaxis: str, acc: list[Curve],
                         loss: list[Curve], styles: dict, target: float | None, top5: bool,
                         band_note: str = "") -> Figure:
    """Figures 2 / 3a-3b: test accuracy (left) and training loss (right) versus one x axis."""
    _, xlabel, xlog = X_AXES[xaxis]
    with matplotlib.rc_context(style.RC):
        fig = _new_figure(11, 4.4)
        ax_acc, ax_loss = fig.subplots(1, 2)
        ax_acc.set_label("accuracy")
        ax_loss.set_label("loss")
        few = max((len(c.x) for c in acc), default=0) <= 25  # markers only where they help
        _draw_curves(ax_acc, acc, styles, markers=few)
        _target_line(ax_acc, target, top5)
        _draw_curves(ax_loss, loss, styles, markers=few)
        ax_acc.set_ylabel("Test top-5 accuracy (%)" if top5 else "Test accuracy (%)")
        ax_loss.set_ylabel("Training loss (mean minibatch cross-entropy)")
        _maybe_log_y(ax_loss, np.concatenate([c.y for c in loss]) if loss else [])
        for ax in (ax_acc, ax_loss):
            ax.set_xlabel(xlabel + (", log scale" if xlog else ""))
            if xlog:
                ax.set_xscale("log")
        _legend_outside(ax_loss, ax_acc)
        _title(fig, f"{title}: accuracy and loss vs {X_TITLES[xaxis]}{band_note}", subtitle)
    return fig


def block_figure(title: str, subtitle: str, curves: list[Curve], styles: dict,
                 means: dict[str, float], windows: bool = False, band_note: str = "",
                 block: int = BLOCK_ITERATIONS) -> Figure:
    """Figure 3c: simulated communication time per `block` iterations, per algorithm.
    means: each label's average over the whole run (total time / iterations * block), for the
    legend; windows: the points are evaluation windows (no iterations.csv), not blocks."""
    with matplotlib.rc_context(style.RC):
        fig = _new_figure(7.5, 4.4)
        ax = fig.subplots()
        ax.set_label("comm_per_100")
        few = max((len(c.x) for c in curves), default=0) <= 30
        _draw_curves(ax, curves, styles, markers=few)
        for line in ax.get_lines():
            label = line.get_gid()
            if label in means:
                line.set_label(f"{label} (average {means[label]:.4g} s)")
        ax.set_xlabel("Iterations (end of each evaluation window)" if windows
                      else f"Iterations (end of each block of {block})")
        ax.set_ylabel(f"Communication time per {block} iterations (s)")
        _maybe_log_y(ax, np.concatenate([c.y for c in curves]) if curves else [])
        _legend_outside(ax, ax)
        _title(fig, f"{title}: communication time per {block} iterations{band_note}", subtitle)
    return fig


# ----------------------------------------------------------------------------- runs


def run_figures(run: Run) -> dict[str, Figure]:
    """{file stem: Figure} for one run directory."""
    styles = style.algorithm_styles(run.labels, run.kind)
    top5 = run.target_top5
    acc_col = accuracy_column(top5)
    name = run.name + ("" if run.manifest.get("complete", True) else " (incomplete)")
    subtitle = describe(run.scenario, run.manifest.get("seed"))
    figures = {}
    for xaxis, (xcol, _, _) in X_AXES.items():
        if xaxis == "wall_time" and not has_compute(run):
            continue
        figures[f"accuracy_loss_vs_{xaxis}"] = accuracy_loss_figure(
            name, subtitle, xaxis, run_curves(run, xcol, acc_col),
            run_curves(run, xcol, LOSS_COLUMN), styles, run.target_accuracy, top5)
    blocks = [Curve(label, *comm_per_block(run, label)) for label in run.labels]
    means = {label: average_per_block(run, label) for label in run.labels}
    windows = any(label not in run.iterations for label in run.labels)
    figures["comm_time_per_100_iterations"] = block_figure(name, subtitle, blocks, styles, means,
                                                           windows)
    return figures


def seeds_figures(seeds: Seeds, band: str = "minmax") -> dict[str, Figure]:
    """As run_figures, each line the mean across seeds with a min..max (or +-std) band."""
    first = seeds.first
    labels = seeds.labels
    styles = style.algorithm_styles(labels, first.kind)
    top5 = first.target_top5
    acc_col = accuracy_column(top5)
    n = len(seeds.runs)
    note = f" (mean of {n} seeds, band {'min..max' if band == 'minmax' else '±1 std'})"
    subtitle = describe(first.scenario, None) + ", seeds " + ", ".join(map(str, seeds.runs))
    figures = {}
    for xaxis, (xcol, _, _) in X_AXES.items():
        if xaxis == "wall_time" and not all(has_compute(r) for r in seeds.runs.values()):
            continue
        figures[f"accuracy_loss_vs_{xaxis}"] = accuracy_loss_figure(
            seeds.name, subtitle, xaxis, seeds_curves(seeds, xcol, acc_col, band),
            seeds_curves(seeds, xcol, LOSS_COLUMN, band), styles, first.target_accuracy, top5,
            band_note=note)
    means = {label: float(np.mean([average_per_block(r, label) for r in seeds.runs.values()]))
             for label in labels}
    windows = any(label not in r.iterations for r in seeds.runs.values() for label in labels)
    figures["comm_time_per_100_iterations"] = block_figure(
        seeds.name, subtitle, seeds_block_curves(seeds, band), styles, means, windows,
        band_note=note)
    return figures


# ----------------------------------------------------------------------------- sweeps


@dataclass
class KeyAxis:
    """How a swept key's values become an x axis."""
    kind: str  # "rate", "time", "int", "float" or "category"
    values: np.ndarray  # numeric position of each row's value
    log: bool

    def label_of(self, v: float, categories=None) -> str:
        if self.kind == "rate":
            return format_rate(v)
        if self.kind == "time":
            return format_time(v)
        if self.kind == "category":
            return str(categories[int(v)])
        return f"{v:g}"


def key_axis(key: str, column: pd.Series) -> tuple[KeyAxis, list]:
    """Parse a sweep.csv key column: rates ("100Mbps") to bits/s, times ("1ms") to seconds,
    numbers as they are, anything else as categories in order of appearance."""
    raw = list(column)
    numeric = pd.to_numeric(column, errors="coerce")
    if numeric.notna().all():
        v = numeric.to_numpy(float)
        is_int = np.all(v == np.round(v))
        span = v.max() / v.min() if v.min() > 0 else 0
        return KeyAxis("int" if is_int else "float", v, (not is_int) and span > 10), []
    for kind, parse in (("rate", parse_rate_bps), ("time", parse_time_s)):
        try:
            v = np.array([parse(x) for x in raw], dtype=float)
        except ValueError:
            continue
        span = v.max() / v.min() if v.min() > 0 else 0
        return KeyAxis(kind, v, span > 1 and (kind == "rate" or span > 10)), []
    categories = list(dict.fromkeys(str(x) for x in raw))
    return KeyAxis("category", np.array([categories.index(str(x)) for x in raw], float), False), \
        categories


def _readable(value: str) -> str:
    """"100Mbps" -> "100 Mbps", "0.1ms" -> "100 µs"; anything else as it is."""
    for parse, show in ((parse_rate_bps, format_rate), (parse_time_s, format_time)):
        try:
            return show(parse(value))
        except ValueError:
            pass
    return value


def _key_title(key: str) -> str:
    readable = {"network.bandwidth": "Bandwidth", "network.latency": "Latency",
                "workers": "Workers"}
    return readable.get(key, key)


def sweep_metrics(sweep: Sweep) -> list[tuple[str, str]]:
    """SWEEP_FIGURES this sweep can draw: (column, y label)."""
    target = (sweep.scenario.get("train") or {}).get("target_accuracy")
    what = f" {target:g}%" if target is not None else ""
    to_target = set(target_summary_keys())
    return [(col, ylabel.format(target=what)) for col, ylabel in SWEEP_FIGURES
            if col not in to_target or _has_numbers(sweep.table, col)]


def _has_numbers(table: pd.DataFrame, column: str) -> bool:
    return column in table and pd.to_numeric(table[column], errors="coerce").notna().any()


def sweep_figure(sweep: Sweep, key: str) -> Figure:
    """Communication time (total, and to target) versus one swept key, one line per
    algorithm; one column of panels per combination of the other swept keys' values."""
    table = sweep.table.copy()
    axis, categories = key_axis(key, table[key])
    table["_x"] = axis.values
    others = [k for k in sweep.keys if k != key]
    combos = list(dict.fromkeys(tuple(str(v) for v in row) for row in table[others].itertuples(
        index=False))) if others else [()]
    metrics = sweep_metrics(sweep)
    labels = sweep.labels
    styles = style.algorithm_styles(labels, sweep.kind)
    ncols = min(len(combos), 4)
    rows_per_metric = math.ceil(len(combos) / ncols)
    nrows = rows_per_metric * len(metrics)
    with matplotlib.rc_context(style.RC):
        fig = _new_figure(4.2 * ncols + 1.2, 3.4 * nrows + 0.8)
        axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False))
        for mi, (col, ylabel) in enumerate(metrics):
            for ci, combo in enumerate(combos):
                ax = axes[mi * rows_per_metric + ci // ncols, ci % ncols]
                ax.set_label(f"{col}|{'|'.join(combo)}")
                sel = table
                for k, v in zip(others, combo):
                    sel = sel[sel[k].astype(str) == v]
                all_y, missing = [], False
                for label in labels:
                    rows = sel[sel["algorithm"] == label].sort_values("_x")
                    if rows.empty:
                        continue
                    y = pd.to_numeric(rows[col], errors="coerce").to_numpy(float)
                    missing |= bool(np.isnan(y).any())
                    st = styles[label]
                    line, = ax.plot(rows["_x"].to_numpy(float), y, label=label, marker="o",
                                    markersize=4, color=st["color"], linestyle=st["linestyle"])
                    line.set_gid(label)
                    all_y.extend(y)
                _format_key_axis(ax, axis, categories, key)
                _maybe_log_y(ax, all_y)
                ax.set_ylabel(ylabel)
                if others:
                    ax.set_title(", ".join(f"{_key_title(k)} = {_readable(v)}"
                                           for k, v in zip(others, combo)))
                if missing:
                    ax.text(0.02, 0.02, "missing points: target not reached", fontsize=8,
                            transform=ax.transAxes, color="0.35")
                if mi == 0 and ci == min(len(combos), ncols) - 1:
                    _legend_outside(ax, ax)
        for extra in range(len(combos), rows_per_metric * ncols):
            for mi in range(len(metrics)):
                axes[mi * rows_per_metric + extra // ncols, extra % ncols].set_visible(False)
        _title(fig, f"{sweep.name}: communication time vs {_key_title(key).lower()}",
               describe(_without_keys(sweep.scenario, sweep.keys)))
    return fig


def _without_keys(scenario: dict, dotted_keys: list[str]) -> dict:
    """The scenario less the swept keys, so the subtitle shows only what all points share."""
    import copy
    out = copy.deepcopy(scenario)
    for key in dotted_keys:
        node, parts = out, key.split(".")
        for part in parts[:-1]:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    return out


def _format_key_axis(ax, axis: KeyAxis, categories: list, key: str) -> None:
    unit = {"rate": " (log scale)" if axis.log else "",
            "time": " (log scale)" if axis.log else ""}.get(axis.kind, "")
    ax.set_xlabel(_key_title(key) + unit)
    if axis.log:
        ax.set_xscale("log")
    ticks = np.unique(axis.values)
    if len(ticks) <= 12:
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: axis.label_of(v, categories)))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
    elif axis.kind in ("rate", "time"):
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: axis.label_of(v, categories)))


def sweep_figures(sweep: Sweep) -> dict[str, Figure]:
    return {f"sweep_comm_time_vs_{key.replace('.', '_')}": sweep_figure(sweep, key)
            for key in sweep.keys}


# ----------------------------------------------------------------------------- files


def save_figure(fig: Figure, path: Path, fmt: str) -> Path:
    """Writes to a temporary name and renames, so a file that exists is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fig.savefig(tmp, format=fmt, dpi=style.PNG_DPI if fmt == "png" else None)
    os.replace(tmp, path)
    return path


def _check_only(only: list[str], labels: list[str], directory: Path) -> None:
    unknown = [label for label in only if label not in labels]
    if unknown:
        raise ResultsError(f"--only: {', '.join(unknown)} not among the algorithms of {directory} "
                           f"({', '.join(labels)})")


def keep_only(results: Run | Seeds | Sweep, only: list[str] | None) -> None:
    """Leaves only the algorithms `only` names (all when None) in a loaded results directory."""
    if not only:
        return
    _check_only(only, results.labels, results.directory)
    if isinstance(results, Sweep):
        results.table = results.table[results.table["algorithm"].isin(only)]
        return
    for run in results.runs.values() if isinstance(results, Seeds) else [results]:
        run.summaries = run.summaries[run.summaries["algorithm"].isin(only)]


def figures_for(directory: Path, band: str = "minmax",
                only: list[str] | None = None) -> dict[str, Figure]:
    kind = detect(directory)
    if kind == "sweep":
        sweep = load_sweep(directory)
        keep_only(sweep, only)
        return sweep_figures(sweep)
    if kind == "seeds":
        seeds = load_seeds(directory)
        if seeds.missing:
            print(f"plot.py: warning: left out seed runs without results: {', '.join(seeds.missing)}",
                  file=sys.stderr)
        keep_only(seeds, only)
        return seeds_figures(seeds, band)
    run = load_run(directory, uploads=False)
    keep_only(run, only)
    if not run.manifest.get("complete", True):
        print(f"plot.py: warning: {directory} is incomplete; plotting finished algorithms "
              f"({', '.join(run.labels)})", file=sys.stderr)
    return run_figures(run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="plot.py", description="Plot a sasgsim results directory (run, multi-seed or sweep).")
    parser.add_argument("directory", help="results directory")
    parser.add_argument("--format", choices=["png", "pdf", "svg"], default="png",
                        help="file format (default png, 150 dpi)")
    parser.add_argument("--out", help="where to write the plots (default DIR/plots)")
    parser.add_argument("--band", choices=["minmax", "std"], default="minmax",
                        help="multi-seed band: min..max across seeds (default) or mean +- 1 sample std")
    parser.add_argument("--only", help="plot only these algorithms (labels, comma-separated)")
    args = parser.parse_args(argv)
    only = [label for label in (args.only or "").split(",") if label]
    directory = Path(args.directory)
    out = Path(args.out) if args.out else directory / "plots"

    def body() -> int:
        stdout_open = True
        for stem, fig in figures_for(directory, args.band, only).items():
            path = save_figure(fig, out / f"{stem}.{args.format}", args.format)
            if stdout_open:
                try:
                    print(path, flush=True)
                except BrokenPipeError:  # e.g. `| head -1`: keep writing the files
                    stdout_open = False
                    sys.stdout = open(os.devnull, "w")
        return 0

    return run_cli("plot.py", body)


if __name__ == "__main__":
    sys.exit(main())
