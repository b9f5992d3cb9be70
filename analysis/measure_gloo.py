"""Time real Gloo point-to-point messages (torch.distributed) for `sasgsim calibrate`.

On one machine, over loopback (spawns ranks 0 and 1 itself, a free port on 127.0.0.1):
    python3 analysis/measure_gloo.py --out gloo.csv [--sizes 4KB,64KB,1MB,16MB]
                                     [--repeats 20] [--warmup 3] [--device cpu|cuda]
Across two machines, one rank on each; rank 0 is the receiver (the server), hosts the
rendezvous at HOST:PORT (its own address and a free port) and writes the CSV:
    server$ python3 analysis/measure_gloo.py --rank 0 --world-size 2 --master HOST:PORT \
                --out gloo.csv
    worker$ python3 analysis/measure_gloo.py --rank 1 --world-size 2 --master HOST:PORT
Both ranks must be given the same --sizes, --repeats, --warmup and --device (checked).
Gloo picks its network interface from the host name; set GLOO_SOCKET_IFNAME=eth0 (say) to
choose one. Loopback mode sets GLOO_SOCKET_IFNAME=lo unless it is already set.

Sizes are bytes, plain or with a unit: B, KB/MB/GB (decimal: 1KB = 1000 B) or KiB/MiB/GiB
(binary). The tensors are float32 with bytes/4 elements, so every size must be a multiple of 4.

The CSV has one row per timed repeat (warm-up repeats are not recorded), columns
kind,bytes,repeat,seconds, ordered by kind (rtt, p2p, copy, aggregate), then bytes, then repeat:
  rtt        a 4-byte tensor from rank 0 to rank 1 and back, timed at rank 0. Both receives
             are posted before a barrier, so no ready message is waited for: two one-way
             latencies and a receive cost on each rank (rank 1's turnaround included).
             calibrate takes the receive cost as rtt - (p2p intercept), the latency as
             (p2p intercept) - rtt / 2.
  p2p        per repeat both ranks pass a barrier, then rank 1 sends `bytes` (dist.send) and
             rank 0 receives them (dist.recv), timed at rank 0 from the barrier's return to
             recv's: the receiver's ready message (Gloo's send waits for the posted receive),
             the transfer and the receiver's per-message cost. Tensors sent are host tensors.
  copy       only with --device cuda: the sender's device-to-host copy t.to("cpu") of `bytes`,
             synchronised, timed at rank 1. With --device cpu there are no copy rows: Gloo
             sends CPU tensors in place.
  aggregate  at rank 0, the server's aggregation acc.add_(t) of `bytes` on --device.
A short summary (median per kind and size; p2p goodput in MB/s) goes to stdout, progress to
stderr. Exit codes: 0 ok, 2 bad arguments, 1 a rank failed (its error on stderr).
"""
from __future__ import annotations

import argparse
import csv
import datetime
import os
import re
import socket
import statistics
import sys
import tempfile
import time
import zlib

try:
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp
except ImportError:
    sys.exit("measure_gloo: needs PyTorch (on Debian: apt-get install python3-torch)")

KINDS = ("rtt", "p2p", "copy", "aggregate")
DEFAULT_SIZES = "4KB,64KB,1MB,16MB"
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9,
          "kib": 2**10, "mib": 2**20, "gib": 2**30}


class RankFailed(RuntimeError):
    """A rank of the loopback run raised or died; the message says which and why."""


def parse_size(text: str) -> int:
    """Bytes from "4096", "4KB", "1.5MB", "64KiB"; ValueError unless a positive multiple of 4."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m or m.group(2).lower() not in _UNITS:
        raise ValueError(f"size {text!r}: expected bytes like 4096, 4KB, 1MB, 64KiB")
    value = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if value != int(value) or value <= 0:
        raise ValueError(f"size {text!r}: must be a positive whole number of bytes")
    if int(value) % 4:
        raise ValueError(f"size {text!r} ({int(value)} bytes) is not a multiple of 4: "
                         "the tensor sent is float32, 4 bytes per element")
    return int(value)


def parse_sizes(text: str) -> list[int]:
    """Sorted distinct sizes from a comma-separated list."""
    return sorted({parse_size(s) for s in text.split(",") if s.strip()})


def human(nbytes: int) -> str:
    """4000 -> "4KB", 4096 -> "4KiB", 6 -> "6B"."""
    for unit in ("GB", "GiB", "MB", "MiB", "KB", "KiB"):
        if nbytes % _UNITS[unit.lower()] == 0:
            return f"{nbytes // _UNITS[unit.lower()]}{unit}"
    return f"{nbytes}B"


def parse_args(argv=None) -> argparse.Namespace:
    """The command line, checked; errors exit with status 2 and say what is wrong."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", help="CSV to write (rank 0 / loopback)")
    p.add_argument("--sizes", default=DEFAULT_SIZES, help=f"default {DEFAULT_SIZES}")
    p.add_argument("--repeats", type=int, default=20, help="timed repeats per kind and size")
    p.add_argument("--warmup", type=int, default=3, help="untimed repeats before them")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    p.add_argument("--rank", type=int, choices=(0, 1), help="run one rank (across machines)")
    p.add_argument("--world-size", type=int, default=2)
    p.add_argument("--master", help="HOST:PORT of rank 0's rendezvous (with --rank)")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the peer")
    a = p.parse_args(argv)
    try:
        a.sizes = parse_sizes(a.sizes)
    except ValueError as e:
        p.error(f"--sizes: {e}")
    if not a.sizes:
        p.error("--sizes: no sizes given")
    if a.repeats < 1 or a.warmup < 0 or a.timeout <= 0:
        p.error("--repeats must be >= 1, --warmup >= 0 and --timeout > 0")
    if a.world_size != 2:
        p.error(f"--world-size must be 2 (one sender, one receiver), got {a.world_size}")
    if (a.rank is None) != (a.master is None):
        p.error("--rank and --master go together (omit both for loopback on this machine)")
    if a.master is not None:
        host, _, port = a.master.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            p.error(f"--master must be HOST:PORT, got {a.master!r}")
    if a.rank in (None, 0):
        if not a.out:
            p.error("--out FILE.csv is required (on rank 0)")
        folder = os.path.dirname(os.path.abspath(a.out))
        if not os.path.isdir(folder):
            p.error(f"--out: no directory {folder}")
    if a.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: this PyTorch has no CUDA device (use --device cpu)")
    return a


def clock(fn, device: str = "cpu") -> float:
    """Seconds fn() takes, the device's queued work waited for before and after."""
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    sync()
    t0 = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - t0


def measure(rank: int, args) -> list[tuple]:
    """Both ranks' part of every measurement; rank 0 returns rows (kind, bytes, repeat, s)."""
    rows, n = [], args.warmup + args.repeats

    def record(kind, nbytes, times):
        times = times[args.warmup:]
        rows.extend((kind, nbytes, i, s) for i, s in enumerate(times))
        print(f"measure_gloo: {kind:9s} {human(nbytes):>7s}: {len(times)} repeats, median "
              f"{statistics.median(times) * 1e6:.1f} us", file=sys.stderr, flush=True)

    small, back, times = torch.zeros(1), torch.zeros(1), []
    for _ in range(n):  # receives posted before the barrier: no ready message waited for
        pending = dist.irecv(back if rank == 0 else small, 1 - rank)
        dist.barrier()
        if rank == 0:
            times.append(clock(lambda: (dist.send(small, 1), pending.wait())))
        else:
            pending.wait()
            dist.send(small, 0)
    if rank == 0:
        record("rtt", 4, times)

    for nbytes in args.sizes:
        t, times = torch.ones(nbytes // 4), []
        for _ in range(n):
            dist.barrier()
            if rank == 0:
                times.append(clock(lambda: dist.recv(t, 1)))
            else:
                dist.send(t, 0)
        if rank == 0:
            record("p2p", nbytes, times)

    for nbytes in args.sizes if args.device == "cuda" else []:
        times = torch.empty(n, dtype=torch.float64)
        if rank == 1:
            g = torch.ones(nbytes // 4, device="cuda")
            times = torch.tensor([clock(lambda: g.to("cpu"), "cuda") for _ in range(n)],
                                 dtype=torch.float64)
            dist.send(times, 0)
        else:
            dist.recv(times, 1)
            record("copy", nbytes, times.tolist())

    for nbytes in args.sizes if rank == 0 else []:
        acc = torch.zeros(nbytes // 4, device=args.device)
        t = torch.ones(nbytes // 4, device=args.device)
        record("aggregate", nbytes, [clock(lambda: acc.add_(t), args.device) for _ in range(n)])
    return sorted(rows, key=lambda r: (KINDS.index(r[0]), r[1], r[2]))


def check_same_settings(args) -> None:
    """Both ranks raise if they were started with different measurement settings."""
    digest = zlib.crc32(repr((args.sizes, args.repeats, args.warmup, args.device)).encode())
    mine = torch.tensor([digest], dtype=torch.int64)
    both = [torch.zeros(1, dtype=torch.int64) for _ in range(2)]
    dist.all_gather(both, mine)
    if both[0].item() != both[1].item():
        raise RuntimeError("ranks 0 and 1 were started with different --sizes, --repeats, "
                           "--warmup or --device; give both the same")


def write_csv(path: str, rows: list[tuple]) -> None:
    """The rows as kind,bytes,repeat,seconds, written to a temp file and renamed into place."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".measure_gloo-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(("kind", "bytes", "repeat", "seconds"))
            w.writerows((k, b, i, f"{s:.9g}") for k, b, i, s in rows)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def summary(rows: list[tuple]) -> str:
    """Median seconds per kind and size; p2p's goodput in MB/s (decimal)."""
    groups: dict[tuple, list] = {}
    for kind, nbytes, _, s in rows:
        groups.setdefault((kind, nbytes), []).append(s)
    lines = [f"{'kind':9s} {'bytes':>10s} {'median_s':>11s}  note"]
    for (kind, nbytes), times in groups.items():
        med = statistics.median(times)
        note = f"{nbytes / med / 1e6:.3g} MB/s" if kind == "p2p" else ""
        lines.append(f"{kind:9s} {nbytes:10d} {med:11.3e}  {note}".rstrip())
    return "\n".join(lines)


def rank_main(rank: int, args) -> None:
    """One rank: join the group at args.master, measure, and on rank 0 write and summarise."""
    dist.init_process_group("gloo", init_method=f"tcp://{args.master}", rank=rank,
                            world_size=2, timeout=datetime.timedelta(seconds=args.timeout))
    try:
        check_same_settings(args)
        rows = measure(rank, args)
        if rank == 0:
            write_csv(args.out, rows)
            print(summary(rows), flush=True)
            print(f"measure_gloo: wrote {args.out}", file=sys.stderr)
        dist.barrier()
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_loopback(worker, args) -> None:
    """worker(rank, args) in two local processes; RankFailed if one fails (all are ended)."""
    args.master = f"127.0.0.1:{free_port()}"
    os.environ.setdefault("GLOO_SOCKET_IFNAME", "lo0" if sys.platform == "darwin" else "lo")
    method = "spawn" if args.device == "cuda" else "fork"  # a forked child cannot use CUDA
    ctx = mp.start_processes(worker, args=(args,), nprocs=2, join=False, start_method=method)
    try:
        while not ctx.join():
            pass
    except (mp.ProcessRaisedException, mp.ProcessExitedException) as e:
        raise RankFailed(f"rank {e.error_index} failed: {str(e).strip()}") from None
    finally:
        for p in ctx.processes:
            if p.is_alive():
                p.terminate()
            p.join()


def main(argv=None) -> int:
    """The command line: one rank, or both over loopback; the exit status."""
    args = parse_args(argv)
    if args.rank is not None:
        rank_main(args.rank, args)
        return 0
    try:
        launch_loopback(rank_main, args)
    except RankFailed as e:
        print(f"measure_gloo: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
