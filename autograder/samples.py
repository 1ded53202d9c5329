"""Make submissions from the reference by editing its cells: for the demo, tests and benchmarks.

A submission is the released notebook with some solution cells replaced: by the reference's code
(a correct answer), by a wrong version from ``solutions/<a>/wrong_versions.py``, or by any code.
Every sample's expected score is derived from which functions it gets right, never typed in.
"""

import copy
import importlib.util
import json
from pathlib import Path

from . import notebooks, paths


def released_notebook(assignment, assignments=paths.ASSIGNMENTS):
    """Return the released (student) notebook as a dict."""
    path = Path(assignments) / assignment / f"{assignment}.ipynb"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `python -m autograder release` first")
    return json.loads(path.read_text())


def with_cells(released, replacements, extra_cells=()):
    """Return a copy of ``released`` with solution cells' code replaced: {grade_id: code}."""
    nb = copy.deepcopy(released)
    for cell in nb["cells"]:
        gid = notebooks.nbgrader_meta(cell).get("grade_id")
        if gid in replacements:
            cell["source"] = replacements[gid]
    for code in extra_cells:
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": f"added-{len(nb['cells'])}",
                            "metadata": {}, "outputs": [], "source": code})
    return nb


def load_wrong_versions(assignment, solutions=paths.SOLUTIONS):
    """Return {function: [(name, code), ...]} from solutions/<a>/wrong_versions.py."""
    path = Path(solutions) / assignment / paths.WRONG_VERSIONS
    spec = importlib.util.spec_from_file_location(f"wrong_versions_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WRONG


def expected_score(asg, correct):
    """Points a submission earns when exactly the functions in ``correct`` are right."""
    total = 0.0
    for gid, pts in asg.info.tests.items():
        needed = {f for c in asg.cases[gid] for f in c.functions}
        if needed <= set(correct):
            total += pts
    return total


def judged_in_process(asg, replacements):
    """Points the reference earns with some functions replaced by trusted code ({grade_id: code}),
    judged here without a sandbox: the expected score of a sample whose wrong versions may
    interact (a wrong forward and a backward consistent with it)."""
    import numpy as np

    from .judge import _judge_case, call_all

    namespace = asg.reference_namespace(replacements)
    total = 0.0
    with np.errstate(all="ignore"):
        for gid, pts in asg.info.tests.items():
            if all(_judge_case(case, call_all(namespace, case.calls), ref)[0] is None
                   for case, ref in zip(asg.cases[gid], asg.reference[gid])):
                total += pts
    return total


def demo_class(asg, assignments=paths.ASSIGNMENTS):
    """The demo's sample students: {name: (notebook dict, functions right or expected points, what
    it shows)}."""
    released = released_notebook(asg.name, assignments)
    reference = dict(asg.info.solution_code)
    functions = list(reference)
    wrong = load_wrong_versions(asg.name)
    half = functions[: len(functions) // 2]
    first_wrong = {f: wrong[f][0][1] for f in functions if f in wrong}
    last = functions[-1]
    crash = reference[last].replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    import os; os._exit(1)", 1)
    return {
        "ada_complete": (with_cells(released, reference), functions, "every function right"),
        "ben_partial": (with_cells(released, {f: reference[f] for f in half}), half,
                        "the first half done, the rest left as stubs"),
        "cy_untouched": (released, [], "the notebook as released"),
        "dee_typical_mistakes": (with_cells(released, first_wrong), judged_in_process(asg, first_wrong),
                                 "a typical wrong version of each function"),
        "eve_crashes": (with_cells(released, dict(reference, **{last: crash})), functions[:-1],
                        f"right, but `{last}` kills its own process"),
        "fay_unreadable": (None, [], "a notebook file that is not valid JSON"),
    }


def write_class(asg, submissions_dir, assignments=paths.ASSIGNMENTS):
    """Write the demo class under ``submissions_dir``; return {student: (expected score, description)}."""
    out = {}
    for student, (nb, correct, what) in demo_class(asg, assignments).items():
        d = Path(submissions_dir) / student
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{asg.name}.ipynb"
        if nb is None:
            path.write_text('{"cells": [{"cell_type": "code", "source": "def softmax(x):\\n')  # cut off mid-file
        else:
            path.write_text(json.dumps(nb, indent=1))
        expected = correct if isinstance(correct, float) else expected_score(asg, correct)
        out[student] = (expected, what)
    return out
