"""The visible tests catch the mistakes students really make, before they submit.

Each wrong version in ``solutions/<a>/wrong_versions.py`` is put in place of its function, beside
the reference's other functions, and the notebook's visible test cells are run on it in this
process: at least one of them must fail. (``test_grading.py`` checks the same versions against the
hidden tests, which decide the grade.) A mistake that only the hidden tests can see is listed in
``HIDDEN_ONLY`` with the reason.
"""

import contextlib
import io
import warnings

import matplotlib
import pytest

from autograder import notebooks, paths
from autograder.judge import code_namespace
from autograder.samples import load_wrong_versions

matplotlib.use("Agg")

ASSIGNMENTS = paths.assignment_names()

HIDDEN_ONLY = {
    ("04_perceptron", "perceptron_train", "a new generator every epoch: the same order each time"):
        "a visible test would need the reference's mistake counts for the seed; the hidden test compares "
        "them, and the visible one checks convergence, which this version still reaches",
}


def _visible_tests(source_nb):
    return [(notebooks.nbgrader_meta(c)["grade_id"], c.source) for c in source_nb.cells
            if c.cell_type == "code" and notebooks.nbgrader_meta(c).get("grade")]


def _failing_visible_tests(name, info, tests, replacements=None):
    failed = []
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ns = code_namespace(info, name, replacements)
        ns["__name__"] = "__main__"
        for gid, source in tests:
            try:
                exec(source, ns)
            except Exception:  # noqa: BLE001 - a failing visible test raises anything
                failed.append(gid)
    return failed


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_wrong_version_fails_a_visible_test(name):
    source_nb = notebooks.read_source(paths.source_path(name))
    info, tests = notebooks.source_info(source_nb), _visible_tests(source_nb)
    assert _failing_visible_tests(name, info, tests) == [], "the reference fails a visible test"
    unseen = []
    for function, versions in load_wrong_versions(name).items():
        for label, code in versions:
            if not _failing_visible_tests(name, info, tests, {function: code}) and (
                    (name, function, label) not in HIDDEN_ONLY):
                unseen.append(f"{function}: {label}")
    assert not unseen, f"{name}: wrong versions that pass every visible test: {unseen}"


def test_hidden_only_entries_still_exist():
    """An entry whose wrong version was renamed or removed must go too."""
    for name, function, label in HIDDEN_ONLY:
        labels = [lab for lab, _ in load_wrong_versions(name).get(function, [])]
        assert label in labels, f"HIDDEN_ONLY names a wrong version that no longer exists: {name} {function} {label}"
