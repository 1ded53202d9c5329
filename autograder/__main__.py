"""The instructor's command line: ``python -m autograder COMMAND ...`` (``--help`` on each)."""

import argparse
import csv
import json
import shutil
import sys
import time
from pathlib import Path

from . import paths


def cmd_release(args):
    from .release import release

    start = time.monotonic()
    for nb in release(args.assignments or None):
        print(f"released {nb.relative_to(paths.ROOT) if nb.is_relative_to(paths.ROOT) else nb}")
    print(f"release took {time.monotonic() - start:.1f} s")


def _limits(args):
    from .judge import Limits

    return Limits(test_seconds=args.test_seconds, cell_seconds=args.cell_seconds,
                  notebook_seconds=args.notebook_seconds, memory_mb=args.memory_mb, disk_mb=args.disk_mb)


def cmd_grade(args):
    from .grade import grade_class
    from .report import summary_table

    out = Path(args.out)
    if args.fresh and (out / "results").exists():
        shutil.rmtree(out / "results")
    results = grade_class(args.assignment, args.submissions, out, _limits(args), args.jobs, args.seed,
                          gradebook=args.gradebook)
    print()
    print(summary_table(results))


def cmd_check(args):
    """Grade one notebook, for a student or self-learner checking their own work."""
    if args.visible:  # what `check` does in a student kit: visible tests and structure only
        from . import visible

        report = visible.check(args.notebook, args.assignment, cell_seconds=max(args.cell_seconds, 600.0))  # experiments run too
        visible.print_report(report)
        sys.exit(0 if report.ok else 1)
    from .grade import _prepare_mpl_cache
    from .judge import Assignment, grade_submission

    path = Path(args.notebook)
    assignment = args.assignment or path.stem
    known = paths.assignment_names()
    if assignment not in known:  # say what to do, without naming instructor paths a student lacks
        listed = ", ".join(known) or "none"
        if args.assignment:
            sys.exit(f"no assignment '{assignment}': the known assignments are {listed}")
        sys.exit(f"cannot tell which assignment {path.name} is: name the notebook <assignment>.ipynb after its "
                 f"assignment, one of {listed} (e.g. {known[0] if known else '01_softmax'}.ipynb), "
                 "or pass --assignment NAME")
    asg = Assignment(assignment)
    scratch = Path(args.cache)
    res = grade_submission(asg, path, "you", _limits(args), _prepare_mpl_cache(scratch))
    for t in res.tests:
        mark = "ok  " if t.status == "passed" else "FAIL"
        print(f"{mark} {t.test} ({t.points:g}/{t.max_points:g}) {'' if t.status == 'passed' else t.status}")
        if t.status != "passed":
            for line in (t.message or "").splitlines()[:12]:
                print(f"       {line}")
            if t.hint:
                print(f"       hint: {t.hint}")
    for note in res.notes:
        print("note:", note.splitlines()[0])
    print(f"\n{res.score:g}/{res.max_score:g} points, status: {res.status}")


def cmd_demo(args):
    from .grade import grade_class
    from .judge import Assignment
    from .release import release
    from .report import summary_table
    from .samples import write_class

    out = Path(args.out)
    t0 = time.monotonic()
    unexpected = 0
    release(args.assignments or None)
    t_release = time.monotonic() - t0
    print(f"released assignments/ from solutions/ in {t_release:.1f} s")
    for name in args.assignments or paths.assignment_names():
        asg = Assignment(name)
        subs = out / name / "submissions"
        if subs.exists():
            shutil.rmtree(subs)
        expected = write_class(asg, subs)
        t1 = time.monotonic()
        results = grade_class(name, subs, out / name, jobs=args.jobs, gradebook=out / "gradebook.db")
        t_grade = time.monotonic() - t1
        print()
        print(summary_table(results))
        print()
        print(f"{'student':<22} {'score':>7} {'expected':>9}  sample")
        bad = 0
        for r in results:
            exp, what = expected[r.student]
            ok = abs(r.score - exp) < 1e-9
            bad += not ok
            print(f"{r.student:<22} {r.score:>7g} {exp:>9g}  {what}{'' if ok else '   <-- UNEXPECTED'}")
        per = sum(r.seconds for r in results) / max(1, len(results))
        print(f"\n{name}: graded {len(results)} samples in {t_grade:.1f} s ({per:.1f} s per notebook on one "
              f"worker); feedback in {out / name / 'feedback'}/")
        unexpected += bad
    if unexpected:
        sys.exit(f"{unexpected} sample(s) did not get their expected score")


def cmd_export(args):
    """Merge the students.csv of several graded assignments into one table."""
    table, assignments = {}, []
    for d in args.graded:
        path = Path(d) / "students.csv"
        if not path.exists():
            sys.exit(f"{path} not found: pass the --out folders of `grade`")
        with open(path) as f:
            for row in csv.DictReader(f):
                if row["assignment"] not in assignments:
                    assignments.append(row["assignment"])
                table.setdefault(row["student"], {})[row["assignment"]] = (row["score"], row["status"])
    out = open(args.to, "w", newline="") if args.to != "-" else sys.stdout
    from .report import SafeWriter

    w = SafeWriter(out)
    w.writerow(["student", *assignments, "total", "flags"])
    for student in sorted(table):
        scores = [table[student].get(a, ("0", "no submission")) for a in assignments]
        flags = "; ".join(f"{a}: {s}" for a, (_, s) in zip(assignments, scores) if s != "graded")
        w.writerow([student, *(s for s, _ in scores), f"{sum(float(s) for s, _ in scores):g}", flags])
    if out is not sys.stdout:
        out.close()
        print(f"wrote {args.to}")


def cmd_kit(args):
    from .kit import build_kit

    withheld = build_kit(args.k, args.out, force=args.force)
    out = Path(args.out)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    taught = sorted({w.release for w in withheld.values()})
    print(f"wrote the student kit to {out}/: {len(files)} files, {sum(p.stat().st_size for p in files) / 1e3:.0f} kB; "
          f"{len(withheld)} functions of utils withheld (taught in {', '.join(taught) or 'none'})")


def cmd_collect(args):
    from .collect import collect

    collect(args.assignment, args.sources, args.to)


def cmd_feedback(args):
    from .collect import return_feedback

    return_feedback(args.graded, args.to, args.collected, make_zip=not args.no_zip)


def cmd_summary(args):
    from .judge import SubmissionResult
    from .report import summary_table

    results = [SubmissionResult.from_dict(json.loads(p.read_text())["result"])
               for p in sorted((Path(args.graded) / "results").glob("*.json"))]
    print(summary_table(results))


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("release", help="regenerate assignments/ from solutions/")
    r.add_argument("assignments", nargs="*", help="default: all")
    r.set_defaults(func=cmd_release)

    def limit_options(q):
        q.add_argument("--test-seconds", type=float, default=10.0, help="time for one graded test (default 10)")
        q.add_argument("--cell-seconds", type=float, default=60.0, help="time for one notebook cell (default 60)")
        q.add_argument("--notebook-seconds", type=float, default=600.0, help="time for one submission (default 600)")
        q.add_argument("--memory-mb", type=int, default=2048, help="memory of a student's process (default 2048)")
        q.add_argument("--disk-mb", type=int, default=512, help="files a student's process may write in all "
                       "(default 512)")

    g = sub.add_parser("grade", help="grade SUBMISSIONS/<student>/<assignment>.ipynb into OUT")
    g.add_argument("assignment")
    g.add_argument("submissions")
    g.add_argument("--out", required=True, help="folder for grades.csv, students.csv, feedback/, results/")
    g.add_argument("--jobs", type=int, default=None, help="parallel workers (default: every core)")
    g.add_argument("--seed", type=int, default=None, help="seed of the hidden inputs (default: drawn from "
                   "the course's secret, $GRADING_SECRET or grading_secret.txt, else 0)")
    g.add_argument("--fresh", action="store_true", help="forget saved results and grade everything again")
    g.add_argument("--gradebook", help="also record the scores in this nbgrader gradebook (SQLite file), "
                   "e.g. gradebook.db in the course folder")
    limit_options(g)
    g.set_defaults(func=cmd_grade)

    c = sub.add_parser("check", help="grade one notebook of yours against the hidden tests")
    c.add_argument("notebook")
    c.add_argument("--assignment", help="default: the notebook's file name")
    c.add_argument("--cache", default=str(paths.ROOT / "out" / ".check"), help=argparse.SUPPRESS)
    c.add_argument("--visible", action="store_true", help="what check does in a student kit: the visible tests "
                   "from a fresh kernel and the notebook's structure, no hidden tests")
    limit_options(c)
    c.set_defaults(func=cmd_check)

    d = sub.add_parser("demo", help="release, grade the sample class, print the table")
    d.add_argument("assignments", nargs="*")
    d.add_argument("--out", default=str(paths.ROOT / "out" / "demo"))
    d.add_argument("--jobs", type=int, default=None)
    d.set_defaults(func=cmd_demo)

    e = sub.add_parser("export", help="merge graded assignments into one CSV (student x assignment)")
    e.add_argument("graded", nargs="+", help="the --out folders of `grade`")
    e.add_argument("--to", default="-", help="output CSV (default: stdout)")
    e.set_defaults(func=cmd_export)

    k = sub.add_parser("kit", help="write the student kit for the course up to assignment K (no answers in it)")
    k.add_argument("k", help="the assignment: its number (5) or name (05_mlp)")
    k.add_argument("--out", required=True, help="the kit's folder (must not exist)")
    k.add_argument("--force", action="store_true", help="replace a kit written there before")
    k.set_defaults(func=cmd_kit)

    co = sub.add_parser("collect", help="gather submissions (a folder of notebooks, student folders, nbgrader's "
                        "submitted/, a Canvas or Moodle zip) into TO/<student>/<assignment>.ipynb")
    co.add_argument("assignment")
    co.add_argument("sources", nargs="+", help="folders or zip files")
    co.add_argument("--to", required=True, help="the submissions folder to write (what `grade` reads)")
    co.set_defaults(func=cmd_collect)

    fb = sub.add_parser("feedback", help="feedback folders ready to return: TO/<student>/ and TO.zip")
    fb.add_argument("graded", help="the --out folder of `grade`")
    fb.add_argument("--to", required=True)
    fb.add_argument("--collected", help="collected.csv of `collect`: name the folders as the LMS expects")
    fb.add_argument("--no-zip", action="store_true")
    fb.set_defaults(func=cmd_feedback)

    s = sub.add_parser("summary", help="print the table of a graded folder")
    s.add_argument("graded")
    s.set_defaults(func=cmd_summary)

    args = p.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
