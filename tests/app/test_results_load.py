"""Runs a tiny synthetic scenario through build/sasgsim and loads it with analysis/results.py."""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root))
from analysis.results import load_run  # noqa: E402

binary = Path(sys.argv[1])
with tempfile.TemporaryDirectory() as tmp:
    scenario = {
        "name": "pandas_load", "seed": 3, "device": "cpu", "workers": 2,
        "data": {"dataset": "synthetic", "batch_size": 4,
                 "synthetic": {"train_size": 64, "test_size": 16, "classes": 2, "shape": [1, 4, 4]}},
        "model": "fc512",
        "train": {"iterations": 12, "lr": 0.05, "eval_every": 4},
        "algorithms": ["sgd", "sasg"],
    }
    path = Path(tmp) / "s.json"
    path.write_text(json.dumps(scenario))
    out = Path(tmp) / "out"
    subprocess.run([str(binary), "run", str(path), "-q", "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    run = load_run(out)
    assert list(run.summaries["algorithm"]) == ["sgd", "sasg"], run.summaries
    assert len(run.metrics) == 6, run.metrics  # 3 evaluations x 2 algorithms
    assert run.metrics["test_acc"].between(0, 100).all()
    final_rounds = run.metrics.groupby("algorithm")["rounds"].max()
    summary_rounds = run.summaries.set_index("algorithm")["rounds"]
    assert final_rounds.sort_index().equals(summary_rounds.sort_index()), (final_rounds, summary_rounds)
    assert int(run.uploads["sgd"].shape[0]) == 12 * 2
    # Every worker-iteration is an upload or a skip, as summary.json counts them.
    for alg in ("sgd", "sasg"):
        summary = run.summaries.set_index("algorithm").loc[alg]
        assert len(run.skips[alg]) == summary["skipped"], (alg, run.skips[alg])
        assert len(run.uploads[alg]) + len(run.skips[alg]) == 12 * 2, alg
        assert list(run.skips[alg].columns) == ["iteration", "worker", "computed_s"]
    for alg, frame in run.metrics.groupby("algorithm"):
        assert frame["comm_time_s"].is_monotonic_increasing, alg
print("1 passed, 0 failed")
