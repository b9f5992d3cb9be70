"""analysis/measure_gloo.py end to end on loopback (two Gloo ranks, tiny settings), its argument
checks, and a failing rank's error reaching the exit status.

    /usr/bin/python3 tests/analysis/test_measure_gloo.py [-v]
"""
from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import torch.distributed as dist  # noqa: E402

from analysis import measure_gloo  # noqa: E402

SCRIPT = ROOT / "analysis" / "measure_gloo.py"
SIZES = [4, 4000, 16_000_000]  # 4B, 4KB, 16MB: far apart, so that noise cannot reorder them
REPEATS = 15


def failing_rank(rank, args):
    """Rank 0 blocks in a receive that never comes; rank 1 raises."""
    dist.init_process_group("gloo", init_method=f"tcp://{args.master}", rank=rank, world_size=2)
    if rank == 1:
        raise ValueError("boom from rank 1")
    dist.recv(measure_gloo.torch.zeros(1), 1)


class MeasureGloo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="sasgsim-gloo-")
        cls.csv = Path(cls._tmp.name) / "gloo.csv"
        cls.proc = subprocess.run(
            [sys.executable, str(SCRIPT), "--out", str(cls.csv), "--sizes", "4B,4KB,16MB",
             "--repeats", str(REPEATS), "--warmup", "1"],
            capture_output=True, text=True, timeout=90)

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def test_csv(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        df = pd.read_csv(self.csv)
        self.assertEqual(list(df.columns), ["kind", "bytes", "repeat", "seconds"])
        self.assertEqual(set(df["kind"]), {"rtt", "p2p", "aggregate"})  # no copy rows on cpu
        self.assertTrue((df["seconds"] > 0).all())
        self.assertEqual(list(df[df["kind"] == "rtt"]["bytes"].unique()), [4])
        for kind in ("p2p", "aggregate"):
            rows = df[df["kind"] == kind]
            self.assertEqual(sorted(rows["bytes"].unique()), SIZES, kind)
            for _, g in rows.groupby("bytes"):
                self.assertEqual(list(g["repeat"]), list(range(REPEATS)))
        order = [measure_gloo.KINDS.index(k) for k in df["kind"]]
        self.assertEqual(list(zip(order, df["bytes"], df["repeat"])),
                         sorted(zip(order, df["bytes"], df["repeat"])))
        p2p = df[df["kind"] == "p2p"].groupby("bytes")["seconds"].median()
        self.assertGreater(p2p[max(SIZES)], p2p[min(SIZES)])

    def test_summary_and_progress(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)
        out = self.proc.stdout
        self.assertIn("median_s", out)
        self.assertEqual(sum(line.startswith("p2p") and "MB/s" in line
                             for line in out.splitlines()), len(SIZES), out)
        self.assertEqual(self.proc.stderr.count("measure_gloo: p2p"), len(SIZES), self.proc.stderr)
        self.assertEqual(list(Path(self._tmp.name).iterdir()), [self.csv])  # no temp file left

    def test_sizes(self):
        self.assertEqual(measure_gloo.parse_sizes("4KB,64KiB,1MB,16,4KB"),
                         [16, 4000, 65536, 1_000_000])
        self.assertEqual(measure_gloo.parse_size("1.5MB"), 1_500_000)
        for bad, why in (("6", "multiple of 4"), ("4XB", "expected bytes"), ("0", "positive")):
            with self.assertRaises(ValueError) as e:
                measure_gloo.parse_size(bad)
            self.assertIn(why, str(e.exception))
            self.assertIn(repr(bad), str(e.exception))

    def test_bad_arguments_exit_2(self):
        for argv, why in ((["--out", "x.csv", "--sizes", "4KB,6"], "'6' (6 bytes)"),
                          (["--sizes", "4KB"], "--out"),
                          (["--rank", "1"], "--master"),
                          (["--rank", "1", "--master", "host"], "HOST:PORT"),
                          (["--out", "x.csv", "--world-size", "3"], "--world-size")):
            err = io.StringIO()
            with self.assertRaises(SystemExit) as e, contextlib.redirect_stderr(err):
                measure_gloo.parse_args(argv)
            self.assertEqual(e.exception.code, 2, argv)
            self.assertIn(why, err.getvalue(), argv)

    def test_failing_rank(self):
        out = Path(self._tmp.name) / "failed.csv"
        err = io.StringIO()
        # Rank 0 would block until --timeout (300 s): main must end it rather than wait for it,
        # or the test runs into ctest's 120 s timeout.
        with mock.patch.object(measure_gloo, "rank_main", failing_rank), \
                contextlib.redirect_stderr(err):
            code = measure_gloo.main(["--out", str(out)])
        self.assertEqual(code, 1)
        self.assertIn("rank 1 failed", err.getvalue())
        self.assertIn("boom from rank 1", err.getvalue())
        self.assertFalse(out.exists())


if __name__ == "__main__":
    unittest.main()
