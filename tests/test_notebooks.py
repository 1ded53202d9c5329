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
def test_released_stub_fails_each_visible_test_with_not_implemented(name, tmp_path):
    """A student running the untouched notebook sees NotImplementedError, not a confusing error."""
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
