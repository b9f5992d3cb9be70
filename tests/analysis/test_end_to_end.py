"""A tiny synthetic scenario through the real sasgsim binary, then analysis/plot.py and report.py.

    /usr/bin/python3 tests/analysis/test_end_to_end.py PATH/TO/sasgsim [-v]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis import plot  # noqa: E402
from analysis.results import load_run  # noqa: E402
from test_plot import axes_by_label, check_file, line  # noqa: E402
from test_report import number, section, tables  # noqa: E402

BINARY = None  # set from argv in __main__

SCENARIO = {
    "name": "tiny_plots", "seed": 7, "device": "cpu", "workers": 4,
    "data": {"dataset": "synthetic", "batch_size": 8,
             "synthetic": {"train_size": 640, "test_size": 128, "classes": 4,
                           "shape": [1, 8, 8], "noise": 1.0}},
    "model": "fc512",
    "train": {"iterations": 150, "lr": 0.05, "eval_every": 25, "target_accuracy": 50},
    "algorithms": ["sgd", "sparse", "lasg", "sasg"],
    "network": {"backend": "analytic", "bandwidth": "100Mbps", "latency": "1ms",
                "schedule": "sequential"},
}


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if BINARY is None or not Path(BINARY).exists():
            raise AssertionError(f"no sasgsim binary (got {BINARY!r}): pass build/sasgsim")
        cls._tmp = tempfile.TemporaryDirectory(prefix="sasgsim-e2e-")
        tmp = Path(cls._tmp.name)
        (tmp / "tiny.json").write_text(json.dumps(SCENARIO))
        cls.dir = tmp / "results"
        r = subprocess.run([str(BINARY), "run", str(tmp / "tiny.json"), "-q", "--out", str(cls.dir)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_plot_cli_and_figure_data(self):
        r = subprocess.run([sys.executable, str(ROOT / "analysis" / "plot.py"), str(self.dir),
                            "--format", "png"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        paths = [Path(p) for p in r.stdout.split()]
        self.assertEqual(len(paths), 6, r.stdout)
        for p in paths:
            check_file(self, p, "png")

        run = load_run(self.dir, uploads=False)
        self.assertEqual(run.labels, ["sgd", "sparse", "lasg", "sasg"])
        figs = plot.run_figures(run)
        acc = axes_by_label(figs["accuracy_loss_vs_bits"], "accuracy")
        block = axes_by_label(figs["comm_time_per_100_iterations"], "comm_per_100")
        for label in run.labels:
            m = pd.read_csv(self.dir / label / "metrics.csv")
            np.testing.assert_allclose(line(acc, label).get_xdata(), m["paper_bits"])
            np.testing.assert_allclose(line(acc, label).get_ydata(), m["test_acc"])
            encoded = axes_by_label(figs["accuracy_loss_vs_encoded_bits"], "accuracy")
            np.testing.assert_allclose(line(encoded, label).get_xdata(), m["encoded_bits"])
            iterations_csv = self.dir / label / "iterations.csv"
            if iterations_csv.exists():
                t = pd.read_csv(iterations_csv)["comm_time_s"].to_numpy()
                expected = [t[:100].sum(), t[100:150].sum() * 2]
                np.testing.assert_allclose(line(block, label).get_xdata(), [100, 150])
                np.testing.assert_allclose(line(block, label).get_ydata(), expected, rtol=1e-9)
                # iterations.csv agrees with the cumulative metrics
                self.assertAlmostEqual(t.sum(), m["comm_time_s"].iloc[-1], places=6)
            else:
                ct = np.concatenate([[0], m["comm_time_s"]])
                it = np.concatenate([[0], m["iteration"]])
                np.testing.assert_allclose(line(block, label).get_ydata(),
                                           np.diff(ct) / np.diff(it) * 100)

    def test_report_cli(self):
        r = subprocess.run([sys.executable, str(ROOT / "analysis" / "report.py"), str(self.dir)],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        t = tables(r.stdout)
        t3 = section(t, "Table III")
        totals = section(t, "Totals")
        for label in ("sgd", "sparse", "lasg", "sasg"):
            s = json.loads((self.dir / label / "summary.json").read_text())
            self.assertEqual(number(totals[label]["Rounds"]), s["rounds"])
            self.assertAlmostEqual(number(t3[label]["Total comm. time (s)"]), s["comm_time_s"],
                                   delta=1e-3 * s["comm_time_s"])
            if s.get("rounds_to_target") is not None:
                self.assertEqual(number(section(t, "Table II")[label]["Rounds"]), s["rounds_to_target"])


class SweepEndToEnd(unittest.TestCase):
    """`sasgsim sweep` over two bandwidths (one training run, one replay), then the scripts."""

    def test_sweep_plot_and_report(self):
        self.assertTrue(BINARY is not None and Path(BINARY).exists(),
                        f"no sasgsim binary (got {BINARY!r}): pass build/sasgsim")
        with tempfile.TemporaryDirectory(prefix="sasgsim-e2e-sweep-") as tmp:
            tmp = Path(tmp)
            scenario = dict(SCENARIO, train=dict(SCENARIO["train"], iterations=40, eval_every=20),
                            sweep={"network.bandwidth": ["10Mbps", "100Mbps"]})
            (tmp / "sweep.json").write_text(json.dumps(scenario))
            out = tmp / "sweep"
            r = subprocess.run([str(BINARY), "sweep", str(tmp / "sweep.json"), "-q", "--no-plots",
                                "--out", str(out)], capture_output=True, text=True, timeout=300)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = subprocess.run([sys.executable, str(ROOT / "analysis" / "plot.py"), str(out)],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            paths = [Path(p) for p in r.stdout.split()]
            self.assertEqual([p.name for p in paths], ["sweep_comm_time_vs_network_bandwidth.png"])
            check_file(self, paths[0], "png")
            table = pd.read_csv(out / "sweep.csv")
            fig = plot.sweep_figures(plot.load_sweep(out))["sweep_comm_time_vs_network_bandwidth"]
            ax = axes_by_label(fig, "comm_time_s|")
            for label in ("sgd", "sasg"):
                rows = table[table["algorithm"] == label]
                np.testing.assert_allclose(line(ax, label).get_xdata(), [1e7, 1e8])
                np.testing.assert_allclose(line(ax, label).get_ydata(), rows["comm_time_s"])
            r = subprocess.run([sys.executable, str(ROOT / "analysis" / "report.py"), str(out)],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(len(tables(r.stdout)["All results (sweep.csv)"]), len(table))


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        BINARY = sys.argv.pop(1)
    else:
        default = ROOT / "build" / "sasgsim"
        BINARY = str(default) if default.exists() else None
    unittest.main()
