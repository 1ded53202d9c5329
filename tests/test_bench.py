"""The benchmarks run and print their figures (what they measure is not asserted: it would flake)."""

import sys

import pytest

from autograder import bench_notebooks


@pytest.mark.slow
def test_bench_notebooks_prints_time_and_peak_memory(capsys, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    bench_notebooks.main(["01_softmax"])
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("01_softmax"))
    load, seconds, peak = row.split()[1:]
    assert float(seconds) > 0
    if sys.platform.startswith("linux"):
        assert 10 < float(peak) < 4096, f"implausible peak memory {peak} MiB"


def test_bench_ctc_prints_its_times():
    from autograder.bench_ctc import bench_ctc

    lines = []
    ours, theirs, ratio = bench_ctc(repeats=1, print_fn=lines.append)
    assert ours > 0 and lines and lines[-1].startswith("utils ")
    assert (theirs is None) == (ratio is None)
