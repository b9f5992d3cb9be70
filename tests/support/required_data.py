"""The Python side of tests/support/RequiredData.h: a test whose input (a data file, the
sasgsim binary) is missing skips, except with SASGSIM_REQUIRE_DATA=1 (scripts/test.sh, and so
CI), where it fails, so that a suite cannot pass by skipping what it was meant to check.
"""
from __future__ import annotations

import os
import unittest


def data_required() -> bool:
    return os.environ.get("SASGSIM_REQUIRE_DATA") == "1"


def skip_without(test: unittest.TestCase, reason: str) -> None:
    """Ends `test` for a missing input: a skip, or a failure under SASGSIM_REQUIRE_DATA=1."""
    if data_required():
        test.fail(f"{reason} (SASGSIM_REQUIRE_DATA=1: a missing input fails the test)")
    test.skipTest(reason)
