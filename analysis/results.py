"""Load a sasgsim results directory into pandas.

    from analysis.results import load_run
    run = load_run("results/quickstart")
    run.metrics            # one DataFrame, all algorithms, column "algorithm" added
    run.summaries          # one row per algorithm (summary.json)
    run.uploads["sasg"]    # uploads.csv of one algorithm

Run as a script to print the summaries:  python3 analysis/results.py results/quickstart
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Run:
    directory: Path
    manifest: dict
    metrics: pd.DataFrame
    summaries: pd.DataFrame
    uploads: dict[str, pd.DataFrame] = field(default_factory=dict)


def load_run(directory: str | Path) -> Run:
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.exists():
        raise FileNotFoundError(f"{manifest_path} not found: is {directory} a sasgsim results directory?")
    manifest = json.loads(manifest_path.read_text())
    metrics, summaries, uploads = [], [], {}
    for label in manifest["algorithms"]:
        alg_dir = directory / label
        if not (alg_dir / "summary.json").exists():
            continue  # the run did not finish this algorithm
        m = pd.read_csv(alg_dir / "metrics.csv")
        m.insert(0, "algorithm", label)
        metrics.append(m)
        summaries.append(json.loads((alg_dir / "summary.json").read_text()))
        uploads[label] = pd.read_csv(alg_dir / "uploads.csv")
    return Run(
        directory=directory,
        manifest=manifest,
        metrics=pd.concat(metrics, ignore_index=True) if metrics else pd.DataFrame(),
        summaries=pd.DataFrame(summaries),
        uploads=uploads,
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    run = load_run(argv[1])
    cols = ["algorithm", "iterations", "rounds", "skipped", "paper_bits", "payload_bytes",
            "comm_time_s", "final_test_acc"]
    with pd.option_context("display.width", 200):
        print(run.summaries[cols].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
