"""analysis/result_schema.json: it declares every result-file name analysis/*.py reads, and it
is exactly what the simulator prints.

    /usr/bin/python3 tests/analysis/test_result_schema.py [PATH/TO/sasgsim] [-v]

Without the binary, the comparison with `sasgsim schema --results` is skipped (and says so),
or fails with SASGSIM_REQUIRE_DATA=1 (tests/support/required_data.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests" / "support"))

import fixtures  # noqa: E402
import required_data  # noqa: E402
from analysis import plot, report, results, schema, timeline  # noqa: E402

SCHEMA_FILE = ROOT / "analysis" / "result_schema.json"
BINARY = None  # set from argv in __main__


def undeclared(names, declared) -> list[str]:
    """The names that are not declared, in order of appearance."""
    declared = set(declared)
    return [n for n in dict.fromkeys(names) if n not in declared]


# ----------------------------------------------------------------------------- what is read


def report_summary_figures() -> list[str]:
    """Figure keys report.py's run and seed tables ask for, and the keys it derives them from."""
    tables = report.TABLE_II + report.TABLE_III + report.BYTES + report.FINAL
    keys = [key for _, key, _ in tables] + [key for key, _ in report.REFERENCE_COLUMNS]
    keys += sorted(report.TARGET_KEYS | report.WALL_CLOCK_KEYS | report.NEWER_FIGURES)
    keys += [report.REACHED_KEY, report.COMPUTE_KEY]
    return keys


def report_derived_sources() -> list[str]:
    return [k for key, divisor, _ in report.DERIVED_FIGURES.values()
            for k in (key, divisor) if k is not None]


def report_sweep_columns() -> list[str]:
    return ([key for _, key, _ in report.SWEEP_COLUMNS] + [key for key, _ in report.SWEEP_PIVOTS]
            + [report.REACHED_KEY])


def plot_metrics_columns() -> list[str]:
    return ([column for column, _, _ in plot.X_AXES.values()]
            + [plot.accuracy_column(top5) for top5 in (False, True)]
            + [plot.LOSS_COLUMN, plot.COMPUTE_COLUMN])


def plot_sweep_columns() -> list[str]:
    return [column for column, _ in plot.SWEEP_FIGURES]


# ----------------------------------------------------------------------------- tests


class DeclaredNames(unittest.TestCase):
    """Each name analysis/*.py reads from a result file is one result_schema.json declares,
    for that file."""

    def assertDeclared(self, names, declared, where: str):
        missing = undeclared(names, declared)
        self.assertEqual(missing, [], f"{where} reads names analysis/result_schema.json does "
                                      f"not declare: {missing}")

    def test_report_tables_show_summary_keys_or_derived_figures(self):
        self.assertDeclared(report_summary_figures(), report.figure_keys(), "report.py")
        self.assertDeclared(report_derived_sources(), schema.summary_keys(),
                            "report.py DERIVED_FIGURES")
        self.assertTrue(set(report.DERIVED_FIGURES).isdisjoint(schema.summary_keys()),
                        "a derived figure would hide the summary key of the same name")

    def test_report_sweep_table_shows_sweep_figures(self):
        self.assertDeclared(report_sweep_columns(), schema.sweep_figures(),
                            "report.py's sweep report")

    def test_plot_reads_metrics_and_sweep_columns(self):
        self.assertDeclared(plot_metrics_columns(), schema.columns("metrics.csv"), "plot.py")
        self.assertDeclared(plot_sweep_columns(), schema.sweep_figures(), "plot.py's sweeps")

    def test_results_reads_summary_keys_and_sweep_columns(self):
        self.assertDeclared(results.PRINTED_SUMMARY_KEYS, schema.summary_keys(), "results.py")
        self.assertEqual(results.KINDS, schema.algorithm_names())
        # Read inline rather than from a list: summaries["kind"], sweep.table["point"], ...
        self.assertDeclared(("algorithm", "kind", "target_accuracy"), schema.summary_keys(),
                            "results.py")
        self.assertDeclared(("point", "algorithm"), results.SWEEP_LEADING_COLUMNS,
                            "results.py, report.py and plot.py's sweeps")

    def test_timeline_reads_uploads_and_iterations_columns(self):
        self.assertDeclared(timeline.UPLOADS_COLUMNS, schema.columns("uploads.csv"),
                            "timeline.py")
        self.assertDeclared(timeline.ITERATIONS_COLUMNS,
                            schema.columns("iterations.csv"), "timeline.py")

    def test_an_undeclared_name_is_caught(self):
        made_up = ("Made-up memory (MiB)", "made_up_memory_bytes", "mib")
        with mock.patch.object(report, "TABLE_III", report.TABLE_III + [made_up]):
            self.assertEqual(undeclared(report_summary_figures(), report.figure_keys()),
                             ["made_up_memory_bytes"])
        with mock.patch.object(plot, "LOSS_COLUMN", "training_loss"):
            self.assertEqual(undeclared(plot_metrics_columns(), schema.columns("metrics.csv")),
                             ["training_loss"])


class SchemaFile(unittest.TestCase):
    def test_every_section_names_its_entries(self):
        s = schema.result_schema()
        for section in schema.CSV_FILES:
            self.assertTrue(schema.columns(section), section)
        for entries in (s["summary.json"]["always"], s["summary.json"]["with_target"],
                        *s["sweep.csv"].values()):
            for entry in entries:
                self.assertEqual(set(entry), {"name", "unit", "meaning"}, entry)
        for names in (schema.summary_keys(), schema.algorithm_names(),
                      schema.sweep_leading_columns() + schema.sweep_figures()
                      + schema.sweep_trailing_columns()):
            self.assertEqual(len(names), len(set(names)), names)

    def test_sweep_figures_are_summary_keys(self):
        # sweep.csv copies each point's summary figures.
        self.assertEqual(undeclared(schema.sweep_figures(), schema.summary_keys()), [])

    def test_every_algorithm_has_its_traits(self):
        for name in schema.algorithm_names():
            traits = schema.algorithm_traits(name)
            self.assertEqual(set(traits), {"lazy", "compresses", "error_feedback",
                                           "stores_vectors"}, name)
        self.assertIsNone(schema.algorithm_traits("adam"))

    def test_swept_keys_found_without_sweep_json(self):
        # Everything between the leading columns and the figures is a swept key.
        with tempfile.TemporaryDirectory(prefix="sasgsim-schema-test-") as tmp:
            fixtures.write_sweep(tmp, bandwidths=("100Mbps", "1Gbps"), workers=[2, 4])
            (Path(tmp) / "sweep.json").unlink()
            self.assertEqual(results.load_sweep(tmp).keys, ["network.bandwidth", "workers"])


class SimulatorPrintsTheSchema(unittest.TestCase):
    def test_schema_results_output_is_the_committed_file(self):
        if BINARY is None:
            print("\nskipped: the comparison with `sasgsim schema --results` needs the binary "
                  "as argv[1]", file=sys.stderr)
            required_data.skip_without(self, "no sasgsim binary given")
        self.assertTrue(Path(BINARY).exists(), f"no sasgsim binary at {BINARY}")
        r = subprocess.run([str(BINARY), "schema", "--results"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        printed = json.loads(r.stdout)
        committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
        differing = sorted(k for k in set(printed) | set(committed)
                           if printed.get(k) != committed.get(k))
        self.assertEqual(differing, [],
                         f"{SCHEMA_FILE} differs from `{BINARY} schema --results` in "
                         f"{differing}; if the simulator is right, rewrite the file with "
                         f"`{BINARY} schema --results > analysis/result_schema.json`")


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        BINARY = sys.argv.pop(1)
    unittest.main()
