"""Where things live in the course folder."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
ASSIGNMENTS = ROOT / "assignments"

SOURCE_SUFFIX = ".py"  # solutions/<a>/<a>.py, jupytext py:percent
HIDDEN_TESTS = "hidden_tests.py"  # solutions/<a>/hidden_tests.py
WRONG_VERSIONS = "wrong_versions.py"  # solutions/<a>/wrong_versions.py


SECRET_ENV = "GRADING_SECRET"  # the course's secret for drawing hidden inputs, or ...
SECRET_FILE = ROOT / "grading_secret.txt"  # ... this file's first line (git-ignored)


def grading_seed():
    """The seed of the hidden inputs: drawn from the course's secret when the instructor set one
    (``$GRADING_SECRET``, or ``grading_secret.txt`` in the course folder), so students cannot
    learn a course's inputs from feedback and replay them; 0 otherwise, so a self-learner's
    ``check`` gives the same verdicts on every run."""
    import hashlib

    secret = os.environ.get(SECRET_ENV, "")
    if not secret and SECRET_FILE.is_file():
        lines = SECRET_FILE.read_text(encoding="utf-8", errors="replace").splitlines()
        secret = lines[0].strip() if lines else ""
    if not secret:
        return 0
    return int.from_bytes(hashlib.sha256(secret.encode()).digest()[:8], "little")


def assignment_names(solutions=SOLUTIONS):
    """Return the assignments that have a source notebook, in course order."""
    solutions = Path(solutions)
    return sorted(
        p.name for p in solutions.iterdir()
        if p.is_dir() and (p / f"{p.name}{SOURCE_SUFFIX}").exists()
    )


def source_path(assignment, solutions=SOLUTIONS):
    """Return the path of an assignment's source notebook, or raise a clear error."""
    path = Path(solutions) / assignment / f"{assignment}{SOURCE_SUFFIX}"
    if not path.exists():
        known = ", ".join(assignment_names(solutions)) or "none"
        raise SystemExit(f"no assignment '{assignment}': expected {path} (known: {known})")
    return path


def put_python_scripts_on_path():
    """Put this Python's scripts folder on PATH: nbgrader's gradebook shells out to `alembic`."""
    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
