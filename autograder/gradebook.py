"""Record grades in nbgrader's gradebook (SQLite by default), so nbgrader's own tools see them.

After ``grade --gradebook``, ``nbgrader export`` lists the scores and the formgrader shows them
beside the written answers still to be graded by hand. Re-recording a student replaces their
autograded scores and keeps nothing stale; manual grades of written answers are left as they are.
"""

import tempfile
import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import paths


def db_url_for(path):
    """The SQLAlchemy URL of a SQLite gradebook file."""
    return f"sqlite:///{Path(path).resolve()}"


def _ensure_assignment(gb, asg, db_url, solutions):
    """Add the assignment's notebook and cells to the gradebook, as nbgrader's release does."""
    try:
        gb.find_notebook(asg.name, asg.name)
        return
    except MissingEntry:
        pass
    from .release import release_one

    with tempfile.TemporaryDirectory(prefix="gradebook-") as tmp:
        release_one(asg.name, solutions, Path(tmp), write_source_ipynb=False, db_url=db_url)


def record(results, asg, db_path, solutions=paths.SOLUTIONS):
    """Write each student's autograded test scores into the gradebook at ``db_path``."""
    paths.put_python_scripts_on_path()
    db_url = db_url_for(db_path)
    with Gradebook(db_url) as gb:
        _ensure_assignment(gb, asg, db_url, solutions)
    with Gradebook(db_url) as gb:
        for r in results:
            gb.update_or_create_student(r.student)
            try:
                gb.find_submission(asg.name, r.student)
            except MissingEntry:
                with warnings.catch_warnings():  # SQLAlchemy chatter inside nbgrader
                    warnings.simplefilter("ignore")
                    gb.add_submission(asg.name, r.student)
            for t in r.tests:
                grade = gb.find_grade(t.test, asg.name, asg.name, r.student)
                grade.auto_score = t.points
                grade.needs_manual_grade = False
            gb.db.commit()
