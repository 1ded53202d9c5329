"""Shared fixtures: one graded class per assignment, built once per test session."""

import json
from pathlib import Path

import pytest

from autograder import paths
from autograder.grade import grade_class
from autograder.judge import Assignment, Limits
from autograder.samples import load_wrong_versions, released_notebook, with_cells

ASSIGNMENTS = paths.assignment_names()


class _GradedClasses:
    """Grade, per assignment and on first use, the reference, the stub and every wrong version.

    ``graded_class[name]`` is (Assignment, {student: SubmissionResult},
    {student: (function, wrong version's name)}, the class's folder).
    """

    def __init__(self, tmp_path_factory):
        self._tmp, self._done = tmp_path_factory, {}

    def __getitem__(self, name):
        if name not in self._done:
            self._done[name] = self._grade(name)
        return self._done[name]

    def _grade(self, name):
        asg = Assignment(name)
        root = self._tmp.mktemp(f"class-{name}")
        subs = root / "submissions"
        released = released_notebook(name)
        notebooks = {"reference": with_cells(released, asg.info.solution_code), "stub": released}
        wrong_index = {}
        for function, versions in load_wrong_versions(name).items():
            for i, (what, code) in enumerate(versions):
                student = f"wrong_{function}_{i}"
                notebooks[student] = with_cells(released, dict(asg.info.solution_code, **{function: code}))
                wrong_index[student] = (function, what)
        for student, nb in notebooks.items():
            (subs / student).mkdir(parents=True)
            (subs / student / f"{name}.ipynb").write_text(json.dumps(nb))
        results = grade_class(name, subs, root / "out", Limits(test_seconds=20), log=lambda *a: None)
        return asg, {r.student: r for r in results}, wrong_index, root


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory):
    """Graded classes of every assignment, each graded once per test process when first asked for."""
    return _GradedClasses(tmp_path_factory)
