"""assignments/ is generated from solutions/, in sync, and carries no solution or hidden test."""

import json
import shutil

import pytest

from autograder import notebooks, paths
from autograder.release import release_one

ASSIGNMENTS = paths.assignment_names()


def test_course_has_assignments():
    assert ASSIGNMENTS, "no assignment sources found in solutions/"


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """Release every assignment from a copy of solutions/ into a scratch folder."""
    root = tmp_path_factory.mktemp("release")
    shutil.copytree(paths.SOLUTIONS, root / "solutions", ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    for name in ASSIGNMENTS:
        release_one(name, root / "solutions", root / "assignments", write_source_ipynb=False)
    return root / "assignments"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_assignments_in_sync_with_solutions(fresh_release, name):
    committed = paths.ASSIGNMENTS / name
    fresh = fresh_release / name
    assert committed.is_dir(), f"{committed} is missing: run `python -m autograder release`"
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for f in fresh.iterdir():
        assert (committed / f.name).read_bytes() == f.read_bytes(), (
            f"assignments/{name}/{f.name} is stale: run `python -m autograder release` and commit it")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_has_no_solution_code_or_hidden_tests(fresh_release, name):
    files = sorted(p.name for p in (fresh_release / name).iterdir())
    assert files == [f"{name}.ipynb"] or all(not f.endswith(".py") for f in files), files
    nb = json.loads((fresh_release / name / f"{name}.ipynb").read_text())
    text = json.dumps(nb)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN", "hidden_tests"):
        assert marker not in text, f"the release of {name} contains {marker!r}"
    source = notebooks.source_info(notebooks.read_source(paths.source_path(name)))
    for cell in nb["cells"]:
        meta = notebooks.nbgrader_meta(cell)
        if meta.get("solution") and cell["cell_type"] == "code":
            body = notebooks.cell_source(cell)
            assert "raise NotImplementedError()" in body, f"{meta['grade_id']} is not a stub"
            ref_body = source.solution_code[meta["grade_id"]]
            inside = ref_body.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            for line in inside.strip().splitlines():
                if len(line.strip()) > 12:
                    assert line not in body, f"solution line leaked into the release: {line!r}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_has_no_outputs(name):
    nb = json.loads((paths.ASSIGNMENTS / name / f"{name}.ipynb").read_text())
    assert all(not c.get("outputs") for c in nb["cells"])


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_follows_conventions(name):
    nb = notebooks.read_source(paths.source_path(name))
    info = notebooks.source_info(nb)
    assert 4 <= len(info.tests) <= 12, f"{name} has {len(info.tests)} graded tests"
    assert "utils.losses" not in info.setup_code or name != "01_softmax"
    for gid, code in info.solution_code.items():
        assert "### BEGIN SOLUTION" in code and "### END SOLUTION" in code, gid
        assert code.lstrip().startswith(("def ", "class ", "import ", "from ")), f"{gid}: code before the def"
