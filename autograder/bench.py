"""Benchmark: our grader against stock ``nbgrader autograde`` on the same generated class.

``python -m autograder.bench [--students 40] [--assignment 01_softmax]`` builds a class of
submissions from the reference (a mix of complete, partial, wrong and untouched notebooks), grades
it with ``python -m autograder grade`` on every core, then with nbgrader's own ``autograde`` in a
scratch course folder, and prints the wall-clock figures and the scores both gave. It prints; it
asserts nothing about speed (a timed test would flake on a busy machine).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import notebooks
from .judge import Assignment
from .samples import load_wrong_versions, released_notebook, with_cells


def make_class(asg, n, rng_seed=0):
    """Return {student: notebook dict}: n submissions cycling through typical kinds of work."""
    import numpy as np

    rng = np.random.default_rng(rng_seed)
    released = released_notebook(asg.name)
    reference = dict(asg.info.solution_code)
    wrong = load_wrong_versions(asg.name)
    functions = list(reference)
    out = {}
    for i in range(n):
        kind = i % 4
        if kind == 0:  # complete
            cells = reference
        elif kind == 1:  # partly done
            k = int(rng.integers(1, len(functions)))
            cells = {f: reference[f] for f in functions[:k]}
        elif kind == 2:  # one typical mistake
            f = functions[int(rng.integers(len(functions)))]
            versions = wrong[f]
            cells = dict(reference, **{f: versions[int(rng.integers(len(versions)))][1]})
        else:  # untouched
            cells = {}
        out[f"student{i:03d}"] = with_cells(released, cells)
    return out


def run_ours(asg_name, subs, out, jobs):
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "grade", asg_name, str(subs), "--out", str(out),
                    "--fresh"] + (["--jobs", str(jobs)] if jobs else []),
                   check=True, stdout=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    scores = {}
    import csv

    with open(out / "students.csv") as f:
        for row in csv.DictReader(f):
            scores[row["student"]] = float(row["score"])
    return elapsed, scores


def run_stock(asg_name, class_nbs, scratch):
    """Grade the class with stock nbgrader in a scratch course; return (seconds, scores)."""
    course = scratch / "stock_course"
    src = course / "source" / asg_name
    src.mkdir(parents=True)
    notebooks.write_notebook(Assignment(asg_name).source_nb, src / f"{asg_name}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 60\n")
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
               MPLBACKEND="Agg")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run(nbgrader + ["generate_assignment", asg_name, "--force"], cwd=course, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for student, nb in class_nbs.items():
        d = course / "submitted" / student / asg_name
        d.mkdir(parents=True)
        (d / f"{asg_name}.ipynb").write_text(json.dumps(nb))
    start = time.monotonic()
    subprocess.run(nbgrader + ["autograde", asg_name, "--force"], cwd=course, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    out = scratch / "stock_grades.csv"
    subprocess.run(nbgrader + ["export", "--to", str(out)], cwd=course, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scores = {}
    import csv

    if out.exists():
        with open(out) as f:
            for row in csv.DictReader(f):
                scores[row["student_id"]] = float(row["score"])
    return elapsed, scores


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder.bench", description=__doc__)
    p.add_argument("--assignment", default="01_softmax")
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--jobs", type=int, default=None, help="our grader's workers (default: every core)")
    p.add_argument("--skip-stock", action="store_true", help="time only our grader")
    args = p.parse_args(argv)

    asg = Assignment(args.assignment)
    class_nbs = make_class(asg, args.students)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        subs = scratch / "submissions"
        for student, nb in class_nbs.items():
            (subs / student).mkdir(parents=True)
            (subs / student / f"{args.assignment}.ipynb").write_text(json.dumps(nb))
        cores = os.cpu_count()
        print(f"class: {args.students} submissions of {args.assignment}; machine: {cores} cores")
        ours_t, ours = run_ours(args.assignment, subs, scratch / "ours", args.jobs)
        print(f"ours  (python -m autograder grade, {args.jobs or cores} workers): {ours_t:6.1f} s  "
              f"({ours_t / args.students:.2f} s per submission)")
        ours1_t, _ = run_ours(args.assignment, subs, scratch / "ours1", 1)
        print(f"ours  (one worker):                              {ours1_t:6.1f} s  "
              f"({ours1_t / args.students:.2f} s per submission)")
        if not args.skip_stock:
            stock_t, stock = run_stock(args.assignment, class_nbs, scratch)
            print(f"stock (nbgrader autograde):                      {stock_t:6.1f} s  "
                  f"({stock_t / args.students:.2f} s per submission)")
            print(f"speed-up over stock nbgrader: {stock_t / ours_t:.1f}x")
            same = sum(1 for s in ours if s in stock and abs(ours[s] - stock[s]) < 1e-9)
            print(f"students given the same score by both: {same} of {len(ours)} "
                  "(stock runs only the visible tests, so it can be more lenient)")


if __name__ == "__main__":
    main()
