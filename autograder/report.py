"""What grading writes: grades.csv, students.csv, violations.csv, feedback pages, a summary."""

import csv
import html
from pathlib import Path

GRADES_HEADER = ["student", "assignment", "test", "points", "max_points", "status"]
STUDENTS_HEADER = ["student", "assignment", "score", "max_score", "status", "seconds"]


def _fmt(x):
    return f"{x:g}"


def safe_cell(value):
    """A CSV cell a spreadsheet shows as text: one that starts like a formula (=, +, -, @, a tab
    or a carriage return; a student names their folder) gets a leading apostrophe."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
            return text  # a plain number
        except ValueError:
            return "'" + text
    return text


class SafeWriter:
    """csv.writer whose rows go through ``safe_cell``. Use it for every CSV the grader writes."""

    def __init__(self, f):
        self._w = csv.writer(f, lineterminator="\n")

    def writerow(self, row):
        self._w.writerow([safe_cell(v) for v in row])


def write_grades_csv(results, path):
    """One row per student per graded test, with the test's status beside its points."""
    with open(path, "w", newline="", encoding="utf-8", errors="replace") as f:
        w = SafeWriter(f)
        w.writerow(GRADES_HEADER)
        for r in results:
            for t in r.tests:
                w.writerow([r.student, r.assignment, t.test, _fmt(t.points), _fmt(t.max_points), t.status])


def write_students_csv(results, path):
    """One row per student: total score and the submission's status."""
    with open(path, "w", newline="", encoding="utf-8", errors="replace") as f:
        w = SafeWriter(f)
        w.writerow(STUDENTS_HEADER)
        for r in results:
            w.writerow([r.student, r.assignment, _fmt(r.score), _fmt(r.max_score), r.status, f"{r.seconds:.2f}"])


STYLE = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.passed{color:#176f2c}.other{color:#a4262c}pre{background:#f6f6f6;padding:.6rem;white-space:pre-wrap;font-size:.85rem}
.hint{color:#555;font-style:italic}"""


def feedback_html(r, manual):
    """A student's feedback page: score, each test's result, message and hint; no hidden inputs."""
    e = html.escape
    rows = []
    for t in r.tests:
        cls = "passed" if t.status == "passed" else "other"
        detail = ""
        if t.message:
            detail += f"<pre>{e(t.message)}</pre>"
        if t.hint:
            detail += f"<p class='hint'>Hint: {e(t.hint)}</p>"
        rows.append(f"<tr><td><code>{e(t.test)}</code></td><td class='{cls}'>{e(t.status)}</td>"
                    f"<td>{_fmt(t.points)} / {_fmt(t.max_points)}</td><td>{detail}</td></tr>")
    notes = "".join(f"<pre>{e(n)}</pre>" for n in r.notes)
    if r.violations:
        notes += ("<p>Your code tried to do things the grader does not allow (reading or writing files "
                  "outside its own folder, starting programs, using the network, signalling other "
                  "processes); they were refused and reported to your instructor:</p><pre>"
                  + e("\n".join(r.violations[:20])) + "</pre>")
    manual_txt = ""
    if manual:
        pts = sum(manual.values())
        manual_txt = (f"<p>Written answers ({_fmt(pts)} points: {', '.join(e(k) for k in manual)}) are graded by "
                      "hand and are not included above.</p>")
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{e(r.assignment)}: {e(r.student)}</title>
<style>{STYLE}</style></head><body>
<h1>{e(r.assignment)}: feedback for {e(r.student)}</h1>
<p><strong>Score: {_fmt(r.score)} / {_fmt(r.max_score)}</strong> &middot; status: {e(r.status)}</p>
{manual_txt}
<table><tr><th>test</th><th>result</th><th>points</th><th>what to look at</th></tr>{''.join(rows)}</table>
{'<h2>Notes from the grader</h2>' + notes if notes else ''}
<p class="hint">Each test ran your functions on inputs the grader made and compared the results with the
reference solution's. Run the visible tests in your notebook first; they check the same properties.</p>
</body></html>
"""


def summary_table(results):
    """A plain-text table of the class: one line per student, tests as columns."""
    if not results:
        return "no submissions"
    tests = [t.test for t in results[0].tests]
    width = max(7, *(len(r.student) for r in results))
    short = [t.replace("test_", "")[:14] for t in tests]
    head = f"{'student':<{width}}  " + "  ".join(f"{s:>14}" for s in short) + f"  {'score':>9}  status"
    lines = [head, "-" * len(head)]
    for r in results:
        cells = "  ".join(f"{_fmt(t.points) + '/' + _fmt(t.max_points):>14}" for t in r.tests)
        lines.append(f"{r.student:<{width}}  {cells}  {_fmt(r.score) + '/' + _fmt(r.max_score):>9}  {r.status}")
    review = [r.student for r in results if r.review]
    if review:
        lines.append(f"\nto read by hand (code that takes functions apart, see review.csv): {', '.join(review)}")
    return "\n".join(lines)


def write_all(results, asg, out_dir):
    """Write grades.csv, students.csv, feedback/<student>/<assignment>.html and summary.txt."""
    out_dir = Path(out_dir)
    write_grades_csv(results, out_dir / "grades.csv")
    write_students_csv(results, out_dir / "students.csv")
    for r in results:
        d = out_dir / "feedback" / r.student
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{r.assignment}.html").write_text(feedback_html(r, asg.info.manual), encoding="utf-8",
                                                 errors="replace")
    (out_dir / "summary.txt").write_text(summary_table(results) + "\n", encoding="utf-8", errors="replace")
    with open(out_dir / "violations.csv", "w", newline="", encoding="utf-8", errors="replace") as f:
        w = SafeWriter(f)
        w.writerow(["student", "assignment", "refused"])
        for r in results:
            for v in r.violations:
                w.writerow([r.student, r.assignment, v])
    with open(out_dir / "review.csv", "w", newline="", encoding="utf-8", errors="replace") as f:
        w = SafeWriter(f)
        w.writerow(["student", "assignment", "why"])
        for r in results:
            for why in r.review:
                w.writerow([r.student, r.assignment, why])
