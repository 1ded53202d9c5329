"""Benchmark: how long each solution notebook takes to run top to bottom from a fresh kernel.

``python -m autograder.bench_notebooks [NAME ...]`` (``make bench-notebooks``) executes each
source notebook in ``solutions/`` in a scratch folder, one after another, and prints its wall-clock
time with the machine's load average before it started (a busy machine can double the times).
The course's target is about a minute on 2 cores. It prints; it asserts nothing (a timed test would
flake on a busy machine).
"""

import argparse
import os
import tempfile
import time

import nbformat
from nbclient import NotebookClient

from . import notebooks, paths


PEAK_PROBE = """\
import re as _re
try:
    print("VmHWM", _re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
except Exception:
    pass
"""  # run in the kernel after the notebook: its peak resident memory, in kB (Linux only)


def run_one(name):
    """Execute the source notebook of ``name`` from a fresh kernel; return (seconds, peak MiB or None)."""
    nb = nbformat.from_dict(notebooks.read_source(paths.source_path(name)))
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_PROBE))
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": tmp}})
        start = time.perf_counter()
        client.execute()  # raises CellExecutionError, naming the cell, if the notebook fails
        seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []))
    peak = int(text.split()[1]) / 1024 if text.startswith("VmHWM") else None
    return seconds, peak


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.bench_notebooks", description=__doc__)
    p.add_argument("names", nargs="*", help="assignments to run (default: all)")
    args = p.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    names = args.names or paths.assignment_names()
    print(f"machine: {os.cpu_count()} cores")
    print(f"{'notebook':<20}{'load before':>12}{'seconds':>10}{'peak MiB':>10}")
    total = 0.0
    for name in names:
        load = os.getloadavg()[0]
        seconds, peak = run_one(name)
        total += seconds
        peak_text = f"{peak:.0f}" if peak is not None else "?"
        print(f"{name:<20}{load:>12.1f}{seconds:>10.1f}{peak_text:>10}", flush=True)
    print(f"{'all':<20}{'':>12}{total:>10.1f}")


if __name__ == "__main__":
    main()
