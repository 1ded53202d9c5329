"""Red team: a class of attack submissions for 01_softmax, graded once, one test per outcome.

The module grades, in one parallel batch with ``grade_class``, honest controls (the plain
reference) beside students whose notebooks attack the grader: stealing the reference, forging
grades, lying to the comparison, hanging, crashing, flooding, damaging the notebook, delegating to
``utils``, talking over the protocol, probing the runner. For every attacker it asserts that
(a) it earns exactly (or at most) what its honest code earns, (b) the honest controls are
untouched, (c) the batch finishes, (d) its status says what happened and (e) no instructor file,
decoy, other student's result or submission changed.

Submissions that make the *judge itself* raise cannot share the main batch (the batch would stop
and every test would error), so each of them is graded in a batch of its own beside one honest
control. A last small class checks that re-grading is idempotent and that a killed batch resumes.

Everything is graded once per run, even under ``pytest -n``: the first xdist worker to need it
grades under a file lock and leaves a JSON report for the others.

The submissions themselves are in ``redteam_class.py``.

Known failures are marked ``xfail(strict=True)`` with the reason; the assertion stays the correct
outcome, so a fix turns them into XPASS (a failure under strict) and the mark must then go.
"""

import csv
import fcntl
import hashlib
import json
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from redteam_class import (BOMB_BYTES, CRASHERS, FUNCTIONS, JOBS, LIMITS, MAIN, MAIN_JOBS, NAME, REPO, SITE,
                           SOLUTION_DIR, TAMPER, UNREADABLE, XFAIL, Ctx, Sub, _tests_calling, asg,
                           partial_correct)

from autograder import grade as grade_module
from autograder import paths
from autograder.grade import grade_class
from autograder.gradebook import db_url_for, record
from autograder.judge import SubmissionResult
from autograder.judge import TestResult as _TestResult
from autograder.report import safe_cell
from autograder.samples import expected_score, load_wrong_versions, released_notebook

pytestmark = pytest.mark.slow


# ------------------------------------------------------------------------------------------------
# grading, once
# ------------------------------------------------------------------------------------------------

def _hash(path):
    st = path.stat()
    return [hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size, st.st_mode]


def _snapshot(roots):
    snap = {}
    for root in roots:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for p in files:
            if "__pycache__" not in p.parts:
                snap[str(p)] = _hash(p)
    return snap


def _marker_hits(mark, out):
    """Files outside the graded results that contain the marker or are named after it."""
    hits = []
    skip = {".venv", ".git", ".pytest_cache", "__pycache__"}
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames:
            p = Path(dirpath) / name
            if mark in name:
                hits.append(str(p))
            elif p.stat().st_size < 5_000_000 and mark.encode() in p.read_bytes():
                hits.append(str(p))
    hits += [str(p) for p in SITE.iterdir() if mark in p.name]
    hits += [str(p) for p in (REPO / "utils" / "__pycache__").glob(f"*{mark}*")]
    hits += [str(p) for p in Path(out).rglob(f"*{mark}*")]
    return hits


def _write_class(ctx, subs_dir, students):
    for student, sub in students.items():
        d = subs_dir / student
        d.mkdir(parents=True, exist_ok=True)
        built = sub.build(ctx)
        text = built if isinstance(built, str) else json.dumps(built, indent=1)
        (d / f"{NAME}.ipynb").write_text(text)


def _read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _grade(subs_dir, out_dir, jobs=JOBS, gradebook=None):
    logs = []
    t0 = time.monotonic()
    try:
        results = grade_class(NAME, subs_dir, out_dir, LIMITS, jobs=jobs, log=logs.append, gradebook=gradebook)
        error = None
        results = {r.student: r.to_dict() for r in results}
    except BaseException as exc:  # noqa: BLE001 - a crashing judge is an outcome to test
        error, results = f"{type(exc).__name__}: {exc}", None
    return {"error": error, "results": results, "logs": logs, "seconds": time.monotonic() - t0}


def _digest(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def _saved_results(out_dir, digest=False):
    """{student: the result saved in out_dir/results} (or its digest), None when unreadable."""
    saved = {}
    for p in sorted((Path(out_dir) / "results").glob("*.json")):
        try:
            data = json.loads(p.read_text())
            saved[p.stem] = _digest(data.get("result")) if digest else data.get("result")
        except (ValueError, AttributeError):
            saved[p.stem] = None
    return saved


def _crash_batch(ctx, root, name):
    subs, out = root / name / "submissions", root / name / "out"
    _write_class(ctx, subs, {"honest": MAIN["honest_a"], name: CRASHERS[name]})
    report = _grade(subs, out)
    report["saved"] = _saved_results(out)
    report["students_csv"] = _read_csv(out / "students.csv") if (out / "students.csv").exists() else None
    page = out / "feedback" / name / f"{NAME}.html"
    report["feedback"] = page.read_text(encoding="utf-8", errors="replace") if page.exists() else None
    return report


def _idempotence(ctx, root):
    """Grade a small class twice into one out dir, then delete one result and grade again."""
    subs, out = root / "submissions", root / "out"
    _write_class(ctx, subs, {"ref": MAIN["honest_a"], "stub": MAIN["stub_control"],
                             "half": Sub(partial_correct("softmax", "one_hot"), ("softmax", "one_hot"))})
    files = ("grades.csv", "students.csv", "summary.txt")
    rep = {"runs": []}
    for step in ("first", "second", "resumed"):
        if step == "resumed":
            (out / "results" / "stub.json").unlink()
        mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")} if out.exists() else {}
        run = _grade(subs, out)
        run["mtimes_before"] = mtimes
        run["mtimes_after"] = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("*.json")}
        run["files"] = {f: (out / f).read_text() for f in files if (out / f).exists()}
        run["feedback"] = {p.parent.name: p.read_text() for p in (out / "feedback").glob("*/*.html")}
        rep["runs"].append(run)
    return rep


def _produce(root):
    """Grade everything; return a JSON-able report."""
    ctx = Ctx(released_notebook(NAME), dict(asg().info.solution_code),
              {f: versions[0][1] for f, versions in load_wrong_versions(NAME).items()},
              root / "main" / "out", root / "main" / "submissions", "RTPWNED" + uuid.uuid4().hex[:12],
              root / "main" / "gradebook.db")
    out, subs, work = ctx.out, ctx.subs, root / "work"
    (out / "results").mkdir(parents=True)
    work.mkdir()
    # decoys: files the attackers try to change, which no grading step writes
    (out / "decoy.txt").write_text("instructor's notes\n")
    (out / "results" / "decoy_student.json").write_text(json.dumps({"key": "k", "result": {"score": 3}}))
    import sqlite3

    con = sqlite3.connect(out / "gradebook.db")  # a decoy: a plain SQLite file where a gradebook could be
    con.execute("create table grade (student text, score real)")
    con.executemany("insert into grade values (?, ?)", [("ada", 9.0), ("ben", 4.0)])
    con.commit()
    con.close()
    _write_class(ctx, subs, MAIN)

    # the files of this assignment only: other assignments are being written while the suite runs
    watched = [SOLUTION_DIR, paths.ASSIGNMENTS / NAME, out / "decoy.txt", out / "gradebook.db",
               out / "results" / "decoy_student.json", subs]
    gradebook_existed = (REPO / "gradebook.db").exists()
    before = _snapshot(watched)
    saved_tempdir, saved_assignment = tempfile.tempdir, grade_module.Assignment
    tempfile.tempdir = str(work)  # runners' work folders: here, so that leftovers can be counted
    # every batch grades the same assignment: build it (hidden tests, reference outputs) once
    grade_module.Assignment = lambda name, solutions=paths.SOLUTIONS, seed=0: (
        asg() if (name, Path(solutions), seed) == (NAME, paths.SOLUTIONS, 0) else saved_assignment(name, solutions, seed))
    try:
        # the main batch beside the small ones: its students spend much time waiting on timeouts
        with ThreadPoolExecutor(max_workers=2) as pool:
            def main_batch():
                # the real gradebook exists before the batch, with a student of an earlier year
                record([_full_marks("alumnus")], asg(), ctx.gradebook)
                before_gb = {"gradebook": _gradebook_scores(ctx.gradebook)}
                return dict(_grade(subs, out, MAIN_JOBS, ctx.gradebook), **before_gb)
            main_job = pool.submit(main_batch)
            crash = {n: _crash_batch(ctx, root / "crash", n) for n in CRASHERS}
            idem = _idempotence(ctx, root / "idem")
            main = main_job.result()
    finally:
        tempfile.tempdir, grade_module.Assignment = saved_tempdir, saved_assignment
    after = _snapshot(watched)
    main.update({
        "out": str(out), "mark": ctx.mark, "before": before, "after": after,
        "gradebook_created": not gradebook_existed and (REPO / "gradebook.db").exists(),
        "marker_hits": _marker_hits(ctx.mark, out),
        "leftover_work": sorted(p.name for p in work.iterdir()),
        "saved": _saved_results(out, digest=True),
        "gradebook_before": main.pop("gradebook"),
        "gradebook_after": _gradebook_scores(ctx.gradebook),
    })
    return {"main": main, "crash": crash, "idem": idem}


def _full_marks(student):
    return SubmissionResult(student, NAME, "graded", [_TestResult(gid, pts, pts, "passed")
                                                      for gid, pts in asg().info.tests.items()])


def _gradebook_scores(path):
    """{student: total score} of the assignment in an nbgrader gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url_for(path)) as gb:
        return {s.id: gb.find_submission(NAME, s.id).score for s in gb.students}


def _cleanup_planted(mark):
    """If a write attack got through, do not leave its files in the repository."""
    for p in _marker_hits(mark, REPO / "nonexistent"):
        if mark in Path(p).name:
            Path(p).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def report(request, tmp_path_factory):
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    if worker is None:
        rep = _produce(tmp_path_factory.mktemp("redteam"))
    else:  # under pytest-xdist: grade once for every worker
        shared = tmp_path_factory.getbasetemp().parent / "redteam"
        shared.mkdir(exist_ok=True)
        with open(shared / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = shared / "report.json"
            if done.exists():
                rep = json.loads(done.read_text())
            else:
                rep = _produce(shared / "run")
                done.write_text(json.dumps(rep))
    _cleanup_planted(rep["main"]["mark"])
    return rep


def result(rep, student):
    return SubmissionResult.from_dict(rep["main"]["results"][student])


def _params(kind, names):
    return [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[kind, n])) if (kind, n) in XFAIL
            else n for n in sorted(names)]


# ------------------------------------------------------------------------------------------------
# (c) the batch finishes, (b) honest students untouched
# ------------------------------------------------------------------------------------------------

def test_batch_finishes_with_every_student(report):
    main = report["main"]
    assert main["error"] is None, main["error"]
    assert sorted(main["results"]) == sorted(MAIN)
    out = Path(main["out"])
    assert sorted(r["student"] for r in _read_csv(out / "students.csv")) == sorted(safe_cell(n) for n in MAIN)
    assert len(_read_csv(out / "grades.csv")) == len(MAIN) * len(asg().info.tests)
    assert sorted(p.parent.name for p in (out / "feedback").glob(f"*/{NAME}.html")) == sorted(MAIN)
    # (no bound on the batch's time here: the suite must pass on a busy machine; every wait has a
    # deadline, so finishing at all is the guarantee)


@pytest.mark.parametrize("name", ["honest_a", "honest_m", "honest_z"])
def test_honest_controls_untouched(report, name):
    r = result(report, name)
    assert r.status == "graded"
    assert r.score == r.max_score == 11
    assert [t.status for t in r.tests] == ["passed"] * len(asg().info.tests)
    # on a busy machine an honest control may have been graded a second time, alone (and said so)
    assert [n for n in r.notes if not n.startswith("Graded a second time")] == [] and r.violations == []
    assert report["main"]["saved"][name] == _digest(report["main"]["results"][name]), "its saved result changed"


def test_stub_control_scores_zero(report):
    r = result(report, "stub_control")
    assert r.score == 0 and r.status == "graded"
    assert {t.status for t in r.tests} == {"error"}


def test_every_saved_result_is_the_judges(report):
    """Nobody rewrote another student's result JSON (nor their own)."""
    saved = report["main"]["saved"]
    for student, res in report["main"]["results"].items():
        assert saved[student] == _digest(res), student
    assert sorted(saved) == sorted(list(MAIN) + ["decoy_student"])


# ------------------------------------------------------------------------------------------------
# (a) no undeserved points, no lost points
# ------------------------------------------------------------------------------------------------

SCORED = [n for n, s in MAIN.items() if s.correct is not None]


@pytest.mark.parametrize("name", _params("score", SCORED))
def test_score_is_what_the_honest_code_earns(report, name):
    sub, r = MAIN[name], result(report, name)
    want = {gid: (pts if {f for c in asg().cases[gid] for f in c.functions} <= set(sub.correct) else 0.0)
            for gid, pts in asg().info.tests.items()}
    got = {t.test: t.points for t in r.tests}
    assert r.score == sum(got.values())
    if sub.exact:
        assert got == want, [(t.test, t.status, t.message[:200]) for t in r.tests]
        assert r.score == expected_score(asg(), sub.correct)
    else:
        assert all(got[g] <= want[g] for g in want), got


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_notebook_scores_zero_with_a_clear_message(report, name):
    r = result(report, name)
    assert r.score == 0
    assert {t.status for t in r.tests} == {"unreadable"}
    assert any(UNREADABLE[name] in n for n in r.notes), r.notes
    assert "Nothing was graded" in r.notes[0]


# ------------------------------------------------------------------------------------------------
# (d) the status says what happened
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", _params("status", MAIN))
def test_status_says_what_happened(report, name):
    want = MAIN[name].status
    r = result(report, name)
    assert r.status in (want if isinstance(want, tuple) else (want,)), (r.status, r.violations[:3], r.notes[:2])


@pytest.mark.parametrize("name", sorted(MAIN))
def test_students_csv_row_matches_the_result(report, name):
    rows = {row["student"]: row for row in _read_csv(Path(report["main"]["out"]) / "students.csv")}
    r = result(report, name)
    row = rows[safe_cell(name)]
    assert row["status"] == r.status
    assert float(row["score"]) == r.score and float(row["max_score"]) == 11


@pytest.mark.parametrize("name", sorted(n for n, s in MAIN.items() if s.status == TAMPER and ("status", n) not in XFAIL))
def test_tampering_is_explained(report, name):
    r = result(report, name)
    assert r.violations and all(isinstance(v, str) and v for v in r.violations)
    assert all(len(v) <= 500 for v in r.violations)


def test_hang_costs_one_timeout_not_one_per_test(report):
    r = result(report, "hang_softmax")
    softmax_tests = _tests_calling("softmax")
    assert len(softmax_tests) >= 2
    by_test = {t.test: t for t in r.tests}
    assert [by_test[g].status for g in softmax_tests] == ["timed out"] * len(softmax_tests)
    # the later tests were not run at all (no second wait): said in their message, not timed, so
    # that the check holds on a busy machine
    assert all("not run again" in by_test[g].message for g in softmax_tests[1:])


def test_crash_in_a_function_costs_only_its_tests(report):
    r = result(report, "exit_in_one_hot")
    statuses = {t.test: t.status for t in r.tests}
    assert statuses.pop("test_one_hot") == "crashed"
    assert set(statuses.values()) == {"passed"}


@pytest.mark.parametrize("name,words", [
    ("sigint_loop", "did not finish within 5 s"), ("raise_sigstop", "did not finish within 5 s"),
    ("exit_late", "ended the process"), ("raise_sigkill", "ended the process"),
    ("sys_exit_late", "SystemExit"), ("nb_raise_first", "stopped before the definitions"),
    ("nb_raise_in_cell", "RuntimeError: oops"), ("kill_self", "PermissionError"),
])
def test_skipped_or_failing_cells_are_explained(report, name, words):
    assert any(words in n for n in result(report, name).notes), result(report, name).notes


@pytest.mark.parametrize("name,test", [("nb_no_source", "test_one_hot"), ("nb_no_solution", "test_cross_entropy"),
                                       ("nb_raise_in_cell", "test_one_hot")])
def test_missing_function_is_reported_missing(report, name, test):
    t = {t.test: t for t in result(report, name).tests}[test]
    assert t.status == "missing" and "is not defined" in t.message


@pytest.mark.parametrize("name", _params("score", ["deleg_from", "deleg_module", "deleg_kwdefaults", "deleg_reload"]))
def test_delegation_to_utils_is_reported(report, name):
    functions = FUNCTIONS if name == "deleg_module" else ("softmax",)
    r = result(report, name)
    direct = name in ("deleg_from", "deleg_module")  # the others no longer reach the reference at all
    for t in r.tests:
        if any(f in functions for c in asg().cases[t.test] for f in c.functions):
            assert t.points == 0, (t.test, t.status)
            if direct:
                assert t.status == "delegated", (t.test, t.status)
                assert "utils.losses" in t.message
            else:
                assert t.status in ("delegated", "error", "missing"), (t.test, t.status)


# ------------------------------------------------------------------------------------------------
# (e) the instructor's files, decoys, other students
# ------------------------------------------------------------------------------------------------

def test_instructor_files_and_decoys_unchanged(report):
    before, after = report["main"]["before"], report["main"]["after"]
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, changed
    assert any("solutions" in k for k in before) and any("gradebook.db" in k for k in before)


def test_no_gradebook_created_in_the_repository(report):
    assert not report["main"]["gradebook_created"]


def test_gradebook_holds_exactly_the_judged_scores(report):
    """The instructor's nbgrader gradebook: the earlier student untouched, every student of the batch
    recorded with the score the judge gave, nobody added."""
    assert report["main"]["gradebook_before"] == {"alumnus": 11}
    want = {s: r["tests"] and sum(t["points"] for t in r["tests"]) for s, r in report["main"]["results"].items()}
    assert report["main"]["gradebook_after"] == dict(want, alumnus=11)


def test_no_planted_file_and_no_marker_anywhere(report):
    assert report["main"]["marker_hits"] == []


def test_runner_work_folders_are_removed(report):
    assert report["main"]["leftover_work"] == [], (
        "Child.__init__ leaks its work folder when the setup message cannot be sent")


# ------------------------------------------------------------------------------------------------
# specific attacks
# ------------------------------------------------------------------------------------------------

def test_noisy_honest_code_keeps_full_marks(report):
    r = result(report, "noisy_warnings")
    assert r.score == 11 and r.status == "graded" and r.notes == []


def test_probe_finds_no_judge_data_in_the_runner(report):
    notes = "\n".join(result(report, "probe_walk").notes)
    assert "PROBE:" in notes, notes[:500]
    probe = json.loads(notes.rsplit("PROBE:", 1)[1].split(":END", 1)[0])  # the last: the code line shows too
    assert probe["objects"] > 1000, probe
    assert probe["found"] == [], probe


def test_violation_flood_is_bounded(report):
    r = result(report, "violation_flood")
    assert len(r.violations) <= 100, len(r.violations)
    assert len(json.dumps(r.to_dict())) < 1_000_000


def test_compressed_bomb_is_refused_before_inflating(report):
    r = result(report, "zip_bomb")
    text = json.dumps(r.to_dict())
    assert str(BOMB_BYTES) not in text, [t.message for t in r.tests if str(BOMB_BYTES) in t.message]


def test_disk_use_is_bounded_in_total(report):
    """Many files under the per-file limit: the judge polls the work folder and stops the runner at
    the folder quota; the cell is skipped and reported, the rest is graded."""
    r = result(report, "disk_flood_many")
    notes = "\n".join(r.notes)
    assert f"more than {LIMITS.disk_mb} MB of files" in notes, notes[:500]
    assert "DISK_BYTES:" not in notes  # the flood never got to finish
    assert r.status == "crashed"


def test_feedback_does_not_reveal_hidden_inputs(report):
    page = (Path(report["main"]["out"]) / "feedback" / "leak_inputs" / f"{NAME}.html").read_text()
    leaked = []
    for gid in ("test_softmax_basic", "test_cross_entropy"):
        arg = np.asarray(asg().cases[gid][0].calls[0].args[0]).reshape(-1)
        leaked += [repr(float(v))[:12] for v in arg[:3] if repr(float(v))[:12] in page]
    assert not leaked, leaked


# ------------------------------------------------------------------------------------------------
# submissions that crash the judge: one batch each
# ------------------------------------------------------------------------------------------------

def _crash_param(name):
    return name  # each of CRASH_REASONS was fixed; the reasons stay as the record of what broke


@pytest.mark.parametrize("name", [_crash_param(n) for n in CRASHERS])
def test_judge_survives_and_the_batch_finishes(report, name):
    rep = report["crash"][name]
    assert rep["error"] is None, rep["error"]
    rows = {r["student"]: r for r in rep["students_csv"]}
    assert rows["honest"]["score"] == "11" and rows["honest"]["status"] == "graded"
    assert rep["feedback"] is not None


@pytest.mark.parametrize("name", [_crash_param(n) if n != "crash_surrogate" else n for n in CRASHERS])
def test_judge_crasher_gets_its_honest_score_and_a_status(report, name):
    sub, rep = CRASHERS[name], report["crash"][name]
    saved = rep["saved"].get(name)
    assert saved is not None, "no result was saved for this student"
    r = SubmissionResult.from_dict(saved)
    want = sub.status if isinstance(sub.status, tuple) else (sub.status,)
    assert r.status in want, r.status
    assert r.score <= expected_score(asg(), sub.correct or ())
    if sub.status == "graded":
        assert r.score == expected_score(asg(), sub.correct or ())


@pytest.mark.parametrize("name", list(CRASHERS))
def test_honest_beside_a_judge_crasher_is_saved_with_full_marks(report, name):
    """Whatever the crasher does, the honest student's own result file is complete and right."""
    saved = report["crash"][name]["saved"]["honest"]
    assert saved["status"] == "graded" and sum(t["points"] for t in saved["tests"]) == 11


# ------------------------------------------------------------------------------------------------
# idempotence and resume
# ------------------------------------------------------------------------------------------------

def test_regrading_is_idempotent(report):
    first, second = report["idem"]["runs"][:2]
    assert first["error"] is None and second["error"] is None
    assert any("grading 3 of 3" in line for line in first["logs"])
    assert not any(line.startswith("grading") or "[1/" in line for line in second["logs"]), second["logs"]
    assert second["files"] == first["files"], "the CSVs or summary changed on a re-run"
    assert second["feedback"] == first["feedback"]
    assert second["mtimes_after"] == first["mtimes_after"], "a saved result was rewritten"


def test_a_killed_batch_resumes_with_only_the_missing_result(report):
    first, second, resumed = report["idem"]["runs"]
    assert resumed["error"] is None
    assert any("grading 1 of 3" in line and "(2 already graded)" in line for line in resumed["logs"])
    assert sum("[1/1]" in line for line in resumed["logs"]) == 1
    assert [line for line in resumed["logs"] if "[1/1]" in line][0].split()[1] == "stub:"
    kept = {k: v for k, v in resumed["mtimes_after"].items() if k != "stub.json"}
    assert kept == {k: v for k, v in second["mtimes_after"].items() if k != "stub.json"}
    assert resumed["files"]["grades.csv"] == first["files"]["grades.csv"]


# ------------------------------------------------------------------------------------------------
# round 2 (issue 10): the judge around the sandbox
# ------------------------------------------------------------------------------------------------

HIDDEN_SIZE = (paths.SOLUTIONS / NAME / paths.HIDDEN_TESTS).stat().st_size


def _feedback(report, name):
    return (Path(report["main"]["out"]) / "feedback" / name / f"{NAME}.html").read_text()


def _secret_lines():
    """Distinctive lines of the hidden tests and the reference solution."""
    lines = []
    for path in (paths.SOLUTIONS / NAME / paths.HIDDEN_TESTS, paths.SOLUTIONS / NAME / f"{NAME}.py"):
        lines += [ln.strip() for ln in path.read_text().splitlines() if len(ln.strip()) > 30]
    return lines


def test_hook_cannot_be_switched_off_from_python(report):
    """Class 1: frames from a refusal's traceback and patched json/pathlib reach nothing that
    changes the hook: the last read is still refused and reported."""
    r = result(report, "hook_off")
    text = json.dumps(r.to_dict()) + _feedback(report, "hook_off")
    assert not [ln for ln in _secret_lines() if ln in text]
    assert any("hidden_tests.py" in v and v.startswith("open") for v in r.violations), r.violations


def test_links_and_fifos_in_the_work_folder_reach_nothing(report):
    """Class 1: the judge reads the runner's output through its own descriptor; links and FIFOs
    cannot be made in the work folder."""
    r = result(report, "log_link")
    text = json.dumps(r.to_dict()) + _feedback(report, "log_link")
    assert "PATH=" not in text and "HOME=" not in text
    assert not [ln for ln in _secret_lines() if ln in text]
    assert any("symbolic links are not allowed" in v for v in r.violations), r.violations
    assert any("LOGLINK" in n for n in r.notes), r.notes  # its own output is still shown


def test_a_runner_that_stops_reading_times_out(report):
    """Class 2: every write to a runner has a deadline; the batch finishes (see
    test_batch_finishes_with_every_student) and the student is timed out, not hung."""
    r = result(report, "pipe_stall")
    assert r.status == "timed out"
    assert r.seconds < 3 * LIMITS.notebook_seconds


@pytest.mark.parametrize("name", ["leak_inputs", "leak_frames"])
def test_no_student_text_from_a_hidden_case_reaches_feedback(report, name):
    """Class 3: messages, file names and function names the student's code chose while it held the
    hidden inputs are never shown; only the judge's copy of the cells."""
    page = _feedback(report, name)
    leaked = []
    for gid in ("test_softmax_basic", "test_cross_entropy"):
        arg = np.asarray(asg().cases[gid][0].calls[0].args[0], dtype=float).reshape(-1)
        leaked += [repr(float(v))[:8] for v in arg[:3] if repr(float(v))[:8] in page]
    assert not leaked, leaked
    r = result(report, name)
    softmax_tests = [t for t in r.tests if t.test in _tests_calling("softmax")]
    assert all("in cell '" in t.message or t.status != "error" for t in softmax_tests), [t.message for t in softmax_tests]


def test_the_courses_function_cannot_be_pulled_out_of_its_stub(report):
    """Class 4: the originals of taught functions are nowhere in the runner; the attempt is
    listed for the instructor to read."""
    r = result(report, "deleg_closure")
    for t in r.tests:
        if t.test in _tests_calling("softmax"):
            assert t.points == 0 and t.status in ("delegated", "error"), (t.test, t.status)
    assert any("__closure__" in why for why in r.review), r.review
    rows = _read_csv(Path(report["main"]["out"]) / "review.csv")
    assert {row["student"] for row in rows} >= {"deleg_closure", "hook_off"}
    assert "honest_a" not in {row["student"] for row in rows}


@pytest.mark.parametrize("name", ["deep_dirs", "deep_recursion"])
def test_clean_up_and_recursion_never_cost_an_honest_student(report, name):
    """Class 6: a 1,500-deep folder chain is removed without recursion; a runaway recursion is not
    tampering."""
    r = result(report, name)
    assert r.status == "graded" and r.violations == [], (r.status, r.violations)
    assert r.score == r.max_score


@pytest.mark.parametrize("name", ["header_bomb", "array_bomb"])
def test_huge_answers_are_refused_before_they_are_held(report, name):
    """Class 7: a runner's answer is capped (1 MiB of JSON, 32 MiB of arrays) before decoding."""
    r = result(report, name)
    one_hot = [t for t in r.tests if t.test in _tests_calling("one_hot")]
    assert all(t.points == 0 for t in one_hot)
    # the runner may be stopped by the size check, or by the test's time limit while it is still
    # building its huge answer: either way the judge never held it
    assert all(t.status in ("crashed", "timed out") for t in one_hot), [t.status for t in one_hot]
    assert len(json.dumps(r.to_dict())) < 100_000


def test_a_flood_of_failing_cells_gives_short_feedback(report):
    """Class 7: notes are capped per student."""
    r = result(report, "note_flood")
    assert r.score == r.max_score
    assert len(r.notes) <= 21 and sum(len(n) for n in r.notes) < 100_000
    assert len(_feedback(report, "note_flood")) < 200_000


def test_empty_folders_count_against_the_quota(report):
    """Class 7: folders cost disk and inodes too; the flood is stopped and its cell skipped."""
    r = result(report, "dir_flood")
    assert any("files and folders" in n or "MB of files" in n or "did not finish" in n for n in r.notes), r.notes
    assert r.violations == []  # a flood is a crash (or a time-out), not tampering


def test_stat_of_hidden_files_is_refused(report):
    """Class 8: os.stat outside the allowed folders is refused and reported."""
    r = result(report, "stat_hidden")
    assert any(v.startswith("sandbox.stat") for v in r.violations), r.violations
    size = str(HIDDEN_SIZE)
    assert not any(size in n for n in r.notes), r.notes


def test_csv_cells_never_start_a_formula(report):
    """Class 8: a student folder named like a formula is written as text in every CSV."""
    out = Path(report["main"]["out"])
    for name in ("grades.csv", "students.csv"):
        rows = _read_csv(out / name)
        students = {row["student"] for row in rows}
        assert "'=HYPERLINK(honest)" in students and "=HYPERLINK(honest)" not in students
        for row in rows:
            assert not any(v[:1] in "=+@" for v in row.values() if v), row
