"""Each solution notebook runs top to bottom from a fresh kernel, passing its visible tests."""

import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import notebooks, paths

ASSIGNMENTS = paths.assignment_names()


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_solution_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.from_dict(notebooks.read_source(paths.source_path(name)))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    start = time.monotonic()
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any failure
    elapsed = time.monotonic() - start
    passed = sum("passed" in "".join(o.get("text", "") for o in c.get("outputs", []))
                 for c in nb.cells if notebooks.nbgrader_meta(c).get("grade"))
    n_tests = sum(1 for c in nb.cells if notebooks.nbgrader_meta(c).get("grade") and c.cell_type == "code")
    assert passed == n_tests, f"{passed} of {n_tests} visible test cells printed 'passed'"
    print(f"{name} ran in {elapsed:.1f} s")


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_released_stub_stops_at_not_implemented_error_everywhere(name, tmp_path):
    """A student running the untouched notebook sees NotImplementedError, not a confusing error or a
    half-drawn figure, in every test cell and every experiment that needs their code."""
    nb = nbformat.read(paths.ASSIGNMENTS / name / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    for cell in nb.cells:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("grade") and cell.cell_type == "code":
            errors = [o for o in cell.outputs if o.output_type == "error"]
            assert errors, f"{meta['grade_id']} passed on the untouched stub"
            assert errors[0].ename == "NotImplementedError", (
                f"{meta['grade_id']} failed with {errors[0].ename} on the stub, not NotImplementedError")
    # experiments either run, or stop at a NotImplementedError that says what to write first,
    # before drawing anything: never a NameError, a KeyError or an empty figure
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if cell.cell_type != "code" or not errors:
            continue
        where = notebooks.nbgrader_meta(cell).get("grade_id") or f"code cell {i}: {cell.source[:60]!r}"
        assert errors[0].ename == "NotImplementedError", (
            f"{where} failed with {errors[0].ename}: {errors[0].evalue[:200]}")
        figures = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert not figures, f"{where} drew a figure and then failed on the stub"
