"""Scores recorded in nbgrader's gradebook match the grades, and recording again replaces them."""

from nbgrader.api import Gradebook

from autograder.gradebook import db_url_for, record
from autograder.judge import Assignment, SubmissionResult, TestResult


def _result(asg, student, passed):
    tests = [TestResult(gid, pts if gid in passed else 0.0, pts, "passed" if gid in passed else "failed")
             for gid, pts in asg.info.tests.items()]
    return SubmissionResult(student, asg.name, "graded", tests)


def test_record_writes_scores_nbgrader_can_read(tmp_path):
    asg = Assignment("01_softmax")
    gids = list(asg.info.tests)
    db = tmp_path / "gradebook.db"
    results = [_result(asg, "amy", set(gids)), _result(asg, "bob", {gids[0]})]
    record(results, asg, db)
    with Gradebook(db_url_for(db)) as gb:
        amy = gb.find_submission(asg.name, "amy")
        bob = gb.find_submission(asg.name, "bob")
        assert amy.score == sum(asg.info.tests.values())
        assert bob.score == asg.info.tests[gids[0]]
        # written answers still wait for a human
        assert amy.needs_manual_grade == bool(asg.info.manual)


def test_record_again_replaces_autograded_scores(tmp_path):
    asg = Assignment("01_softmax")
    gids = list(asg.info.tests)
    db = tmp_path / "gradebook.db"
    record([_result(asg, "amy", set(gids))], asg, db)
    record([_result(asg, "amy", set())], asg, db)
    with Gradebook(db_url_for(db)) as gb:
        assert gb.find_submission(asg.name, "amy").score == 0
        assert len(gb.students) == 1
