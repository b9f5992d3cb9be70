"""analysis/plot.py: each figure's lines carry exactly the data of the result files.

    /usr/bin/python3 tests/analysis/test_plot.py [-v]
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import fixtures  # noqa: E402
from analysis import plot, style  # noqa: E402
from analysis.results import detect, load_run, load_seeds, load_sweep  # noqa: E402
from analysis.units import format_rate, format_time, parse_rate_bps, parse_time_s  # noqa: E402

PLOT = HERE.parents[1] / "analysis" / "plot.py"
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<svg"}


def axes_by_label(fig, label):
    found = [ax for ax in fig.axes if ax.get_label() == label]
    assert len(found) == 1, [ax.get_label() for ax in fig.axes]
    return found[0]


def line(ax, gid):
    found = [l for l in ax.get_lines() if l.get_gid() == gid]
    assert len(found) == 1, (gid, [l.get_gid() for l in ax.get_lines()])
    return found[0]


def band_limits(ax, gid):
    """(x, lo, hi) of a fill_between band, from its polygon's vertices."""
    coll = [c for c in ax.collections if c.get_gid() == gid]
    assert len(coll) == 1, gid
    verts = coll[0].get_paths()[0].vertices
    xs = np.unique(verts[:, 0])
    lo = np.array([verts[verts[:, 0] == x, 1].min() for x in xs])
    hi = np.array([verts[verts[:, 0] == x, 1].max() for x in xs])
    return xs, lo, hi


def check_file(testcase, path: Path, fmt: str):
    testcase.assertTrue(path.is_file(), path)
    data = path.read_bytes()
    testcase.assertGreater(len(data), 1000, path)
    if fmt == "svg":
        testcase.assertIn(MAGIC["svg"], data[:2000], path)
        testcase.assertTrue(data.rstrip().endswith(b"</svg>"), path)
    else:
        testcase.assertTrue(data.startswith(MAGIC[fmt]), path)
    if fmt == "pdf":
        testcase.assertIn(b"%%EOF", data[-64:])


class Tmp(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="sasgsim-plot-test-")
        self.tmp = Path(self._tmp.name)

    def tearDown(self):
        self._tmp.cleanup()


class RunFigures(Tmp):
    @classmethod
    def setUpClass(cls):
        cls._ctmp = tempfile.TemporaryDirectory(prefix="sasgsim-plot-run-")
        cls.dir = Path(cls._ctmp.name) / "run"
        cls.data = fixtures.write_run(cls.dir, plateau={"sparse": 75.0})
        cls.loaded = load_run(cls.dir, uploads=False)
        cls.figs = plot.run_figures(cls.loaded)

    @classmethod
    def tearDownClass(cls):
        cls._ctmp.cleanup()

    def test_one_figure_per_x_axis_and_figure_3c(self):
        self.assertEqual(sorted(self.figs), sorted(
            ["accuracy_loss_vs_iterations", "accuracy_loss_vs_rounds", "accuracy_loss_vs_bits",
             "accuracy_loss_vs_encoded_bits", "accuracy_loss_vs_comm_time",
             "comm_time_per_100_iterations"]))

    def test_lines_equal_metrics_columns(self):
        for xaxis, xcol in (("iterations", "iteration"), ("rounds", "rounds"),
                            ("bits", "paper_bits"), ("encoded_bits", "encoded_bits"),
                            ("comm_time", "comm_time_s")):
            fig = self.figs[f"accuracy_loss_vs_{xaxis}"]
            acc, loss = axes_by_label(fig, "accuracy"), axes_by_label(fig, "loss")
            for label, d in self.data.items():
                csv = pd.read_csv(self.dir / label / "metrics.csv")
                for ax, ycol in ((acc, "test_acc"), (loss, "train_loss")):
                    l = line(ax, label)
                    np.testing.assert_allclose(l.get_xdata(), csv[xcol].to_numpy(float))
                    np.testing.assert_allclose(l.get_ydata(), csv[ycol].to_numpy(float))
            self.assertEqual(acc.get_xscale(),
                             "log" if xaxis in ("bits", "encoded_bits") else "linear")
            self.assertIn("fixture", fig._suptitle.get_text())
            self.assertTrue(acc.get_xlabel() and acc.get_ylabel() and loss.get_ylabel())
            legend = [t.get_text() for t in loss.get_legend().get_texts()]
            self.assertEqual(legend, list(self.data) + ["target 80%"])

    def test_target_line_at_target(self):
        acc = axes_by_label(self.figs["accuracy_loss_vs_rounds"], "accuracy")
        target = line(acc, "target")
        self.assertEqual(list(target.get_ydata()), [80.0, 80.0])
        self.assertEqual(target.get_linestyle(), "--")
        self.assertIn("80%", target.get_label())

    def test_colours_fixed_per_algorithm(self):
        for fig in self.figs.values():
            for ax in fig.axes:
                for label in self.data:
                    self.assertEqual(line(ax, label).get_color(), style.KIND_COLOURS[label])

    def test_comm_time_per_100_iterations_from_iterations_csv(self):
        ax = axes_by_label(self.figs["comm_time_per_100_iterations"], "comm_per_100")
        for label in self.data:
            it = pd.read_csv(self.dir / label / "iterations.csv")
            t = it["comm_time_s"].to_numpy()
            # 250 iterations: blocks [0,100), [100,200) and [200,250) scaled to 100 iterations
            expected = [t[:100].sum(), t[100:200].sum(), t[200:250].sum() * 2]
            l = line(ax, label)
            np.testing.assert_allclose(l.get_xdata(), [100, 200, 250])
            np.testing.assert_allclose(l.get_ydata(), expected, rtol=1e-12)
            summary = json.loads((self.dir / label / "summary.json").read_text())
            self.assertIn(f"{summary['comm_time_s'] / 250 * 100:.4g} s", l.get_label())


class RunVariants(Tmp):
    def test_comm_time_per_100_falls_back_to_metrics(self):
        fixtures.write_run(self.tmp, with_iterations=False, with_start_s=False, iterations=230,
                           eval_every=40)
        run = load_run(self.tmp)
        ax = axes_by_label(plot.run_figures(run)["comm_time_per_100_iterations"], "comm_per_100")
        for label in ("sgd", "sasg"):
            m = pd.read_csv(self.tmp / label / "metrics.csv")
            it = np.concatenate([[0], m["iteration"]])
            ct = np.concatenate([[0], m["comm_time_s"]])
            l = line(ax, label)
            np.testing.assert_allclose(l.get_xdata(), m["iteration"])
            np.testing.assert_allclose(l.get_ydata(), np.diff(ct) / np.diff(it) * 100)
        self.assertIn("evaluation window", ax.get_xlabel())

    def test_top5_target_plots_top5_accuracy(self):
        fixtures.write_run(self.tmp, target=92.0, top5=True, labels=("sgd", "sasg"))
        fig = plot.run_figures(load_run(self.tmp))["accuracy_loss_vs_iterations"]
        acc = axes_by_label(fig, "accuracy")
        m = pd.read_csv(self.tmp / "sasg" / "metrics.csv")
        np.testing.assert_allclose(line(acc, "sasg").get_ydata(), m["test_top5_acc"])
        self.assertIn("top-5", acc.get_ylabel())

    def test_no_target_no_target_line(self):
        fixtures.write_run(self.tmp, target=None, labels=("sgd", "lasg"))
        fig = plot.run_figures(load_run(self.tmp))["accuracy_loss_vs_iterations"]
        self.assertEqual([l for l in axes_by_label(fig, "accuracy").get_lines()
                          if l.get_gid() == "target"], [])

    def test_labels_of_one_kind_share_its_colour(self):
        fixtures.write_run(self.tmp, labels=("sgd", "sasg", "sasg_k2", "mine"),
                           kinds={"sasg_k2": "sasg", "mine": "sgd"})
        ax = axes_by_label(plot.run_figures(load_run(self.tmp))["accuracy_loss_vs_rounds"], "loss")
        self.assertEqual(line(ax, "sasg_k2").get_color(), style.KIND_COLOURS["sasg"])
        self.assertEqual(line(ax, "sasg").get_linestyle(), "-")
        self.assertNotEqual(line(ax, "sasg_k2").get_linestyle(), "-")
        self.assertEqual(line(ax, "mine").get_color(), style.KIND_COLOURS["sgd"])

    def test_incomplete_run_plots_finished_algorithms(self):
        fixtures.write_run(self.tmp, complete=False, labels=("sgd", "lasg", "sasg"))
        run = load_run(self.tmp)
        self.assertEqual(run.labels, ["sgd", "lasg"])
        fig = plot.run_figures(run)["accuracy_loss_vs_iterations"]
        self.assertIn("incomplete", fig._suptitle.get_text())


class SeedsFigures(Tmp):
    def test_mean_line_and_min_max_band_across_seeds(self):
        seeds = (1, 19, 31)
        fixtures.write_seeds(self.tmp, seeds=seeds, labels=("sgd", "lasg", "sasg"))
        self.assertEqual(detect(self.tmp), "seeds")
        loaded = load_seeds(self.tmp)
        figs = plot.seeds_figures(loaded)
        frames = {s: {l: pd.read_csv(self.tmp / f"seed-{s}" / l / "metrics.csv")
                      for l in ("sgd", "lasg", "sasg")} for s in seeds}
        for xaxis, xcol in (("iterations", "iteration"), ("comm_time", "comm_time_s")):
            fig = figs[f"accuracy_loss_vs_{xaxis}"]
            self.assertIn("3 seeds", fig._suptitle.get_text())
            acc = axes_by_label(fig, "accuracy")
            for label in ("sgd", "lasg", "sasg"):
                ys = np.array([frames[s][label]["test_acc"] for s in seeds])
                xs = np.array([frames[s][label][xcol] for s in seeds], dtype=float)
                l = line(acc, label)
                np.testing.assert_allclose(l.get_xdata(), xs.mean(axis=0))
                np.testing.assert_allclose(l.get_ydata(), ys.mean(axis=0))
                bx, lo, hi = band_limits(acc, f"{label} band")
                order = np.argsort(xs.mean(axis=0))
                np.testing.assert_allclose(bx, xs.mean(axis=0)[order])
                np.testing.assert_allclose(lo, ys.min(axis=0)[order])
                np.testing.assert_allclose(hi, ys.max(axis=0)[order])
        ax = axes_by_label(figs["comm_time_per_100_iterations"], "comm_per_100")
        per_seed = []
        for s in seeds:
            t = pd.read_csv(self.tmp / f"seed-{s}" / "sasg" / "iterations.csv")["comm_time_s"].to_numpy()
            per_seed.append([t[:100].sum(), t[100:200].sum(), t[200:].sum() * 2])
        np.testing.assert_allclose(line(ax, "sasg").get_ydata(), np.mean(per_seed, axis=0))

    def test_std_band(self):
        seeds = (1, 2, 3)
        fixtures.write_seeds(self.tmp, seeds=seeds, labels=("sasg",))
        fig = plot.seeds_figures(load_seeds(self.tmp), band="std")["accuracy_loss_vs_iterations"]
        ys = np.array([pd.read_csv(self.tmp / f"seed-{s}" / "sasg" / "metrics.csv")["train_loss"]
                       for s in seeds])
        _, lo, hi = band_limits(axes_by_label(fig, "loss"), "sasg band")
        np.testing.assert_allclose(hi - lo, 2 * ys.std(axis=0, ddof=1))

    def test_missing_seed_is_left_out_with_a_warning(self):
        fixtures.write_seeds(self.tmp, seeds=(1, 2), labels=("sgd",))
        manifest = json.loads((self.tmp / "manifest.json").read_text())
        manifest["seeds"].append(3)
        manifest["runs"].append("seed-3")
        (self.tmp / "manifest.json").write_text(json.dumps(manifest))
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            self.assertEqual(plot.main([str(self.tmp)]), 0)
        self.assertIn("seed-3", err.getvalue())


class SweepFigures(Tmp):
    def test_bandwidth_sweep(self):
        rows = fixtures.write_sweep(self.tmp)
        sweep = load_sweep(self.tmp)
        self.assertEqual(sweep.keys, ["network.bandwidth"])
        figs = plot.sweep_figures(sweep)
        self.assertEqual(list(figs), ["sweep_comm_time_vs_network_bandwidth"])
        fig = figs["sweep_comm_time_vs_network_bandwidth"]
        total = axes_by_label(fig, "comm_time_s|")
        to_target = axes_by_label(fig, "comm_time_to_target_s|")
        for label in ("sgd", "sparse", "lasg", "sasg"):
            mine = [r for r in rows if r["algorithm"] == label]
            x = [parse_rate_bps(r["network.bandwidth"]) for r in mine]
            np.testing.assert_allclose(line(total, label).get_xdata(), x)
            np.testing.assert_allclose(line(total, label).get_ydata(), [r["comm_time_s"] for r in mine])
            expected = [np.nan if r["comm_time_to_target_s"] == "" else r["comm_time_to_target_s"]
                        for r in mine]
            np.testing.assert_allclose(line(to_target, label).get_ydata(), expected)
            self.assertEqual(line(total, label).get_color(), style.KIND_COLOURS[label])
        self.assertEqual(total.get_xscale(), "log")
        self.assertEqual(total.get_yscale(), "log")  # sgd vs sasg: > 1 decade
        fig.draw_without_rendering()  # tick labels exist once drawn
        labels = [t.get_text() for t in total.get_xticklabels()]
        self.assertEqual(labels, ["10 Mbps", "100 Mbps", "1 Gbps"])
        self.assertTrue(any("not reached" in t.get_text() for t in to_target.texts))

    def test_two_keys_one_panel_per_other_value(self):
        rows = fixtures.write_sweep(self.tmp, bandwidths=("100Mbps", "1Gbps"), workers=[2, 4, 8])
        figs = plot.sweep_figures(load_sweep(self.tmp))
        self.assertEqual(sorted(figs), ["sweep_comm_time_vs_network_bandwidth",
                                        "sweep_comm_time_vs_workers"])
        by_workers = figs["sweep_comm_time_vs_workers"]
        for bw in ("100Mbps", "1Gbps"):
            ax = axes_by_label(by_workers, f"comm_time_s|{bw}")
            self.assertIn({"100Mbps": "100 Mbps", "1Gbps": "1 Gbps"}[bw], ax.get_title())
            self.assertEqual(ax.get_xscale(), "linear")
            mine = [r for r in rows if r["algorithm"] == "lasg" and r["network.bandwidth"] == bw]
            np.testing.assert_allclose(line(ax, "lasg").get_xdata(), [2, 4, 8])
            np.testing.assert_allclose(line(ax, "lasg").get_ydata(), [r["comm_time_s"] for r in mine])
        by_bw = figs["sweep_comm_time_vs_network_bandwidth"]
        for w in (2, 4, 8):
            ax = axes_by_label(by_bw, f"comm_time_to_target_s|{w}")
            mine = [r for r in rows if r["algorithm"] == "sparse" and r["workers"] == w]
            np.testing.assert_allclose(line(ax, "sparse").get_ydata(),
                                       [r["comm_time_to_target_s"] for r in mine])

    def test_latency_key_parsed_as_time(self):
        fixtures.write_sweep(self.tmp)
        table = pd.read_csv(self.tmp / "sweep.csv")
        table = table.rename(columns={"network.bandwidth": "network.latency"})
        table["network.latency"] = table["network.latency"].map(
            {"10Mbps": "10us", "100Mbps": "0.5ms", "1Gbps": "20ms"})
        table.to_csv(self.tmp / "sweep.csv", index=False)
        (self.tmp / "sweep.json").write_text(json.dumps({"keys": ["network.latency"]}))
        fig = plot.sweep_figures(load_sweep(self.tmp))["sweep_comm_time_vs_network_latency"]
        fig.draw_without_rendering()
        ax = axes_by_label(fig, "comm_time_s|")
        np.testing.assert_allclose(line(ax, "sgd").get_xdata(), [1e-5, 5e-4, 2e-2])
        self.assertEqual(ax.get_xscale(), "log")
        self.assertEqual([t.get_text() for t in ax.get_xticklabels()], ["10 µs", "500 µs", "20 ms"])


class CommandLine(Tmp):
    def run_cli(self, *args):
        return subprocess.run([sys.executable, str(PLOT), *map(str, args)], capture_output=True,
                              text=True, timeout=120)

    def test_every_format_and_printed_paths(self):
        fixtures.write_run(self.tmp / "run", labels=("sgd", "sasg"), iterations=120, eval_every=20)
        r = self.run_cli(self.tmp / "run")  # default: png into DIR/plots
        self.assertEqual(r.returncode, 0, r.stderr)
        paths = [Path(p) for p in r.stdout.split()]
        self.assertEqual(len(paths), 6)
        for p in paths:
            self.assertEqual(p.parent, self.tmp / "run" / "plots")
            check_file(self, p, "png")
        self.assertEqual(sorted(paths), sorted((self.tmp / "run" / "plots").iterdir()))
        for fmt in ("pdf", "svg"):
            out = io.StringIO()
            with redirect_stdout(out):
                rc = plot.main([str(self.tmp / "run"), "--format", fmt, "--out", str(self.tmp / fmt)])
            self.assertEqual(rc, 0)
            paths = [Path(p) for p in out.getvalue().split()]
            self.assertEqual(len(paths), 6)
            for p in paths:
                check_file(self, p, fmt)

    def test_only_keeps_the_named_algorithms(self):
        fixtures.write_run(self.tmp / "run", labels=("sgd", "sparse", "sasg"), iterations=60,
                           eval_every=20)
        fixtures.write_seeds(self.tmp / "seeds", seeds=(1, 2), labels=("sgd", "sasg"),
                             iterations=60, eval_every=20)
        fixtures.write_sweep(self.tmp / "sweep")
        for d in ("run", "seeds", "sweep"):
            figs = plot.figures_for(self.tmp / d, only=["sasg", "sgd"])
            for fig in figs.values():
                labels = {l.get_label().split(" (")[0] for ax in fig.axes for l in ax.get_lines()}
                self.assertIn("sasg", labels, d)
                self.assertNotIn("sparse", labels, d)
                self.assertNotIn("lasg", labels, d)
        r = self.run_cli(self.tmp / "run", "--only", "sgd,adam")
        self.assertEqual(r.returncode, 2)
        self.assertIn("adam", r.stderr)
        self.assertIn("sgd, sparse, sasg", r.stderr)

    def test_seeds_and_sweep_from_the_command_line(self):
        fixtures.write_seeds(self.tmp / "seeds", seeds=(1, 2), labels=("sgd", "sasg"),
                             iterations=60, eval_every=20)
        fixtures.write_sweep(self.tmp / "sweep")
        for d, n in (("seeds", 6), ("sweep", 1)):
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(plot.main([str(self.tmp / d)]), 0)
            paths = out.getvalue().split()
            self.assertEqual(len(paths), n, paths)
            for p in paths:
                check_file(self, Path(p), "png")

    def test_exit_2_names_the_missing_file(self):
        r = self.run_cli(self.tmp / "nowhere")
        self.assertEqual(r.returncode, 2)
        self.assertIn("nowhere", r.stderr)
        self.assertEqual(r.stdout, "")
        cases = []
        (self.tmp / "empty").mkdir()
        cases.append((self.tmp / "empty", "manifest.json"))
        fixtures.write_run(self.tmp / "unfinished", labels=("sgd",), complete=False)
        cases.append((self.tmp / "unfinished", "summary.json"))
        fixtures.write_run(self.tmp / "nometrics", labels=("sgd",))
        (self.tmp / "nometrics" / "sgd" / "metrics.csv").unlink()
        cases.append((self.tmp / "nometrics", "metrics.csv"))
        fixtures.write_sweep(self.tmp / "sweep")
        (self.tmp / "sweep" / "sweep.csv").unlink()
        cases.append((self.tmp / "sweep", "sweep.csv"))
        for directory, missing in cases:
            err = io.StringIO()
            with redirect_stdout(io.StringIO()), redirect_stderr(err):
                self.assertEqual(plot.main([str(directory)]), 2, directory)
            self.assertIn(missing, err.getvalue())
            self.assertRegex(err.getvalue(), "sasgsim (run|sweep)")  # how to produce it

    def test_exit_1_on_unusable_data(self):
        fixtures.write_run(self.tmp, labels=("sgd",))
        m = pd.read_csv(self.tmp / "sgd" / "metrics.csv").drop(columns=["test_acc"])
        m.to_csv(self.tmp / "sgd" / "metrics.csv", index=False)
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            self.assertEqual(plot.main([str(self.tmp)]), 1)
        self.assertIn("test_acc", err.getvalue())


class Units(unittest.TestCase):
    def test_rates_and_times(self):
        self.assertEqual(parse_rate_bps("100Mbps"), 1e8)
        self.assertEqual(parse_rate_bps("1Gbps"), 1e9)
        self.assertEqual(parse_rate_bps("2.5Gb/s"), 2.5e9)
        self.assertEqual(parse_rate_bps("10KBps"), 8e4)
        self.assertEqual(parse_rate_bps("1Kibps"), 1024)
        self.assertEqual(parse_time_s("0.1ms"), 1e-4)
        self.assertEqual(parse_time_s("5us"), 5e-6)
        self.assertEqual(parse_time_s("2s"), 2.0)
        for bad in ("fast", "100Mbps "[:-1] + "x", "1ms"):
            with self.assertRaises(ValueError):
                parse_rate_bps(bad)
        with self.assertRaises(ValueError):
            parse_time_s("100Mbps")
        self.assertEqual(format_rate(1e9), "1 Gbps")
        self.assertEqual(format_rate(2.5e8), "250 Mbps")
        self.assertEqual(format_time(1e-4), "100 µs")
        self.assertEqual(format_time(0.02), "20 ms")


if __name__ == "__main__":
    unittest.main()
