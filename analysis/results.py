"""Load sasgsim results directories into pandas.

    from analysis.results import load_run, load_seeds, load_sweep, detect
    run = load_run("results/quickstart")
    run.metrics            # one DataFrame, all algorithms, column "algorithm" added
    run.summaries          # one row per algorithm (summary.json)
    run.uploads["sasg"]    # uploads.csv of one algorithm
    run.skips["sasg"]      # skips.csv: the worker-iterations without upload (absent in older runs)
    run.iterations["sasg"] # iterations.csv of one algorithm (absent in older runs)

Three kinds of directory (see detect()):
    run         DIR/manifest.json and DIR/<label>/{metrics.csv, summary.json, ...}
    multi-seed  DIR/manifest.json with "seeds" and "runs"; each DIR/seed-<s>/ is a run
    sweep       DIR/sweep.csv (and sweep.json); each DIR/<point>/ is a run

Missing or unreadable results raise ResultsError, whose message names the file and how to
produce it; the command-line scripts turn it into exit code 2.

Run as a script to print the summaries:  python3 analysis/results.py results/quickstart
"""
from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.schema import (algorithm_names, sweep_figures, sweep_leading_columns,  # noqa: E402
                             sweep_trailing_columns)

# The algorithm kinds the simulator knows, in its catalog order (the paper's).
KINDS = algorithm_names()

# sweep.csv: these columns, then the swept keys, then the result columns (so whatever lies
# between the two is a swept key).
SWEEP_LEADING_COLUMNS = sweep_leading_columns()
SWEEP_RESULT_COLUMNS = sweep_figures() + sweep_trailing_columns()

# The summary.json keys `results.py DIR` prints.
PRINTED_SUMMARY_KEYS = ("algorithm", "iterations", "rounds", "skipped", "paper_bits",
                        "payload_bytes", "comm_time_s", "final_test_acc")


class ResultsError(FileNotFoundError):
    """A directory is not a sasgsim results directory, or lacks a file the caller needs."""


@dataclass
class Run:
    directory: Path
    manifest: dict
    metrics: pd.DataFrame
    summaries: pd.DataFrame
    uploads: dict[str, pd.DataFrame] = field(default_factory=dict)
    iterations: dict[str, pd.DataFrame] = field(default_factory=dict)
    skips: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def scenario(self) -> dict:
        return self.manifest.get("scenario") or {}

    @property
    def name(self) -> str:
        return str(self.scenario.get("name") or self.directory.name)

    @property
    def labels(self) -> list[str]:
        """Algorithms that finished, in the scenario's order."""
        if self.summaries.empty:
            return []
        return list(self.summaries["algorithm"])

    @property
    def target_accuracy(self) -> float | None:
        target = (self.scenario.get("train") or {}).get("target_accuracy")
        if target is None and "target_accuracy" in self.summaries:
            values = self.summaries["target_accuracy"].dropna()
            target = values.iloc[0] if len(values) else None
        return None if target is None else float(target)

    @property
    def target_top5(self) -> bool:
        return bool((self.scenario.get("train") or {}).get("target_top5", False))

    def kind(self, label: str) -> str:
        """The algorithm kind (sgd, sparse, lasg, sasg) behind a label."""
        return kind_of(label, self.scenario, self.summaries)

    def metrics_of(self, label: str) -> pd.DataFrame:
        return self.metrics[self.metrics["algorithm"] == label].reset_index(drop=True)

    def summary_of(self, label: str) -> dict:
        row = self.summaries[self.summaries["algorithm"] == label]
        return {k: _none_if_nan(v) for k, v in row.iloc[0].items()} if len(row) else {}


@dataclass
class Seeds:
    """A multi-seed directory: one complete run per seed."""
    directory: Path
    manifest: dict
    runs: dict[int, Run]  # seed -> run, in the manifest's order
    missing: list[str] = field(default_factory=list)  # run directories listed but not loadable

    @property
    def first(self) -> Run:
        return next(iter(self.runs.values()))

    @property
    def name(self) -> str:
        scenario = self.manifest.get("scenario") or {}
        return str(scenario.get("name") or self.first.name)

    @property
    def labels(self) -> list[str]:
        """Algorithms finished in every loaded seed, in the first seed's order."""
        common = [l for l in self.first.labels if all(l in r.labels for r in self.runs.values())]
        return common


@dataclass
class Sweep:
    """A sweep directory: sweep.csv, one row per (point, algorithm)."""
    directory: Path
    table: pd.DataFrame
    keys: list[str]
    spec: dict  # sweep.json, {} when absent

    @property
    def labels(self) -> list[str]:
        return list(dict.fromkeys(self.table["algorithm"]))

    def point_manifest(self, point: str) -> dict:
        path = self.directory / point / "manifest.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {}

    @property
    def scenario(self) -> dict:
        """The first point's resolved scenario (swept keys vary between points)."""
        for point in dict.fromkeys(self.table["point"]):
            scenario = self.point_manifest(str(point)).get("scenario")
            if isinstance(scenario, dict):
                return scenario
        return self.spec["scenario"] if isinstance(self.spec.get("scenario"), dict) else {}

    @property
    def name(self) -> str:
        # sweep.json's "scenario" is the base scenario's name
        if isinstance(self.spec.get("scenario"), str):
            return self.spec["scenario"]
        return str(self.scenario.get("name") or self.directory.name)

    def kind(self, label: str) -> str:
        return kind_of(label, self.scenario, None)


def _none_if_nan(v):
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):
        return v


def kind_of(label: str, scenario: dict | None, summaries: pd.DataFrame | None) -> str:
    """The algorithm kind (one of KINDS, or another name) for a label: from summary.json's
    "kind", else the scenario's algorithm entry, else the label itself or the longest kind it
    starts with (e.g. "sasg_k2" -> "sasg")."""
    if summaries is not None and not summaries.empty and "kind" in summaries:
        row = summaries[summaries["algorithm"] == label]
        if len(row) and isinstance(row.iloc[0]["kind"], str):
            return row.iloc[0]["kind"]
    for entry in (scenario or {}).get("algorithms", []):
        if isinstance(entry, dict) and entry.get("label", entry.get("name")) == label:
            return str(entry.get("name", label))
        if entry == label:
            return label
    for kind in sorted(KINDS, key=len, reverse=True):
        if label == kind or label.startswith(kind):
            return kind
    return label


def _read_json(path: Path, how: str) -> dict:
    if not path.exists():
        raise ResultsError(f"{path} not found: {how}")
    try:
        return json.loads(path.read_text())
    except ValueError as e:
        raise ResultsError(f"{path}: not valid JSON ({e}); {how}") from e


def _read_csv(path: Path, how: str) -> pd.DataFrame:
    if not path.exists():
        raise ResultsError(f"{path} not found: {how}")
    try:
        return pd.read_csv(path)
    except (ValueError, pd.errors.ParserError) as e:
        raise ResultsError(f"{path}: not a readable CSV file ({e}); {how}") from e


_RUN_HOW = "produce a results directory with `sasgsim run SCENARIO --out DIR`"


def load_run(directory: str | Path, uploads: bool = True) -> Run:
    """One run directory. Algorithms without summary.json (not finished) are left out;
    uploads=False skips the (large) uploads.csv and skips.csv files."""
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise ResultsError(
            f"{manifest_path} not found: is {directory} a sasgsim results directory? {_RUN_HOW}")
    manifest = _read_json(manifest_path, _RUN_HOW)
    labels = manifest.get("algorithms") or [
        a.get("label", a.get("name")) if isinstance(a, dict) else a
        for a in (manifest.get("scenario") or {}).get("algorithms", [])]
    metrics, summaries, upload_frames, skip_frames, iteration_frames = [], [], {}, {}, {}
    for label in labels:
        alg_dir = directory / label
        if not (alg_dir / "summary.json").exists():
            continue  # the run did not finish this algorithm
        how = f"rerun the scenario (`sasgsim run SCENARIO --out {directory}`)"
        m = _read_csv(alg_dir / "metrics.csv", how)
        m.insert(0, "algorithm", label)
        metrics.append(m)
        summaries.append(_read_json(alg_dir / "summary.json", how))
        if uploads and (alg_dir / "uploads.csv").exists():
            upload_frames[label] = _read_csv(alg_dir / "uploads.csv", how)
        if uploads and (alg_dir / "skips.csv").exists():
            skip_frames[label] = _read_csv(alg_dir / "skips.csv", how)
        if (alg_dir / "iterations.csv").exists():
            iteration_frames[label] = _read_csv(alg_dir / "iterations.csv", how)
    if not summaries:
        first = directory / (labels[0] if labels else "<algorithm>") / "summary.json"
        raise ResultsError(
            f"{first} not found: no algorithm of {directory} has finished; "
            f"let `sasgsim run` complete (or rerun it with --out {directory})")
    return Run(
        directory=directory,
        manifest=manifest,
        metrics=pd.concat(metrics, ignore_index=True),
        summaries=pd.DataFrame(summaries),
        uploads=upload_frames,
        iterations=iteration_frames,
        skips=skip_frames,
    )


def detect(directory: str | Path) -> str:
    """"run", "seeds" or "sweep"; ResultsError when it is none of them."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ResultsError(f"{directory} not found: not a directory; {_RUN_HOW}")
    if (directory / "sweep.csv").exists() or (directory / "sweep.json").exists():
        return "sweep"
    manifest_path = directory / "manifest.json"
    if manifest_path.exists():
        manifest = _read_json(manifest_path, _RUN_HOW)
        return "seeds" if "runs" in manifest or "seeds" in manifest else "run"
    raise ResultsError(
        f"{manifest_path} not found: {directory} is not a sasgsim results directory "
        f"(no manifest.json, no sweep.csv); {_RUN_HOW}")


def load_seeds(directory: str | Path, uploads: bool = False) -> Seeds:
    """A multi-seed directory. Seeds whose run cannot be loaded are listed in .missing;
    ResultsError when none can."""
    directory = Path(directory)
    manifest = _read_json(directory / "manifest.json", _RUN_HOW)
    seeds = list(manifest.get("seeds") or [])
    names = list(manifest.get("runs") or [f"seed-{s}" for s in seeds])
    if not seeds:
        seeds = [_seed_from_name(n) for n in names]
    runs, missing, errors = {}, [], []
    for seed, name in zip(seeds, names):
        try:
            runs[seed] = load_run(directory / name, uploads=uploads)
        except ResultsError as e:
            missing.append(name)
            errors.append(str(e))
    if not runs:
        detail = errors[0] if errors else f"{directory}/manifest.json lists no runs"
        raise ResultsError(f"no seed of {directory} has results: {detail}")
    return Seeds(directory=directory, manifest=manifest, runs=runs, missing=missing)


def _seed_from_name(name: str):
    tail = str(name).rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else name


def load_sweep(directory: str | Path) -> Sweep:
    directory = Path(directory)
    spec = {}
    if (directory / "sweep.json").exists():
        spec = _read_json(directory / "sweep.json", "")
    how = (f"a sweep writes it once every point has finished: run "
           f"`sasgsim sweep --collect {directory}` (or the sweep again)")
    table = _read_csv(directory / "sweep.csv", how)
    for column in SWEEP_LEADING_COLUMNS:
        if column not in table.columns:
            raise ResultsError(f"{directory / 'sweep.csv'}: no column {column!r}; {how}")
    keys = list(spec.get("keys") or [])
    if not keys:
        keys = [c for c in table.columns
                if c not in SWEEP_LEADING_COLUMNS and c not in SWEEP_RESULT_COLUMNS]
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise ResultsError(f"{directory / 'sweep.csv'}: no column for swept key(s) {missing}; {how}")
    table["point"] = table["point"].astype(str)
    table["algorithm"] = table["algorithm"].astype(str)
    return Sweep(directory=directory, table=table, keys=keys, spec=spec)


def run_cli(prog: str, body) -> int:
    """Runs body() for a command-line entry point and returns its exit code: 2 with the
    message for a ResultsError (bad input: what is missing and how to make it), 1 with the
    traceback for anything else (a bug to report)."""
    try:
        return body()
    except ResultsError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 1


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        run = load_run(argv[1])
    except ResultsError as e:
        print(f"results.py: {e}", file=sys.stderr)
        return 2
    cols = [c for c in PRINTED_SUMMARY_KEYS if c in run.summaries.columns]
    with pd.option_context("display.width", 200):
        print(run.summaries[cols].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
