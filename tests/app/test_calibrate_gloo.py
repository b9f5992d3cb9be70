"""`sasgsim calibrate` end to end on real Gloo: analysis/measure_gloo.py times loopback messages
between two torch.distributed ranks (Debian's python3-torch), calibrate fits them, and the
profile it writes is a network section that scenarios accept by include.

    /usr/bin/python3 tests/app/test_calibrate_gloo.py PATH/TO/sasgsim [-v]
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = None  # set from argv in __main__


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=ROOT, capture_output=True, text=True, timeout=120)


class CalibrateGloo(unittest.TestCase):
    def test_measured_profile_runs_a_scenario(self):
        with tempfile.TemporaryDirectory(prefix="sasgsim_calibrate_") as tmp:
            tmp = Path(tmp)
            csv = tmp / "gloo.csv"
            measured = run(sys.executable, "analysis/measure_gloo.py", "--out", str(csv),
                           "--sizes", "4KB,256KB,4MB,16MB", "--repeats", "15")
            self.assertEqual(measured.returncode, 0, measured.stderr)
            profile = tmp / "loopback.json"
            fitted = run(BINARY, "calibrate", str(csv), "--out", str(profile))
            self.assertEqual(fitted.returncode, 0, fitted.stderr)
            for fit in ("rtt fit", "p2p fit", "aggregate fit", "residual"):
                self.assertIn(fit, fitted.stdout)
            network = json.loads(profile.read_text())
            self.assertEqual(set(network), {"description", "bandwidth", "latency",
                                            "framing_bytes", "costs"})
            self.assertEqual(network["costs"]["send_rate"], "unlimited")  # CPU tensors
            scenario = tmp / "scenario.json"
            quick = json.loads((ROOT / "scenarios/quickstart.json").read_text())
            quick["network"] = {"include": profile.name, "backend": "ns3"}
            scenario.write_text(json.dumps(quick))
            checked = run(BINARY, "validate", str(scenario))
            self.assertEqual(checked.returncode, 0, checked.stderr)
            overridden = run(BINARY, "validate", "scenarios/quickstart.json", "--set",
                             f"network.include={profile}")
            self.assertEqual(overridden.returncode, 0, overridden.stderr)

    def test_bad_measurements_name_the_line(self):
        with tempfile.TemporaryDirectory(prefix="sasgsim_calibrate_") as tmp:
            csv = Path(tmp) / "bad.csv"
            csv.write_text("kind,bytes,repeat,seconds\nrtt,4,0,1e-4\np2p,4000,0,fast\n")
            r = run(BINARY, "calibrate", str(csv), "--out", str(Path(tmp) / "p.json"))
            self.assertEqual(r.returncode, 2)
            self.assertIn("bad.csv:3", r.stderr)
            self.assertFalse((Path(tmp) / "p.json").exists())


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
