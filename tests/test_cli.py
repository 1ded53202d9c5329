"""The instructor's command line, end to end through `python -m autograder`."""

import csv
import json
import subprocess
import sys

from autograder.judge import Assignment
from autograder.samples import released_notebook, with_cells

NAME = "01_softmax"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def test_grade_summary_and_export(tmp_path):
    asg = Assignment(NAME)
    released = released_notebook(NAME)
    subs = tmp_path / "subs"
    for student, nb in {"ref": with_cells(released, asg.info.solution_code), "stub": released}.items():
        (subs / student).mkdir(parents=True)
        (subs / student / f"{NAME}.ipynb").write_text(json.dumps(nb))
    (subs / "nobody").mkdir()  # a student folder without a notebook
    out = tmp_path / "out"
    r = run("grade", NAME, str(subs), "--out", str(out), "--gradebook", str(tmp_path / "gb.db"))
    assert r.returncode == 0, r.stderr[-2000:]
    with open(out / "students.csv") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    full = f"{sum(asg.info.tests.values()):g}"
    assert (rows["ref"]["score"], rows["ref"]["status"]) == (full, "graded")
    assert (rows["stub"]["score"], rows["stub"]["status"]) == ("0", "graded")
    assert (rows["nobody"]["score"], rows["nobody"]["status"]) == ("0", "no submission")
    assert "ref" in r.stdout and full in r.stdout  # the table is printed

    again = run("grade", NAME, str(subs), "--out", str(out))
    assert again.returncode == 0 and "grading" not in again.stdout.split("\n")[0]  # nothing left to grade

    summary = run("summary", str(out))
    assert summary.returncode == 0 and "stub" in summary.stdout

    exported = tmp_path / "course.csv"
    r = run("export", str(out), "--to", str(exported))
    assert r.returncode == 0, r.stderr
    with open(exported) as f:
        table = {row["student"]: row for row in csv.DictReader(f)}
    assert table["ref"][NAME] == full and table["ref"]["total"] == full
    assert "no submission" in table["nobody"]["flags"]


def test_check_reports_each_test(tmp_path):
    asg = Assignment(NAME)
    nb = with_cells(released_notebook(NAME), {"softmax": asg.info.solution_code["softmax"]})
    path = tmp_path / f"{NAME}.ipynb"
    path.write_text(json.dumps(nb))
    r = run("check", str(path), "--cache", str(tmp_path / "cache"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "ok   test_softmax_basic" in r.stdout
    assert "FAIL test_one_hot" in r.stdout and "not written yet" in r.stdout


def test_bad_arguments_say_what_to_do(tmp_path):
    r = run("grade", "99_nothing", str(tmp_path), "--out", str(tmp_path / "o"))
    assert r.returncode != 0 and "no assignment '99_nothing'" in (r.stderr + r.stdout)
    r = run("grade", NAME, str(tmp_path / "missing"), "--out", str(tmp_path / "o"))
    assert r.returncode != 0 and "submissions folder not found" in (r.stderr + r.stdout)


def test_check_a_misnamed_notebook_says_what_to_call_it(tmp_path):
    path = tmp_path / f"{NAME} (1).ipynb"  # a downloaded copy
    path.write_text(json.dumps(released_notebook(NAME)))
    r = run("check", str(path), "--cache", str(tmp_path / "cache"))
    out = r.stderr + r.stdout
    assert r.returncode != 0
    assert f"cannot tell which assignment {NAME} (1).ipynb is" in out
    assert f"e.g. {NAME}.ipynb" in out and "--assignment NAME" in out
    assert f"one of {NAME}, " in out and "04_perceptron" in out  # the known assignments are listed
    assert "solutions" not in out  # a student has no solutions/ folder
    r = run("check", str(path), "--assignment", "99_nothing", "--cache", str(tmp_path / "cache"))
    assert r.returncode != 0 and "no assignment '99_nothing': the known assignments are" in (r.stderr + r.stdout)
