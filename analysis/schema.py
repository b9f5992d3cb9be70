"""The names in sasgsim's result files, read from analysis/result_schema.json.

The simulator declares every result-file column and summary.json key once
(sim/metrics/ResultSchema.h); `sasgsim schema --results` prints them as JSON, committed next
to this module as result_schema.json, so the scripts here read the names rather than spell
them again.

    from analysis.schema import algorithm_names, columns, summary_keys
    algorithm_names()        # ("sgd", "sparse", "lasg", "sasg"), the simulator's catalog order
    columns("metrics.csv")   # also "uploads.csv", "skips.csv", "iterations.csv"
    summary_keys()           # summary.json: the keys always written, then the to-target ones
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().with_name("result_schema.json")
CSV_FILES = ("metrics.csv", "uploads.csv", "skips.csv", "iterations.csv")


@functools.lru_cache(maxsize=None)
def result_schema() -> dict:
    """result_schema.json, parsed once (callers must not modify it)."""
    try:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise FileNotFoundError(
            f"{SCHEMA_PATH} not found: write it with "
            f"`build/sasgsim schema --results > analysis/result_schema.json`") from e


def _names(entries: list[dict]) -> tuple[str, ...]:
    return tuple(entry["name"] for entry in entries)


def algorithm_names() -> tuple[str, ...]:
    """The algorithms the simulator knows, in its catalog order."""
    return _names(result_schema()["algorithms"])


def algorithm_traits(name: str) -> dict[str, bool] | None:
    """A known algorithm's {"lazy", "compresses", "error_feedback", "stores_vectors"}, else None."""
    for entry in result_schema()["algorithms"]:
        if entry["name"] == name:
            return {k: v for k, v in entry.items() if isinstance(v, bool)}
    return None


def columns(csv_file: str) -> tuple[str, ...]:
    """The columns of metrics.csv, uploads.csv, skips.csv or iterations.csv, in file order."""
    if csv_file not in CSV_FILES:
        raise KeyError(f"{csv_file!r} is none of {', '.join(CSV_FILES)}")
    return _names(result_schema()[csv_file])


def always_summary_keys() -> tuple[str, ...]:
    """summary.json keys every run writes."""
    return _names(result_schema()["summary.json"]["always"])


def target_summary_keys() -> tuple[str, ...]:
    """summary.json keys written when the scenario sets a target accuracy (null when the run
    did not reach it)."""
    return _names(result_schema()["summary.json"]["with_target"])


def summary_keys() -> tuple[str, ...]:
    return always_summary_keys() + target_summary_keys()


def sweep_leading_columns() -> tuple[str, ...]:
    """sweep.csv's first columns, before the swept keys."""
    return _names(result_schema()["sweep.csv"]["before_keys"])


def sweep_figures() -> tuple[str, ...]:
    """sweep.csv's result columns, right after the swept keys."""
    return _names(result_schema()["sweep.csv"]["figures"])


def sweep_trailing_columns() -> tuple[str, ...]:
    """sweep.csv's last columns, after the figures."""
    return _names(result_schema()["sweep.csv"]["after_figures"])
