"""The graded tests of every assignment: the reference earns all, the stub nothing, and each
wrong version loses the points of every test that calls the function it gets wrong."""

import csv

import pytest

from conftest import ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_reference_scores_full_marks(graded_class, name):
    asg, results, _, _ = graded_class[name]
    r = results["reference"]
    failed = [(t.test, t.status, t.message) for t in r.tests if t.status != "passed"]
    assert not failed, f"the reference solution failed hidden tests: {failed}"
    assert r.score == r.max_score == sum(asg.info.tests.values())
    assert r.status == "graded"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_untouched_stub_scores_zero(graded_class, name):
    _, results, _, _ = graded_class[name]
    r = results["stub"]
    assert r.score == 0, [(t.test, t.points) for t in r.tests]
    assert {t.status for t in r.tests} == {"error"}, [(t.test, t.status) for t in r.tests]
    assert all("not written yet" in t.message for t in r.tests)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_wrong_version_loses_points(graded_class, name):
    asg, results, wrong_index, _ = graded_class[name]
    assert wrong_index, "no wrong versions: the hidden tests have not been shown to fail"
    full = sum(asg.info.tests.values())
    for student, (function, what) in wrong_index.items():
        r = results[student]
        assert r.score < full, f"wrong version of {function} ({what}) kept full marks"
        # tests that never call the function keep their points: no collateral damage
        for t in r.tests:
            calls = {f for c in asg.cases[t.test] for f in c.functions}
            if function not in calls:
                assert t.status == "passed", f"{what}: {t.test} does not call {function} but lost points"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_each_function_has_three_wrong_versions(graded_class, name):
    asg, _, wrong_index, _ = graded_class[name]
    for function in asg.info.solution_code:
        count = sum(1 for f, _ in wrong_index.values() if f == function)
        assert count >= 3, f"{function} has {count} wrong versions; write at least 3"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grades_csv_has_a_row_per_student_per_test(graded_class, name):
    asg, results, _, root = graded_class[name]
    with open(root / "out" / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["student", "assignment", "test", "points", "max_points", "status"]
    assert len(rows) == len(results) * len(asg.info.tests)
    ref = [r for r in rows if r["student"] == "reference"]
    assert all(r["points"] == r["max_points"] and r["status"] == "passed" for r in ref)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_feedback_hides_hidden_tests(graded_class, name):
    from autograder import paths

    _, results, _, root = graded_class[name]
    pages = list((root / "out" / "feedback").glob("*/*.html"))
    assert len(pages) == len(results)
    hidden = (paths.SOLUTIONS / name / paths.HIDDEN_TESTS).read_text()
    code_lines = [ln.strip() for ln in hidden.splitlines() if "call(" in ln and len(ln.strip()) > 25]
    assert code_lines
    for page in pages:
        text = page.read_text()
        for marker in ("hidden_tests", "judge.py", "runner.py", "autograder/", "Traceback (most recent"):
            assert marker not in text, f"{page} mentions {marker!r}"
        for ln in code_lines:
            assert ln not in text, f"{page} shows hidden test code: {ln}"
