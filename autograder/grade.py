"""Grade a class: every ``SUBMISSIONS_DIR/<student>/<assignment>.ipynb``, in parallel, resumably.

Each finished submission is saved at once as ``OUT_DIR/results/<student>.json``, keyed by a hash
of the notebook, the assignment's source and hidden tests, and the limits. Running the same grade
again reuses every saved result whose key still matches, so an interrupted batch picks up where it
stopped and a finished one gives the same CSV. The CSVs and feedback are rebuilt from the saved
results at the end.
"""

import hashlib
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from . import paths, report
from .judge import Assignment, Limits, SubmissionResult, TestResult, grade_submission
from .notebooks import UnreadableNotebook, read_file_safely


def find_notebook(student_dir, assignment):
    """Return (path, note): the student's notebook for the assignment, or (None, why not)."""
    exact = student_dir / f"{assignment}.ipynb"
    if student_dir.is_symlink():
        return None, "the submission folder is a link, not a folder: it was not followed"
    if exact.is_file():
        return exact, ""
    nested = student_dir / assignment / f"{assignment}.ipynb"  # nbgrader's submitted/ layout
    if nested.is_file():
        return nested, ""
    candidates = sorted(p for p in student_dir.glob("*.ipynb") if p.is_file())
    if len(candidates) == 1:
        return candidates[0], f"graded '{candidates[0].name}', the only notebook found (expected '{exact.name}')"
    if candidates:
        names = ", ".join(p.name for p in candidates)
        return None, f"no '{exact.name}', and several other notebooks ({names}): rename the right one"
    return None, f"no '{exact.name}' in the submission folder"


def _key(asg, notebook, limits):
    """What a saved result depends on: the assignment (its source, hidden tests and seed, the
    grader's and utils' code), the limits and the notebook's bytes."""
    h = hashlib.sha256()
    h.update(asg.fingerprint.encode())
    h.update(json.dumps(asdict(limits), sort_keys=True).encode())
    if notebook is None:
        h.update(b"<none>")
    else:
        try:
            h.update(read_file_safely(notebook))
        except UnreadableNotebook as exc:
            h.update(f"<unreadable: {exc}>".encode())
    return h.hexdigest()


def _save(path, data):
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)  # atomic: a killed batch leaves whole results or none


def _prepare_mpl_cache(out_dir):
    """Build matplotlib's font cache once, so runners start without rebuilding it."""
    mpl_dir = out_dir / ".cache" / "matplotlib"
    mpl_dir.mkdir(parents=True, exist_ok=True)
    if any(mpl_dir.glob("fontlist-*.json")):
        return str(mpl_dir)
    import subprocess

    env = dict(os.environ, MPLCONFIGDIR=str(mpl_dir), MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(mpl_dir)


def grade_class(assignment, submissions_dir, out_dir, limits=Limits(), jobs=None, seed=0,
                solutions=paths.SOLUTIONS, log=print, gradebook=None):
    """Grade every student folder in ``submissions_dir``; write CSVs and feedback; return results.

    ``gradebook``: an nbgrader SQLite gradebook file to record the scores in as well.
    """
    submissions_dir, out_dir = Path(submissions_dir), Path(out_dir)
    if not submissions_dir.is_dir():
        raise SystemExit(f"submissions folder not found: {submissions_dir}")
    asg = Assignment(assignment, solutions, seed)
    results_dir = out_dir / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    students = sorted(p.name for p in submissions_dir.iterdir()
                      if (p.is_dir() or p.is_symlink()) and not p.name.startswith("."))
    mpl_dir = _prepare_mpl_cache(out_dir)
    jobs = jobs or os.cpu_count() or 1

    results, todo = {}, []
    for student in students:
        notebook, note = find_notebook(submissions_dir / student, assignment)
        key = _key(asg, notebook, limits)
        saved = results_dir / f"{student}.json"
        if saved.exists():
            try:
                data = json.loads(saved.read_text())
                if data.get("key") == key:
                    results[student] = SubmissionResult.from_dict(data["result"])
                    continue
            except (ValueError, KeyError, TypeError):
                pass  # a damaged result is graded again
        todo.append((student, notebook, note, key, saved))

    def work(student, notebook, note, key, saved):
        if notebook is None:
            res = SubmissionResult(student, assignment, "no submission", [
                TestResult(gid, 0.0, pts, "no submission", note) for gid, pts in asg.info.tests.items()], [note])
        else:
            try:
                res = grade_submission(asg, notebook, student, limits, mpl_dir)
            except Exception as exc:  # noqa: BLE001 - a bug of ours must not stop the class
                why = f"{type(exc).__name__}: {exc}"[:500]
                log(f"  the grader failed on {student}'s notebook ({why}); recorded as 'grader error'")
                res = SubmissionResult(student, assignment, "grader error", [
                    TestResult(gid, 0.0, pts, "grader error", "the grader could not judge this test; "
                               "your instructor has been told") for gid, pts in asg.info.tests.items()],
                    [f"The grader failed on this notebook ({why}). This is not your fault; grade it by hand."])
            if note:
                res.notes.insert(0, note)
        _save(saved, {"key": key, "result": res.to_dict()})
        return res

    start = time.monotonic()
    if todo:
        log(f"grading {len(todo)} of {len(students)} submissions of {assignment} on {jobs} workers "
            f"({len(students) - len(todo)} already graded)")
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(work, *item): item[0] for item in todo}
        for done, fut in enumerate(as_completed(futures), 1):
            res = fut.result()
            results[res.student] = res
            log(f"  [{done}/{len(todo)}] {res.student}: {res.score:g}/{res.max_score:g} {res.status} ({res.seconds:.1f} s)")
    # A submission that ran out of time while the others were graded beside it is graded once more,
    # alone, at the end: a busy machine must not cost an honest student points. The second grade
    # counts (a real endless loop times out again, and costs only its own time).
    again = [item for item in todo if jobs > 1 and results[item[0]].status == "timed out"
             and results[item[0]].starved]
    for student, notebook, note, key, saved in again:
        first = results[student]
        res = work(student, notebook, note, key, saved)
        res.notes.insert(0, f"Graded a second time, alone, after a time-out while other notebooks were graded "
                         f"beside it (first: {first.score:g}/{first.max_score:g}).")
        _save(saved, {"key": key, "result": res.to_dict()})
        results[student] = res
        log(f"  again, alone: {student}: {res.score:g}/{res.max_score:g} {res.status} ({res.seconds:.1f} s)")
    elapsed = time.monotonic() - start
    ordered = [results[s] for s in students]
    report.write_all(ordered, asg, out_dir)
    if gradebook:
        from .gradebook import record

        record(ordered, asg, gradebook, solutions)
        log(f"recorded the scores in nbgrader's gradebook {gradebook}")
    log(f"graded in {elapsed:.1f} s; wrote {out_dir / 'grades.csv'}, {out_dir / 'students.csv'} "
        f"and {out_dir / 'feedback'}/")
    return ordered
