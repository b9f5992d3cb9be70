"""analysis/report.py: the tables hold the numbers of summary.json / sweep.csv.

    /usr/bin/python3 tests/analysis/test_report.py [-v]
"""
from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import fixtures  # noqa: E402
from analysis import report  # noqa: E402

REPORT = HERE.parents[1] / "analysis" / "report.py"
MIB = 1024 ** 2
VALUES_MEMORY = "Server memory, values only (MiB)"
STORED_MEMORY = "Server memory, values + indices (MiB)"


def tables(text: str) -> dict[str, list[dict[str, str]]]:
    """{section heading: rows as {column header: cell}} for every Markdown table."""
    out, heading, lines = {}, None, text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            heading = line[3:]
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|-"):
            headers = [c.strip() for c in line.strip("|").split("|")]
            rows = []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip("|").split("|")]
                rows.append(dict(zip(headers, cells)))
                i += 1
            out[heading] = rows
            continue
        i += 1
    return out


def section(t: dict, prefix: str) -> dict[str, dict[str, str]]:
    """Rows of the table under the heading starting with prefix, by first column."""
    name = next(k for k in t if k.startswith(prefix))
    return {next(iter(r.values())): r for r in t[name]}


def number(cell: str) -> float:
    return float(cell.replace(",", ""))


def mean_std(cell: str) -> tuple[float, float, str]:
    """"1,234 ± 5.6 (2/3 reached)" -> (1234, 5.6, "(2/3 reached)")."""
    main, _, rest = cell.partition(" ± ")
    std, _, note = rest.partition(" ")
    return number(main), number(std), note


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-12


class Tmp(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="sasgsim-report-test-")
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()

    def report_of(self, directory) -> str:
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(report.main([str(directory)]), 0)
        text = out.getvalue()
        self.assertEqual((Path(directory) / "report.md").read_text(encoding="utf-8"), text)
        return text


class RunReport(Tmp):
    def test_tables_hold_the_summary_numbers(self):
        data = fixtures.write_run(self.tmp, name="fixture_run", plateau={"sparse": 75.0})
        text = self.report_of(self.tmp)
        self.assertIn("# fixture_run", text)
        self.assertIn("top-1 accuracy ≥ 80%", text)
        t = tables(text)
        t2, t3 = section(t, "Table II"), section(t, "Table III")
        tb, tf = section(t, "Bytes"), section(t, "Totals")
        self.assertEqual(list(t2), ["sgd", "sparse", "lasg", "sasg"])
        for label, d in data.items():
            s = d["summary"]
            if s["iterations_to_target"] is None:
                self.assertEqual(label, "sparse")
                for col in ("Iterations", "Rounds", "Bits (paper)", "Comm. time (s)"):
                    self.assertEqual(t2[label][col], "not reached")
                self.assertEqual(tb[label]["Payload bytes to target"], "not reached")
            else:
                self.assertEqual(number(t2[label]["Iterations"]), s["iterations_to_target"])
                self.assertEqual(number(t2[label]["Rounds"]), s["rounds_to_target"])
                self.assertTrue(close(number(t2[label]["Bits (paper)"]), s["paper_bits_to_target"], 1e-3))
                self.assertTrue(close(number(t2[label]["Comm. time (s)"]), s["comm_time_to_target_s"], 1e-3))
                self.assertTrue(close(number(tb[label]["Wire bytes to target"]), s["wire_bytes_to_target"], 1e-3))
            self.assertTrue(close(number(t3[label]["Avg comm. time / iteration (s)"]),
                                  s["comm_time_s"] / s["iterations"], 1e-3))
            self.assertTrue(close(number(t3[label]["Total comm. time (s)"]), s["comm_time_s"], 1e-3))
            self.assertEqual(number(t3[label]["Aux. gradients"]), s["aux_gradients"])
            self.assertTrue(close(number(t3[label]["Aux. share of gradients (%)"]),
                                  100 * s["aux_gradients"] / s["gradients"], 1e-3))
            self.assertTrue(close(number(t3[label][VALUES_MEMORY]),
                                  s["max_server_memory_value_bytes"] / MIB, 1e-3))
            self.assertTrue(close(number(t3[label][STORED_MEMORY]),
                                  s["max_server_memory_bytes"] / MIB, 1e-3))
            self.assertTrue(close(number(tb[label]["Payload bytes"]), s["payload_bytes"], 1e-3))
            self.assertTrue(close(number(tb[label]["Wire bytes"]), s["wire_bytes"], 1e-3))
            self.assertEqual(number(tf[label]["Rounds"]), s["rounds"])
            self.assertEqual(number(tf[label]["Skipped"]), s["skipped"])
            self.assertEqual(number(tf[label]["Final test acc (%)"]), s["final_test_acc"])
        self.assertEqual(t3["sgd"]["Aux. gradients"], "0")

    def test_server_memory_values_only_and_with_indices(self):
        data = fixtures.write_run(self.tmp, labels=("sgd", "lasg", "sasg"))
        t3 = section(tables(self.report_of(self.tmp)), "Table III")
        # SASG keeps an index beside each stored value, so values are half of what it stores;
        # LASG stores dense vectors without indices.
        sasg = data["sasg"]["summary"]
        self.assertGreater(sasg["max_server_memory_value_bytes"], 0)
        self.assertEqual(2 * sasg["max_server_memory_value_bytes"], sasg["max_server_memory_bytes"])
        values, stored = number(t3["sasg"][VALUES_MEMORY]), number(t3["sasg"][STORED_MEMORY])
        self.assertTrue(close(2 * values, stored, 1e-3), (values, stored))
        self.assertEqual(t3["lasg"][VALUES_MEMORY], t3["lasg"][STORED_MEMORY])
        for label in ("lasg", "sasg"):
            s = data[label]["summary"]
            self.assertTrue(close(number(t3[label][VALUES_MEMORY]),
                                  s["max_server_memory_value_bytes"] / MIB, 1e-3))
            self.assertTrue(close(number(t3[label][STORED_MEMORY]),
                                  s["max_server_memory_bytes"] / MIB, 1e-3))
        self.assertEqual((t3["sgd"][VALUES_MEMORY], t3["sgd"][STORED_MEMORY]), ("0", "0"))

    def test_results_without_values_only_memory_show_a_dash(self):
        data = fixtures.write_run(self.tmp, labels=("sgd", "sasg"), with_value_memory=False)
        text = self.report_of(self.tmp)
        t3 = section(tables(text), "Table III")
        for label in ("sgd", "sasg"):
            self.assertEqual(t3[label][VALUES_MEMORY], "-")
            self.assertTrue(close(number(t3[label][STORED_MEMORY]),
                                  data[label]["summary"]["max_server_memory_bytes"] / MIB, 1e-3))
        self.assertIn("predate values-only server memory", text)
        current = self.tmp / "current"
        fixtures.write_run(current, labels=("sgd", "sasg"))
        self.assertNotIn("predate values-only", self.report_of(current))

    def test_without_target_or_gradient_counts(self):
        fixtures.write_run(self.tmp, target=None, with_gradients=False, labels=("sgd", "sasg"))
        text = self.report_of(self.tmp)
        self.assertIn("No target accuracy set", text)
        t = tables(text)
        self.assertFalse(any(k.startswith("Table II:") for k in t))
        t3 = section(t, "Table III")
        self.assertEqual(t3["sasg"]["Aux. gradients"], "n/a")
        self.assertEqual(t3["sasg"]["Aux. share of gradients (%)"], "n/a")
        self.assertNotIn("Payload bytes to target", section(t, "Bytes")["sgd"])

    def test_top5_target_stated(self):
        fixtures.write_run(self.tmp, target=92.0, top5=True, labels=("sasg",))
        self.assertIn("top-5 accuracy ≥ 92%", self.report_of(self.tmp))

    def test_paper_reference_for_paper_scenarios(self):
        fixtures.write_run(self.tmp, name="paper_mnist_fc", labels=("sasg",), iterations=40,
                           eval_every=20)
        ref = section(tables(self.report_of(self.tmp)), "Paper reference")
        self.assertEqual(number(ref["sasg"]["Rounds to target"]), 24000)
        self.assertEqual(float(ref["lasg"]["Bits to target"]), 4.41e11)
        other = self.tmp / "other"
        fixtures.write_run(other, name="quickstart", labels=("sasg",), iterations=40, eval_every=20)
        self.assertNotIn("Paper reference", self.report_of(other))

    def test_paper_memory_compares_with_values_only(self):
        fixtures.write_run(self.tmp, name="paper_cifar10_resnet18", labels=("lasg", "sasg"),
                           iterations=40, eval_every=20)
        t = tables(self.report_of(self.tmp))
        ref = section(t, "Paper reference")
        self.assertEqual(number(ref["lasg"][VALUES_MEMORY]), 426.25)
        self.assertEqual(number(ref["sasg"][VALUES_MEMORY]), 4.26)
        self.assertEqual(ref["sgd"][VALUES_MEMORY], "")
        self.assertNotIn(STORED_MEMORY, ref["sasg"])
        self.assertIn(VALUES_MEMORY, section(t, "Table III")["sasg"])


class SeedsReport(Tmp):
    def test_mean_and_sample_std_over_three_seeds(self):
        seeds = (1, 19, 31)
        data = fixtures.write_seeds(self.tmp, seeds=seeds, plateau_by_seed={31: {"lasg": 70.0}})
        text = self.report_of(self.tmp)
        self.assertIn("n = 3", text)
        self.assertIn("1, 19, 31", text)
        t = tables(text)
        t2, t3, tf = section(t, "Table II"), section(t, "Table III"), section(t, "Totals")
        for label in ("sgd", "sparse", "lasg", "sasg"):
            sums = [data[s][label]["summary"] for s in seeds]
            total = [s["comm_time_s"] for s in sums]
            m, sd, _ = mean_std(t3[label]["Total comm. time (s)"])
            self.assertTrue(close(m, statistics.mean(total), 1e-3))
            self.assertTrue(close(sd, statistics.stdev(total), 2e-3) or (sd == 0 and statistics.stdev(total) < 1e-12))
            avg = [s["comm_time_s"] / s["iterations"] for s in sums]
            m, sd, _ = mean_std(t3[label]["Avg comm. time / iteration (s)"])
            self.assertTrue(close(m, statistics.mean(avg), 1e-3))
            rounds = [s["rounds"] for s in sums]
            m, sd, _ = mean_std(tf[label]["Rounds"])
            self.assertTrue(close(m, statistics.mean(rounds), 1e-3))
            self.assertTrue(close(sd, statistics.stdev(rounds), 1e-2) or statistics.stdev(rounds) == 0)
            stored = [s["max_server_memory_bytes"] / MIB for s in sums]
            values = [s["max_server_memory_value_bytes"] / MIB for s in sums]
            for column, expected in ((STORED_MEMORY, stored), (VALUES_MEMORY, values)):
                cell = t3[label][column]
                m = mean_std(cell)[0] if " ± " in cell else number(cell)
                self.assertTrue(close(m, statistics.mean(expected), 1e-3), (label, column, cell))
            acc = [s["final_test_acc"] for s in sums]
            m, sd, _ = mean_std(tf[label]["Final test acc (%)"])
            self.assertAlmostEqual(m, statistics.mean(acc), places=2)
            self.assertAlmostEqual(sd, statistics.stdev(acc), places=2)
            reached = [s["rounds_to_target"] for s in sums if s["rounds_to_target"] is not None]
            m, sd, note = mean_std(t2[label]["Rounds"])
            self.assertTrue(close(m, statistics.mean(reached), 1e-3))
            self.assertTrue(close(sd, statistics.stdev(reached), 1e-2) or statistics.stdev(reached) == 0)
            self.assertEqual(note, "" if len(reached) == 3 else f"({len(reached)}/3 reached)")
        self.assertIn("(2/3 reached)", t2["lasg"]["Rounds"])

    def test_nobody_reached(self):
        fixtures.write_seeds(self.tmp, seeds=(1, 2), labels=("sgd",), target=99.9)
        t2 = section(tables(self.report_of(self.tmp)), "Table II")
        self.assertEqual(t2["sgd"]["Iterations"], "not reached")


class SweepReport(Tmp):
    def test_pivot_and_long_table_from_sweep_csv(self):
        rows = fixtures.write_sweep(self.tmp, bandwidths=("100Mbps", "1Gbps"), workers=[2, 4])
        text = self.report_of(self.tmp)
        t = tables(text)
        total = t["Total communication time (s)"]
        self.assertEqual(len(total), 4)
        for r in total:
            for label in ("sgd", "sasg"):
                src = next(x for x in rows if x["algorithm"] == label
                           and x["network.bandwidth"] == r["`network.bandwidth`"]
                           and x["workers"] == int(r["`workers`"]))
                self.assertTrue(close(number(r[label]), src["comm_time_s"], 1e-3))
        long = t["All results (sweep.csv)"]
        self.assertEqual(len(long), len(rows))
        for r, src in zip(long, rows):
            self.assertEqual(r["Point"], src["point"])
            self.assertEqual(r["Algorithm"], src["algorithm"])
            self.assertEqual(number(r["Rounds"]), src["rounds"])
            self.assertTrue(close(number(r["Comm. time to target (s)"]), src["comm_time_to_target_s"], 1e-3))

    def test_a_swept_seed_gives_mean_and_std_per_setting_of_the_other_keys(self):
        rows = fixtures.write_sweep(self.tmp, bandwidths=("100Mbps", "1Gbps"), seeds=[1, 2, 3],
                                    unreached=(("sgd", "100Mbps"),))
        t = tables(self.report_of(self.tmp))
        for bw in ("100Mbps", "1Gbps"):
            table = t[f"Over 3 seeds: `network.bandwidth` = {bw}"]
            self.assertEqual(len(table), 4)
            for r in table:
                label = r["Algorithm"]
                times = [x["comm_time_s"] for x in rows
                         if x["algorithm"] == label and x["network.bandwidth"] == bw]
                m, sd, note = mean_std(r["Comm. time (s)"])
                self.assertTrue(close(m, statistics.mean(times), 1e-3), (label, bw, m))
                self.assertTrue(close(sd, statistics.stdev(times), 1e-2), (label, bw, sd))
                self.assertEqual(note, "")
        self.assertEqual(t["Over 3 seeds: `network.bandwidth` = 100Mbps"][0]["Iterations to target"],
                         "not reached")

    def test_unreached_points(self):
        fixtures.write_sweep(self.tmp)
        long = tables(self.report_of(self.tmp))["All results (sweep.csv)"]
        row = next(r for r in long if r["Algorithm"] == "sgd" and r["`network.bandwidth`"] == "10Mbps")
        self.assertEqual(row["Comm. time to target (s)"], "not reached")
        self.assertEqual(row["Iterations to target"], "not reached")


class CommandLine(Tmp):
    def test_prints_and_writes_report_md(self):
        fixtures.write_run(self.tmp, labels=("sgd", "sasg"), iterations=60, eval_every=20)
        r = subprocess.run([sys.executable, str(REPORT), str(self.tmp)], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("## Table II", r.stdout)
        self.assertEqual((self.tmp / "report.md").read_text(encoding="utf-8"), r.stdout)

    def test_exit_2_names_the_missing_file(self):
        for directory, missing in ((self.tmp / "absent", "absent"), (self.tmp, "manifest.json")):
            err = io.StringIO()
            with redirect_stdout(io.StringIO()), redirect_stderr(err):
                self.assertEqual(report.main([str(directory)]), 2)
            self.assertIn(missing, err.getvalue())
            self.assertIn("sasgsim run", err.getvalue())
        self.assertFalse((self.tmp / "report.md").exists())
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            self.assertEqual(report.main([]), 2)


if __name__ == "__main__":
    unittest.main()
