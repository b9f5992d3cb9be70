"""Unit strings in ns-3's grammar ("100Mbps", "0.1ms") to numbers, and numbers to readable text.

    parse_rate_bps("100Mbps") -> 1e8        format_rate(1e8) -> "100 Mbps"
    parse_time_s("0.1ms")     -> 1e-4       format_time(1e-4) -> "100 µs"
"""
from __future__ import annotations

import math
import re

_NUMBER = r"([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"

# ns-3 DataRate: bit units "bps"/"b/s", byte units "Bps"/"B/s", SI prefixes k/K, M, G, T and
# binary ones Ki, Mi, Gi, Ti.
_RATE = re.compile(_NUMBER + r"\s*([kKMGT]i?)?(bps|b/s|Bps|B/s)")
_RATE_PREFIX = {None: 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
                "ki": 1024.0, "Ki": 1024.0, "Mi": 1024.0 ** 2, "Gi": 1024.0 ** 3, "Ti": 1024.0 ** 4}

# ns-3 Time units.
_TIME = re.compile(_NUMBER + r"\s*(s|ms|us|µs|ns|ps|fs|min|h|d)")
# unit -> (multiplier, divisor); dividing keeps "5us" == 5e-6 exactly
_TIME_UNIT = {"s": (1.0, 1.0), "ms": (1.0, 1e3), "us": (1.0, 1e6), "µs": (1.0, 1e6),
              "ns": (1.0, 1e9), "ps": (1.0, 1e12), "fs": (1.0, 1e15), "min": (60.0, 1.0),
              "h": (3600.0, 1.0), "d": (86400.0, 1.0)}


def parse_rate_bps(text) -> float:
    """Bits per second from "10Mbps", "1Gb/s", "125MBps"; ValueError otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    m = _RATE.fullmatch(str(text).strip())
    if not m:
        raise ValueError(f"expected a rate like \"100Mbps\", got {text!r}")
    value = float(m.group(1)) * _RATE_PREFIX[m.group(2)]
    return value * 8.0 if m.group(3).startswith("B") else value


def parse_time_s(text) -> float:
    """Seconds from "0.1ms", "5us", "2s"; ValueError otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    m = _TIME.fullmatch(str(text).strip())
    if not m:
        raise ValueError(f"expected a time like \"1ms\", got {text!r}")
    mul, div = _TIME_UNIT[m.group(2)]
    return float(m.group(1)) * mul / div


def _trim(value: float) -> str:
    return f"{value:.3g}"


def format_rate(bps: float) -> str:
    for scale, unit in ((1e12, "Tbps"), (1e9, "Gbps"), (1e6, "Mbps"), (1e3, "kbps")):
        if abs(bps) >= scale:
            return f"{_trim(bps / scale)} {unit}"
    return f"{_trim(bps)} bps"


def format_time(seconds: float) -> str:
    if seconds == 0:
        return "0 s"
    for scale, unit in ((3600.0, "h"), (60.0, "min"), (1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if abs(seconds) >= scale:
            return f"{_trim(seconds / scale)} {unit}"
    return f"{_trim(seconds / 1e-9)} ns"


def format_bytes(n: float) -> str:
    """Binary units: 1536 -> "1.5 KiB"."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "n/a"
    for scale, unit in ((1024.0 ** 4, "TiB"), (1024.0 ** 3, "GiB"), (1024.0 ** 2, "MiB"),
                        (1024.0, "KiB")):
        if abs(n) >= scale:
            return f"{_trim(n / scale)} {unit}"
    return f"{_trim(n)} B"
