"""analysis/timeline.py: the trace events match uploads.csv and iterations.csv."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures  # noqa: E402

SCRIPT = fixtures.ROOT / "analysis" / "timeline.py"


def run_script(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True,
                          text=True)


class Timeline(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="sasgsim-timeline-")
        self.dir = Path(self._tmp.name) / "run"
        fixtures.write_run(self.dir, iterations=60, eval_every=20)

    def tearDown(self):
        self._tmp.cleanup()

    def test_spans_match_the_uploads_trace(self):
        out = Path(self._tmp.name) / "lasg.json"
        r = run_script(self.dir, "--algorithm", "lasg", "--iterations", "5:15", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), str(out))
        events = json.loads(out.read_text())["traceEvents"]
        uploads = pd.read_csv(self.dir / "lasg" / "uploads.csv")
        iterations = pd.read_csv(self.dir / "lasg" / "iterations.csv").set_index("iteration")
        expected = uploads[(uploads.iteration >= 5) & (uploads.iteration < 15)]
        spans = [e for e in events if e.get("name") == "upload"]
        self.assertEqual(len(spans), len(expected))
        for e, u in zip(sorted(spans, key=lambda e: (e["args"]["iteration"], e["tid"])),
                        expected.sort_values(["iteration", "worker"]).itertuples()):
            start = iterations.loc[u.iteration, "start_s"]
            self.assertEqual(e["tid"], u.worker + 1)
            self.assertAlmostEqual(e["ts"], (start + u.start_s) * 1e6, places=3)
            self.assertAlmostEqual(e["dur"], (u.delivered_s - u.start_s) * 1e6, places=3)
            self.assertEqual(e["args"]["payload_bytes"], u.payload_bytes)
        workers = json.loads((self.dir / "manifest.json").read_text())["scenario"]["workers"]
        skips = [e for e in events if e.get("name") == "skip"]
        self.assertEqual(len(skips) + len(spans), 10 * workers)
        # Every worker is busy or idle for the whole of each iteration's communication.
        for t in range(5, 15):
            for m in range(workers):
                covered = sum(e["dur"] for e in events if e.get("ph") == "X"
                              and e["tid"] == m + 1 and e["args"].get("iteration") == t)
                self.assertAlmostEqual(covered, iterations.loc[t, "comm_time_s"] * 1e6, places=3)
        aggregates = [e for e in events if e.get("name") == "aggregate"]
        self.assertEqual(len(aggregates), 10)

    def test_every_algorithm_by_default_and_errors(self):
        r = run_script(self.dir)
        self.assertEqual(r.returncode, 0, r.stderr)
        for label in ("sgd", "sparse", "lasg", "sasg"):
            self.assertTrue((self.dir / label / "timeline.json").exists())
        self.assertEqual(run_script(self.dir, "--algorithm", "adam").returncode, 2)
        self.assertEqual(run_script(Path(self._tmp.name) / "none").returncode, 2)
        self.assertEqual(run_script(self.dir, "--iterations", "9:3").returncode, 2)


if __name__ == "__main__":
    unittest.main()
