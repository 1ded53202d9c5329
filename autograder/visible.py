"""``check`` for students: the visible tests from a fresh kernel, and the notebook's structure.

This module is the whole grader a student kit holds (``python -m autograder kit``): it needs no
reference solution and no hidden test. It

1. reads the notebook (it must be valid JSON with a list of cells) and compares it with the
   released notebook in ``assignments/<a>/<a>.ipynb`` beside this package: every graded cell is
   present, the setup cell, the test cells and every other locked cell are unchanged, no cell id
   or grade id appears twice;
2. runs it top to bottom in a fresh kernel (with the released copies of the setup and test cells,
   so a changed test cannot pass), and reports each visible test and any other cell that raised.

The hidden tests are not here: they run when the instructor grades.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENTS = ROOT / "assignments"
HIDDEN_NOTE = ("These are the visible tests only. The hidden tests, which call your functions on other inputs "
               "(hard cases included), run when your instructor grades your submission.")


def _meta(cell):
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return nbg if isinstance(nbg, dict) else {}


def _source(cell):
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _norm(code):
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def known_assignments(assignments=ASSIGNMENTS):
    return sorted(p.name for p in Path(assignments).iterdir() if (p / f"{p.name}.ipynb").is_file()) \
        if Path(assignments).is_dir() else []


def released(assignment, assignments=ASSIGNMENTS):
    return json.loads((Path(assignments) / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def read(path):
    """The notebook as a dict, or raise ValueError saying why it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid notebook JSON (line {e.lineno}, column {e.colno}: {e.msg}); open it in a "
                         "text editor at that spot, or save it again from Jupyter") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("the JSON has no list of cells; is this a Jupyter notebook?")
    return nb


def structure_problems(nb, reference):
    """What is wrong with the notebook's structure, compared with the released ``reference``:
    a list of sentences, empty when all is well."""
    problems = []
    ids, gids = {}, {}
    for i, cell in enumerate(nb["cells"]):
        if not isinstance(cell, dict):
            problems.append(f"cell {i + 1} is not a cell (JSON of another kind)")
            continue
        cid = cell.get("id")
        if isinstance(cid, str):
            ids[cid] = ids.get(cid, 0) + 1
        gid = _meta(cell).get("grade_id")
        if isinstance(gid, str):
            gids.setdefault(gid, []).append(cell)
    for cid, n in ids.items():
        if n > 1:
            problems.append(f"the cell id '{cid}' appears {n} times (a copied cell?): delete the copies, "
                            "or give each its own id")
    for gid, cells in gids.items():
        if len(cells) > 1:
            problems.append(f"the graded cell '{gid}' appears {len(cells)} times: keep one (the grader would "
                            "run every copy, the last one winning)")
    for cell in reference["cells"]:
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if not gid:
            continue
        mine = gids.get(gid)
        kind = ("setup cell" if gid == "setup" else "test cell" if meta.get("grade") and cell["cell_type"] == "code"
                else "written answer" if cell["cell_type"] == "markdown" else "solution cell"
                if meta.get("solution") else "locked cell")
        if not mine:
            problems.append(f"the {kind} '{gid}' is missing: copy it back from the released notebook")
            continue
        if mine[0].get("cell_type") != cell["cell_type"]:
            problems.append(f"the {kind} '{gid}' was changed from {cell['cell_type']} to {mine[0].get('cell_type')}")
        if meta.get("locked") and not meta.get("solution") and _norm(_source(mine[0])) != _norm(_source(cell)):
            problems.append(f"the {kind} '{gid}' was changed: it must stay as released (copy it back from the "
                            "released notebook)")
    return problems


def _as_released(nb, reference):
    """The notebook to run: the student's, with the released copies of the locked cells."""
    locked = {_meta(c)["grade_id"]: c for c in reference["cells"]
              if _meta(c).get("grade_id") and _meta(c).get("locked") and not _meta(c).get("solution")}
    cells = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            continue
        gid = _meta(cell).get("grade_id")
        cell = dict(locked[gid]) if gid in locked else dict(cell)
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.setdefault("metadata", {})
        cell["source"] = _source(cell)
        cells.append(cell)
    return {"cells": cells, "metadata": nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {},
            "nbformat": 4, "nbformat_minor": 5}


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class CellOutcome:
    label: str  # grade_id, or "cell N"
    kind: str  # test, solution, setup, other
    points: float
    error: str = ""  # "" when it ran without an exception
    detail: list = field(default_factory=list)  # the last lines of the traceback


@dataclass
class Report:
    notebook: str
    assignment: str
    problems: list
    cells: list  # CellOutcome of every code cell run
    note: str = ""  # the run stopped early (a dead kernel, a timeout)

    @property
    def tests(self):
        return [c for c in self.cells if c.kind == "test"]

    @property
    def ok(self):
        return not self.problems and not self.note and all(not c.error for c in self.cells)


def run(nb, reference, notebook_dir, cell_seconds=600, kernel_name="python3"):
    """Run the notebook (as released where locked) in a fresh kernel; return ([CellOutcome], note)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    runnable = nbformat.from_dict(_as_released(nb, reference))
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    client = NotebookClient(runnable, timeout=cell_seconds, kernel_name=kernel_name, allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(notebook_dir)}})
    note = ""
    try:
        client.execute(env=env, stderr=subprocess.DEVNULL)  # the kernel's own log lines are noise here
    except (DeadKernelError, CellTimeoutError) as exc:
        note = f"the run stopped: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    except Exception as exc:  # noqa: BLE001 - report, never hide, a kernel that would not start
        note = f"the notebook could not be run: {type(exc).__name__}: {exc}"
    outcomes, n = [], 0
    last_gid = None
    for cell in runnable.cells:
        if cell.cell_type != "code":
            continue
        n += 1
        meta = _meta(cell)
        gid = meta.get("grade_id")
        kind = ("setup" if gid == "setup" else "test" if meta.get("grade") else
                "solution" if meta.get("solution") else "other")
        label = gid or (f"cell {n} (after '{last_gid}')" if last_gid else f"cell {n}")
        last_gid = gid or last_gid
        out = CellOutcome(label, kind, float(meta.get("points", 0) or 0))
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.error = f"{o.get('ename', 'Error')}: {o.get('evalue', '')}".strip().rstrip(":")
                tb = [ANSI.sub("", line) for line in o.get("traceback", [])]
                out.detail = "\n".join(tb).splitlines()[-8:]
        if note and cell.get("execution_count") is None and not out.error:
            out.error = "not run: the run stopped before this cell"
        outcomes.append(out)
    return outcomes, note


def check(path, assignment=None, assignments=ASSIGNMENTS, cell_seconds=600, execute=True):
    """Check one notebook; return a Report (``execute=False``: the structure only)."""
    path = Path(path)
    known = known_assignments(assignments)
    assignment = assignment or path.stem
    if assignment not in known:
        listed = ", ".join(known) or "none"
        raise SystemExit(f"cannot tell which assignment {path.name} is: name the notebook <assignment>.ipynb, one "
                         f"of {listed}, or pass --assignment NAME")
    reference = released(assignment, assignments)
    try:
        nb = read(path)
    except ValueError as exc:
        return Report(str(path), assignment, [str(exc)], [])
    problems = structure_problems(nb, reference)
    cells, note = run(nb, reference, path.resolve().parent, cell_seconds) if execute else ([], "")
    return Report(str(path), assignment, problems, cells, note)


def print_report(report, out=sys.stdout):
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"checking {report.notebook} ({report.assignment})")
    if report.problems:
        p("structure: PROBLEMS")
        for prob in report.problems:
            p(f"  - {prob}")
    else:
        p("structure: ok (every graded cell present; setup and test cells as released; no duplicate ids)")
    if report.note:
        p(f"note: {report.note}")
    for c in report.cells:
        if c.kind == "test":
            p(f"{'ok  ' if not c.error else 'FAIL'} {c.label} ({c.points:g} points)")
            if c.error:
                hint = ("the function it tests is not written yet" if c.error.startswith("NotImplementedError")
                        else c.error)
                p(f"       {hint}")
                if not c.error.startswith("NotImplementedError"):
                    for line in c.detail[-6:-1]:
                        p(f"       | {line}")
        elif c.error:
            why = " (it needs a function not written yet)" if c.error.startswith("NotImplementedError") else ""
            p(f"     {c.label} raised {c.error.splitlines()[0][:300]}{why}")
    tests = report.tests
    if tests:
        passed = [t for t in tests if not t.error]
        p(f"\nvisible tests: {len(passed)}/{len(tests)} passed "
          f"({sum(t.points for t in passed):g}/{sum(t.points for t in tests):g} points)")
    p(HIDDEN_NOTE)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m autograder", description="The student kit's check.")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run a notebook's visible tests from a fresh kernel and check its structure")
    c.add_argument("notebook")
    c.add_argument("--assignment", help="default: the notebook's file name")
    c.add_argument("--cell-seconds", type=float, default=600.0, help="time for one cell (default 600)")
    c.add_argument("--structure-only", action="store_true", help="check the structure, do not run the notebook")
    args = ap.parse_args(argv)
    report = check(args.notebook, args.assignment, cell_seconds=args.cell_seconds,
                   execute=not args.structure_only)
    print_report(report)
    sys.exit(0 if report.ok else 1)
