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


@pytest.mark.slow
@pytest.mark.parametrize("with_torch", [True, False])
def test_bench_kernels_prints_both_dtypes_and_the_gemm_rate(capsys, monkeypatch, with_torch):
    from autograder import bench_kernels

    if not with_torch:
        monkeypatch.setattr(bench_kernels, "_torch", lambda: None)
    bench_kernels.main(["conv", "--repeats", "1"])
    out = capsys.readouterr().out
    assert "GEMM GFLOP/s" in out
    rows = [line for line in out.splitlines() if line.startswith("conv ")]
    assert len(rows) == 2 and "float64" in rows[0] and "float32" in rows[1]
    if not with_torch:
        assert "PyTorch is not installed" in out
        assert all(row.split()[3] == row.split()[4] == "-" for row in rows), rows  # no torch time, no ratio


def test_bench_kernels_rejects_unknown_names():
    from autograder import bench_kernels

    with pytest.raises(SystemExit):
        bench_kernels.main(["no-such-kernel"])


def test_bench_ctc_prints_its_times():
    from autograder.bench_ctc import bench_ctc

    lines = []
    ours, theirs, ratio = bench_ctc(repeats=1, print_fn=lines.append)
    assert ours > 0 and lines and lines[-1].startswith("utils ")
    assert (theirs is None) == (ratio is None)
