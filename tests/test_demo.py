"""`make demo`'s sample students get exactly their expected scores, in every assignment."""

import pytest

from autograder import paths
from autograder.grade import grade_class
from autograder.judge import Assignment
from autograder.samples import write_class

ASSIGNMENTS = paths.assignment_names()


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_demo_samples_get_their_expected_scores(name, tmp_path):
    asg = Assignment(name)
    expected = write_class(asg, tmp_path / "subs")
    results = grade_class(name, tmp_path / "subs", tmp_path / "out", log=lambda *a: None)
    got = {r.student: r.score for r in results}
    assert got == {s: e for s, (e, _) in expected.items()}
    status = {r.student: r.status for r in results}
    assert status["ada_complete"] == "graded" and status["eve_crashes"] == "crashed"
    assert status["fay_unreadable"] == "unreadable notebook"
