"""Generate the student notebooks in ``assignments/`` from the sources in ``solutions/``.

For each assignment: read ``solutions/<a>/<a>.py`` (jupytext py:percent), write it as
``solutions/<a>/<a>.ipynb`` (git-ignored, so plain ``nbgrader`` commands work in the course
folder), run nbgrader's own ``generate_assignment`` preprocessors on it in a scratch course folder,
and write the result to ``assignments/<a>/<a>.ipynb`` with sorted keys and no outputs. Python files
in ``solutions/<a>/`` (the source, hidden tests, wrong versions) are never copied.
"""

import json
import shutil
import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from . import notebooks, paths

# files in solutions/<a>/ that never reach students
PRIVATE_PATTERNS = ["*.py", "*.ipynb", "__pycache__", ".ipynb_checkpoints", "*.pyc"]


def _nbgrader_release(assignment, source_nb, extra_files, scratch, db_url=None):
    """Run nbgrader's generate_assignment on one notebook in a scratch course; return the result.

    The assignment's cells are recorded in the gradebook at ``db_url`` (a scratch one by default).
    """
    src_dir = scratch / "source" / assignment
    src_dir.mkdir(parents=True)
    notebooks.write_notebook(source_nb, src_dir / f"{assignment}.ipynb")
    for f in extra_files:
        shutil.copy2(f, src_dir / f.name)
    paths.put_python_scripts_on_path()
    config = Config()
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.db_url = db_url or f"sqlite:///{scratch / 'gradebook.db'}"
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise RuntimeError(f"nbgrader could not release {assignment}:\n{result.get('error') or result.get('log')}")
    return scratch / "release" / assignment


def release_one(assignment, solutions=paths.SOLUTIONS, out=paths.ASSIGNMENTS, write_source_ipynb=True,
                db_url=None):
    """Release one assignment into ``out/<assignment>/``; return the written notebook's path.

    ``db_url``: the nbgrader gradebook to record the assignment in (default: a scratch one).
    """
    source = paths.source_path(assignment, solutions)
    nb = notebooks.read_source(source)
    notebooks.source_info(nb)  # fail early, with a clear message, on a broken source
    if write_source_ipynb:
        notebooks.write_notebook(nb, source.with_suffix(".ipynb"))
    extra = [p for p in source.parent.iterdir()
             if p.is_file() and not any(p.match(pat) for pat in PRIVATE_PATTERNS)]
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        released = _nbgrader_release(assignment, nb, extra, Path(tmp), db_url)
        target = Path(out) / assignment
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for f in sorted(released.iterdir()):
            if f.suffix == ".ipynb":
                student_nb = json.loads(f.read_text())
                for cell in student_nb["cells"]:
                    if cell["cell_type"] == "code":
                        cell["outputs"], cell["execution_count"] = [], None
                notebooks.write_notebook(student_nb, target / f.name)
            elif f.is_file():
                shutil.copy2(f, target / f.name)
    return target / f"{assignment}.ipynb"


def release(assignments=None, solutions=paths.SOLUTIONS, out=paths.ASSIGNMENTS, write_source_ipynb=True,
            db_url=None):
    """Release the named assignments (all of them by default); return the notebooks written."""
    names = assignments or paths.assignment_names(solutions)
    return [release_one(a, solutions, out, write_source_ipynb, db_url) for a in names]
