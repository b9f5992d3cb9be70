"""The JSON Schema that `sasgsim schema --json-schema` prints (draft 2020-12) accepts every
scenario file shipped in scenarios/ and rejects documents the parser rejects.

Usage: test_json_schema.py BINARY   (run from the repository root; needs python3-jsonschema)
"""
from __future__ import annotations

import copy
import json
import subprocess
import sys
import unittest
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
BINARY = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "sasgsim")

VALID = {
    "name": "ok", "data": {"dataset": "synthetic"}, "train": {"iterations": 5, "lr": 0.1},
    "algorithms": ["sgd", {"name": "sasg", "density": 0.05, "D": 5}],
}


def schema() -> dict:
    out = subprocess.run([BINARY, "schema", "--json-schema"], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def with_change(change) -> dict:
    doc = copy.deepcopy(VALID)
    change(doc)
    return doc


class JsonSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.schema = schema()
        Draft202012Validator.check_schema(cls.schema)
        cls.validator = Draft202012Validator(cls.schema)

    def errors(self, doc) -> list[str]:
        return [e.message for e in self.validator.iter_errors(doc)]

    def test_every_shipped_scenario_is_valid(self):
        # scenarios/profiles/ holds network profiles that scenarios include, not scenarios.
        files = sorted(p for p in (ROOT / "scenarios").rglob("*.json")
                       if "profiles" not in p.parts)
        self.assertGreaterEqual(len(files), 11)
        for path in files:
            with self.subTest(path=str(path.relative_to(ROOT))):
                self.assertEqual(self.errors(json.loads(path.read_text())), [])

    def test_a_small_valid_document(self):
        self.assertEqual(self.errors(VALID), [])

    def test_documents_the_parser_rejects(self):
        bad = {
            "unknown key": lambda d: d.update(colour=1),
            "missing train length": lambda d: d["train"].pop("iterations"),
            "iterations and epochs": lambda d: d["train"].update(epochs=2),
            "density on sgd": lambda d: d["algorithms"].append({"name": "sgd", "density": 0.1}),
            "unknown algorithm": lambda d: d["algorithms"].append("adam"),
            "rate without unit": lambda d: d.update(network={"bandwidth": "100"}),
            "ns3 key with analytic": lambda d: d.update(
                network={"backend": "analytic", "fidelity": "exact"}),
            "server_link without switch": lambda d: d.update(
                network={"topology": "direct", "server_link": {"bandwidth": "1Gbps"}}),
            "batch_time without fixed": lambda d: d.update(compute={"batch_time": "5ms"}),
            "fixed without batch_time": lambda d: d.update(compute={"model": "fixed"}),
            "workers out of range": lambda d: d.update(workers=0),
            "seed and seeds": lambda d: d.update(seed=1, seeds=[1, 2]),
            "xi with kappa": lambda d: d["algorithms"].append(
                {"name": "lasg", "xi": 0.5, "kappa": 2}),
            "per_worker key not an index": lambda d: d.update(
                network={"per_worker": {"x": {"bandwidth": "1Gbps"}}}),
        }
        for what, change in bad.items():
            with self.subTest(what=what):
                self.assertNotEqual(self.errors(with_change(change)), [], what)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
