"""The student kit (``python -m autograder kit K``) and the instructor's week around it.

For every k: nothing in the kit passes the hidden tests of an assignment >= k, what earlier
assignments taught works and passes theirs, every notebook's setup cell runs, and no file holds a
line of a reference solution body, a wrong version or a hidden test (searched, not trusted). Then
one student works only inside the kit for 05_mlp and the instructor grades them: full marks.
"""

import ast
import csv
import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from autograder import notebooks, paths, visible
from autograder.collect import collect, return_feedback
from autograder.judge import Assignment, _judge_case
from autograder.kit import _units, build_kit, load_taught, plan, rewrite_module
from autograder.samples import released_notebook, with_cells

# Kits are verified for the course 01-08 only. With 09_cnn and later in the repository, the
# answer-line search flags lines of utils.conv, utils.bidirectional, utils.ctc and utils.models
# (some generic, some real helpers of withheld functions) and kits reaching 09 are untested;
# issue 18 stays open for them.
VERIFIED = 8
ASSIGNMENTS = paths.assignment_names()[:VERIFIED]  # the course these tests check kits of
ALL_K = list(range(1, len(ASSIGNMENTS) + 1))
# utils modules no TAUGHT map points into: the course's infrastructure (data builders, gradient
# checks, plots, toy data, the training loop), which hold no assignment's answer by construction
INFRASTRUCTURE = ("data", "gradcheck", "plotting", "synthetic", "train", "__init__")
# modules added for assignments after the verified course (09-13): not searched here (see above)
LATER_MODULES = ("conv", "convnet", "rnn", "temporal", "clipping", "sequences", "lstm", "gru",
                 "bidirectional", "ctc", "resnet", "init")
INFRASTRUCTURE = INFRASTRUCTURE + LATER_MODULES


class _Kits:
    """The kit for each k, built once per test process on first use."""

    def __init__(self, tmp_path_factory):
        self._tmp, self._done = tmp_path_factory, {}

    def __getitem__(self, k):  # noqa: D105
        if k not in self._done:
            out = self._tmp.mktemp(f"kit{k}") / "kit"
            self._done[k] = (out, build_kit(k, out))
        return self._done[k]


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    return _Kits(tmp_path_factory)


_ASG = {}


def assignment(name):
    if name not in _ASG:
        _ASG[name] = Assignment(name, seed=0)
    return _ASG[name]


def kit_lines(path):
    """Every line of a kit file, stripped; a notebook's lines are its cells' sources."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        return [line.strip() for c in json.loads(text)["cells"] for line in notebooks.cell_source(c).splitlines()]
    return [line.strip() for line in text.splitlines()]


# ----------------------------------------------------------------------------- contents


@pytest.mark.parametrize("k", ALL_K)
def test_kit_holds_what_students_need_and_nothing_else(kits, k):
    kit, _ = kits[k]
    files = sorted(str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file())
    up_to = ASSIGNMENTS[:k]
    notebooks_in_kit = [f for f in files if f.startswith("assignments/")]
    assert notebooks_in_kit == [f"assignments/{a}/{a}.ipynb" for a in up_to]
    for a in up_to:  # the notebooks are the released ones, byte for byte
        assert (kit / "assignments" / a / f"{a}.ipynb").read_bytes() == \
            (paths.ASSIGNMENTS / a / f"{a}.ipynb").read_bytes()
    assert sorted(f for f in files if f.startswith("autograder/")) == \
        ["autograder/__init__.py", "autograder/__main__.py", "autograder/visible.py"]
    assert sorted(f for f in files if f.startswith("utils/")) == \
        sorted(f"utils/{p.name}" for p in (paths.ROOT / "utils").glob("*.py"))
    assert {f for f in files if "/" not in f} == {"README.md", "requirements.txt", "pyproject.toml", "kit.json"}
    for f in files:
        assert not f.endswith((".pyc", ".pkl", ".pickle", ".npy", ".npz", ".db")), f
        assert "__pycache__" not in f and "solutions" not in f and "secret" not in f, f
        assert Path(f).name not in (paths.HIDDEN_TESTS, paths.WRONG_VERSIONS), f
    req = (kit / "requirements.txt").read_text()
    assert "nbgrader" not in req and "jupytext" not in req and req.strip().endswith("-e .")
    for f in files:
        text = (kit / f).read_text(encoding="utf-8", errors="replace")
        assert "BEGIN SOLUTION" not in text and "hidden_tests" not in text, f


def _secret_lines(k):
    """Lines of what a student of assignment k must not see, each with where it comes from: the
    reference solution bodies and wrong versions of assignments >= k, and every hidden test.

    Not counted: lines shorter than 13 characters or comments, and lines the kit ships from public
    sources by design: the released notebooks of every assignment, what assignments before k
    taught (the bodies of their TAUGHT functions in utils), utils' code outside functions and its
    signatures, and the infrastructure modules no assignment teaches."""
    secret = {}
    for i, a in enumerate(ASSIGNMENTS):
        folder = paths.SOLUTIONS / a
        if i >= k - 1:
            info = notebooks.source_info(notebooks.read_source(folder / f"{a}.py"))
            for gid, code in info.solution_code.items():
                if "### BEGIN SOLUTION" in code:
                    inside = code.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
                    for line in inside.splitlines():
                        secret.setdefault(line.strip(), f"the reference solution of {a}'s {gid}")
            for line in (folder / paths.WRONG_VERSIONS).read_text().splitlines():
                secret.setdefault(line.strip(), f"{a}/{paths.WRONG_VERSIONS}")
        for line in (folder / paths.HIDDEN_TESTS).read_text().splitlines():
            secret.setdefault(line.strip(), f"{a}/{paths.HIDDEN_TESTS}")
    public = set()
    for a in ASSIGNMENTS:
        public.update(kit_lines(paths.ASSIGNMENTS / a / f"{a}.ipynb"))
    released = {d.rsplit(".", 1)[1] for a in ASSIGNMENTS[: k - 1] for d in load_taught(a).values()}
    for p in sorted((paths.ROOT / "utils").glob("*.py")):
        lines = p.read_text().splitlines()
        if p.stem in INFRASTRUCTURE:
            public.update(line.strip() for line in lines)
            continue
        inside = set()
        for q, node, cls in _units(ast.parse("\n".join(lines))):
            span = range(node.lineno - 1, node.end_lineno)
            inside.update(span)
            public.update(lines[j].strip() for j in range(node.lineno - 1, node.body[0].lineno - 1))
            if cls is None and q in released:
                public.update(lines[j].strip() for j in span)
        public.update(line.strip() for j, line in enumerate(lines) if j not in inside)
    return {line: where for line, where in secret.items()
            if len(line) > 12 and not line.startswith("#") and line not in public}


@pytest.mark.parametrize("k", ALL_K)
def test_kit_holds_no_line_of_an_answer_or_a_hidden_test(kits, k):
    kit, _ = kits[k]
    secret = _secret_lines(k)
    assert len(secret) > 500  # the search has something to find
    found = []
    for p in sorted(kit.rglob("*")):
        if p.is_file():
            for line in set(kit_lines(p)) & set(secret):
                found.append(f"{p.relative_to(kit)}: {line!r} (from {secret[line]})")
    assert not found, "\n".join(found[:20])


def test_the_search_finds_answers_in_the_full_utils():
    """The search above is not blind: utils as the repository holds it does contain 05's answers."""
    secret = _secret_lines(5)
    found = {secret[line] for p in (paths.ROOT / "utils").glob("*.py") for line in kit_lines(p) if line in secret}
    assert any("05_mlp" in f for f in found) and any("08_batchnorm" in f for f in found), found


# ----------------------------------------------------------------------------- utils rewritten

CHILD = textwrap.dedent('''
    import importlib, json, os, pickle, pkgutil, sys, types
    kit, repo, job = sys.argv[1], sys.argv[2], sys.argv[3]
    sys.path.insert(0, kit)
    import matplotlib
    matplotlib.use("Agg")
    import utils
    assert os.path.realpath(utils.__file__).startswith(os.path.realpath(kit)), utils.__file__
    mods = {m.name: importlib.import_module(m.name) for m in pkgutil.walk_packages(utils.__path__, "utils.")}
    sys.path.remove(kit)
    sys.path.insert(0, repo)
    from autograder.judge import call_all
    with open(job, "rb") as f:
        work = pickle.load(f)
    report = {"setup": {}, "outcomes": []}
    for name, (setup, folder) in work["setups"].items():  # every kit notebook's setup cell
        os.chdir(folder)
        try:
            exec(compile(setup, f"<setup {name}>", "exec"), {"__name__": "__main__"})
            report["setup"][name] = None
        except BaseException as exc:
            report["setup"][name] = f"{type(exc).__name__}: {exc}"
    nb_ns = {"__name__": "__main__"}  # the last kit notebook's setup and solution cells, as released
    for code in work["notebook_code"]:
        try:
            exec(compile(code, "<kit notebook>", "exec"), nb_ns)
        except BaseException as exc:
            report["setup"]["notebook cells"] = f"{type(exc).__name__}: {exc}"
    def candidates(f):
        out = []
        for modname, m in sorted(mods.items()):
            obj = vars(m).get(f)
            if isinstance(obj, types.FunctionType) and obj.__module__ == modname:
                out.append((modname, obj))
        obj = nb_ns.get(f)
        if f in work["later_names"] and isinstance(obj, types.FunctionType):
            out.append(("the kit's notebook", obj))
        return out
    for a, gid, index, calls, functions in work["cases"]:
        found = {f: candidates(f) for f in functions}
        if not all(found.values()):
            report["outcomes"].append((a, gid, index, None, sorted(f for f, c in found.items() if not c)))
            continue
        base = {f: c[0][1] for f, c in found.items()}
        variants = [("", base)]
        for f, c in found.items():
            for modname, obj in c[1:]:
                variants.append((f"{modname}.{f}", dict(base, **{f: obj})))
        for label, ns in variants:
            report["outcomes"].append((a, gid, index, label, call_all(ns, calls)))
    with open(job + ".out", "wb") as f:
        pickle.dump(report, f)
''')


def _run_in_kit(kit, tmp_path):
    """Run every hidden case of every assignment on the kit's utils (functions of the graded
    names, aliases as variants) and every kit notebook's setup cell, in a child process that
    imports the kit's utils; return its report."""
    cases = []
    for a in ASSIGNMENTS:
        asg = assignment(a)
        for gid, cs in asg.cases.items():
            for i, case in enumerate(cs):
                cases.append((a, gid, i, case.calls, sorted(set(case.functions))))
    setups = {}
    for nb_path in sorted(p for p in (kit / "assignments").glob("*/*.ipynb") if p.stem in ASSIGNMENTS):
        nb = json.loads(nb_path.read_text())
        setup = next(notebooks.cell_source(c) for c in nb["cells"] if notebooks.grade_id(c) == "setup")
        setups[nb_path.stem] = (setup, str(nb_path.parent))
    job = tmp_path / "job.pkl"  # outside the kit
    last = sorted(p for p in (kit / "assignments").glob("*/*.ipynb") if p.stem in ASSIGNMENTS)[-1]
    nb = json.loads(last.read_text())
    code = [notebooks.cell_source(c) for c in nb["cells"] if c["cell_type"] == "code"
            and (notebooks.grade_id(c) == "setup" or notebooks.nbgrader_meta(c).get("solution"))]
    later = sorted({f for a in ASSIGNMENTS[ASSIGNMENTS.index(last.stem):] for cs in assignment(a).cases.values()
                    for c in cs for f in c.functions})
    job.write_bytes(pickle.dumps({"cases": cases, "setups": setups, "notebook_code": code, "later_names": later}))
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH="")
    r = subprocess.run([sys.executable, str(script), str(kit), str(paths.ROOT), str(job)], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return pickle.loads((tmp_path / "job.pkl.out").read_bytes())


@pytest.mark.parametrize("k", ALL_K)
def test_kit_utils_withholds_later_answers_and_keeps_earlier_ones(kits, k, tmp_path):
    kit, withheld = kits[k]
    report = _run_in_kit(kit, tmp_path)
    assert report["setup"] == {a: None for a in ASSIGNMENTS[:k]}, report["setup"]  # every setup cell runs
    results = {}  # (assignment, test) -> {variant: {case index: passed}}; variant "" is the first definition
    for a, gid, index, label, result in report["outcomes"]:
        asg = assignment(a)
        ok = label is not None and _judge_case(asg.cases[gid][index], result, asg.reference[gid][index])[0] is None
        results.setdefault((a, gid), {}).setdefault(label or "", {})[index] = ok
    passed = {}  # (assignment, test, variant) -> every case passed (another definition of one function
    for (a, gid), variants in results.items():  # is judged with the first of the others)
        base = variants.get("", {})
        n = len(assignment(a).cases[gid])
        for label, oks in variants.items():
            passed[(a, gid, label)] = all(oks.get(i, base.get(i, False)) for i in range(n))
    later, earlier = ASSIGNMENTS[k - 1:], ASSIGNMENTS[: k - 1]
    leaks = [key for key, ok in passed.items() if ok and key[0] in later]
    assert not leaks, f"the kit's utils passes hidden tests of assignments >= {ASSIGNMENTS[k - 1]}: {leaks}"
    for a in earlier:  # what earlier assignments taught works: every test of theirs passes on utils
        for gid in assignment(a).info.tests:
            mine = {key: ok for key, ok in passed.items() if key[:2] == (a, gid)}
            assert mine and all(mine.values()), f"{a} {gid}: {mine}"
    # every withheld function says after which assignment it is released
    for w in withheld.values():
        text = (kit / "utils" / f"{w.module.split('.')[1]}.py").read_text()
        assert f"{w.module}.{w.qualname} is " in text and f"after assignment {w.release}" in text


@pytest.mark.parametrize("k", ALL_K)
def test_kit_notebooks_use_nothing_withheld(kits, k):
    """No notebook of the kit imports or calls from utils a function the kit withholds (or a class
    with a withheld method): its experiments must run on the student's own functions."""
    kit, withheld = kits[k]
    by_name = {(w.module, w.qualname) for w in withheld.values()}
    graded_later = {f for a in ASSIGNMENTS[k:] for cs in assignment(a).cases.values() for c in cs for f in c.functions}
    problems = []
    for a in ASSIGNMENTS[:k]:
        nb = json.loads((kit / "assignments" / a / f"{a}.ipynb").read_text())
        modules = {}  # local name -> utils module
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse(notebooks.strip_magics(notebooks.cell_source(cell)))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("utils"):
                    for alias in node.names:
                        if (node.module, alias.name) in by_name or any(
                                m == node.module and q.startswith(f"{alias.name}.") for m, q in by_name):
                            problems.append(f"{a} imports {node.module}.{alias.name}")
                        if node.module == "utils":
                            modules[alias.asname or alias.name] = f"utils.{alias.name}"
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                        and node.value.id in modules and (modules[node.value.id], node.attr) in by_name:
                    problems.append(f"{a} calls {modules[node.value.id]}.{node.attr}")
                elif isinstance(node, ast.FunctionDef) and node.name in graded_later:
                    problems.append(f"{a} defines {node.name}, graded in a later assignment")
    assert not problems, problems


def test_rewrite_keeps_signature_docstring_and_the_rest():
    source = textwrap.dedent('''
        """Module."""
        import numpy as np

        # a comment of the module
        def kept(x):
            """Kept."""
            return x + 1  # stays


        def gone(x, axis=-1):
            """Contract: x (N, D) -> (N, D).

            Computed as exp(x - max) / sum: a line that gives the answer away.
            """
            shifted = x - x.max(axis=axis, keepdims=True)  # the idea
            # a hint in a comment
            return np.exp(shifted)
            # trailing indented comment

        class Net:
            def loss(self, X):
                return gone(X)
    ''')
    from autograder.kit import Withheld

    out = rewrite_module(source, {"gone": Withheld("utils.m", "gone", "05_mlp", True),
                                  "Net.loss": Withheld("utils.m", "Net.loss", "05_mlp", False)})
    assert "def gone(x, axis=-1):" in out and "Contract: x (N, D) -> (N, D)." in out
    assert "shifted" not in out and "hint" not in out and "trailing" not in out and "np.exp" not in out
    assert "gives the answer away" not in out  # only the first line of utils' own docstring is kept
    assert "return x + 1  # stays" in out and "# a comment of the module" in out
    again = rewrite_module(source, {"gone": Withheld("utils.m", "gone", "05_mlp", True)},
                           {"gone": "The notebook's contract.\n\nInputs: x."})
    assert '"""The notebook\'s contract.' in again and "Contract: x" not in again  # the notebook's docstring
    ns = {}
    exec(out, ns)
    assert ns["kept"](1) == 2
    with pytest.raises(NotImplementedError, match="utils.m.gone is released after assignment 05_mlp"):
        ns["gone"](None)
    with pytest.raises(NotImplementedError, match="built on what assignment 05_mlp teaches"):
        ns["Net"]().loss(None)


def test_kit_replaces_only_a_kit(tmp_path):
    with pytest.raises(SystemExit, match="not a kit written before"):
        build_kit(1, paths.ROOT, force=True)  # never the course folder
    (tmp_path / "mine").mkdir()
    with pytest.raises(SystemExit, match="exists"):
        build_kit(1, tmp_path / "mine")
    build_kit(1, tmp_path / "kit")
    build_kit(2, tmp_path / "kit", force=True)
    assert json.loads((tmp_path / "kit" / "kit.json").read_text())["up_to"] == ASSIGNMENTS[1]


def test_plan_counts_aliases_and_code_built_on_withheld_functions():
    p = plan(4)
    assert ("utils.perceptron", "sigmoid") in p and ("utils.layers", "sigmoid") in p  # an alias of 04's sigmoid
    assert p[("utils.layers", "sigmoid")].release == "04_perceptron"
    assert p[("utils.models", "FullyConnectedNet.loss")].release == "05_mlp"  # built on 05's layers
    p5 = plan(5)
    assert ("utils.perceptron", "sigmoid") not in p5 and ("utils.layers", "sigmoid") not in p5
    assert ("utils.optim", "sgd_momentum") not in p5 and ("utils.optim", "adam") in p5
    assert ("utils.train", "train") not in p5  # the training loop works on any model


# ----------------------------------------------------------------------------- check in the kit


def _check_in_kit(kit, *args):
    env = dict(os.environ, PYTHONPATH="")
    return subprocess.run([sys.executable, "-m", "autograder", "check", *args], capture_output=True, text=True,
                          cwd=kit, env=env, timeout=1200)


def test_kit_check_validates_structure_without_solutions(kits, tmp_path):
    kit, _ = kits[5]
    name = "05_mlp"
    ref = released_notebook(name, kit / "assignments")
    r = _check_in_kit(kit, f"assignments/{name}/{name}.ipynb", "--structure-only")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "structure: ok" in r.stdout and "hidden tests" in r.stdout and "when your instructor grades" in r.stdout
    cases = {}
    nb = json.loads(json.dumps(ref))
    nb["cells"] = [c for c in nb["cells"] if notebooks.grade_id(c) != "test_affine_forward"]
    cases["deleted"] = (nb, "the test cell 'test_affine_forward' is missing")
    nb = json.loads(json.dumps(ref))
    setup = next(c for c in nb["cells"] if notebooks.grade_id(c) == "setup")
    setup["source"] = notebooks.cell_source(setup) + "\nfrom utils.layers import affine_forward\n"
    cases["setup"] = (nb, "the setup cell 'setup' was changed")
    nb = json.loads(json.dumps(ref))
    test = next(c for c in nb["cells"] if notebooks.grade_id(c) == "test_mlp_scores")
    test["source"] = "pass"
    cases["test"] = (nb, "the test cell 'test_mlp_scores' was changed")
    nb = json.loads(json.dumps(ref))
    copy = json.loads(json.dumps(next(c for c in nb["cells"] if notebooks.grade_id(c) == "affine_forward")))
    nb["cells"].append(copy)
    cases["duplicate"] = (nb, "appears 2 times")
    for what, (nb, expected) in cases.items():
        path = tmp_path / what / f"{name}.ipynb"
        path.parent.mkdir()
        path.write_text(json.dumps(nb))
        report = visible.check(path, assignments=kit / "assignments", execute=False)
        assert any(expected in p for p in report.problems), (what, report.problems)
        assert not report.ok
    path = tmp_path / "broken" / f"{name}.ipynb"
    path.parent.mkdir()
    path.write_text('{"cells": [')
    r = _check_in_kit(kit, str(path), "--structure-only")
    assert r.returncode == 1 and "not valid notebook JSON" in r.stdout
    r = subprocess.run([sys.executable, "-m", "autograder", "grade", name, "x", "--out", "y"], capture_output=True,
                       text=True, cwd=kit, env=dict(os.environ, PYTHONPATH=""), timeout=120)
    assert r.returncode != 0  # the kit's grader has no `grade`: nothing of the judge is in it


# ----------------------------------------------------------------------------- collecting


def test_collect_reads_folders_nbgrader_canvas_and_moodle(tmp_path):
    name = "05_mlp"
    nb = b'{"cells": []}'
    flat = tmp_path / "flat"
    flat.mkdir()
    (flat / "alice.ipynb").write_bytes(nb)
    (flat / f"bob_{name}.ipynb").write_bytes(nb)
    (flat / "link.ipynb").symlink_to(flat / "alice.ipynb")
    nbg = tmp_path / "submitted"
    (nbg / "cyd" / name).mkdir(parents=True)
    (nbg / "cyd" / name / f"{name}.ipynb").write_bytes(nb)
    (nbg / "cyd" / "04_perceptron").mkdir()
    (nbg / "cyd" / "04_perceptron" / "04_perceptron.ipynb").write_bytes(nb)
    canvas = tmp_path / "canvas.zip"
    with zipfile.ZipFile(canvas, "w") as z:
        z.writestr(f"smithdee_12345_67890_{name}.ipynb", nb)
        z.writestr(f"jonesed_LATE_12346_67891_{name}-1.ipynb", nb)
        z.writestr("../../evil_1_2_x.ipynb", nb)  # skipped: whose it is cannot be told, and never a path
        z.writestr("__MACOSX/._junk.ipynb", b"junk")
    moodle = tmp_path / "moodle.zip"
    with zipfile.ZipFile(moodle, "w") as z:
        z.writestr(f"Fay Gee_4321_assignsubmission_file_/{name}.ipynb", nb)
        z.writestr("Gus Ho_4322_assignsubmission_file_/my work.ipynb", nb)
    dest = tmp_path / "subs"
    written = collect(name, [flat, nbg, canvas, moodle], dest, log=lambda *a: None)
    assert written == {"alice": [f"{name}.ipynb"], "bob": [f"{name}.ipynb"], "cyd": [f"{name}.ipynb"],
                       "smithdee": [f"{name}.ipynb"], "jonesed": [f"{name}.ipynb"],
                       "Fay_Gee": [f"{name}.ipynb"], "Gus_Ho": [f"{name}.ipynb"]}, written
    assert not (tmp_path / "evil_1_2_x.ipynb").exists() and not (tmp_path.parent / "evil_1_2_x.ipynb").exists()
    with open(dest / "collected.csv") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["jonesed"]["late"] == "late" and rows["Fay_Gee"]["lms_folder"] == "Fay Gee_4321_assignsubmission_file_"

    graded = tmp_path / "graded"
    for s in ("Fay_Gee", "alice"):
        (graded / "feedback" / s).mkdir(parents=True)
        (graded / "feedback" / s / f"{name}.html").write_text("<p>ok</p>")
    back = tmp_path / "return"
    return_feedback(graded, back, dest / "collected.csv", log=lambda *a: None)
    assert (back / "Fay Gee_4321_assignsubmission_file_" / f"{name}_feedback.html").is_file()
    assert (back / "alice" / f"{name}_feedback.html").is_file()
    with zipfile.ZipFile(back.with_suffix(".zip")) as z:
        assert sorted(z.namelist()) == [f"Fay Gee_4321_assignsubmission_file_/{name}_feedback.html",
                                        f"alice/{name}_feedback.html"]


# ----------------------------------------------------------------------------- one week, end to end


@pytest.mark.slow
def test_a_student_working_in_the_kit_gets_full_marks(kits, tmp_path):
    """A student of 05_mlp fills in the notebook inside the kit, runs it top to bottom there with
    `check` (its experiments run on their own functions: no cell may raise), submits through a
    Canvas zip, and the instructor's collect, grade, feedback and export give full marks."""
    kit, _ = kits[5]
    name = "05_mlp"
    asg = assignment(name)
    mine = kit / "assignments" / name / "done" / f"{name}.ipynb"
    mine.parent.mkdir()
    mine.write_text(json.dumps(with_cells(released_notebook(name, kit / "assignments"), asg.info.solution_code)))
    r = _check_in_kit(kit, str(mine.relative_to(kit)))
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert f"{len(asg.info.tests)}/{len(asg.info.tests)} passed" in r.stdout
    assert " raised " not in r.stdout, r.stdout  # every experiment ran on the student's functions

    lms = tmp_path / "canvas.zip"
    with zipfile.ZipFile(lms, "w") as z:
        z.write(mine, f"studentada_1001_2001_{name}.ipynb")
        z.write(kit / "assignments" / name / f"{name}.ipynb", f"studentben_1002_2002_{name}.ipynb")
    subs = tmp_path / "submissions"
    run = lambda *a: subprocess.run([sys.executable, "-m", "autograder", *a], capture_output=True,  # noqa: E731
                                    text=True, cwd=paths.ROOT, timeout=900)
    r = run("collect", name, str(lms), "--to", str(subs))
    assert r.returncode == 0, r.stderr
    r = run("grade", name, str(subs), "--out", str(tmp_path / "graded"), "--seed", "0")
    assert r.returncode == 0, r.stderr[-2000:]
    with open(tmp_path / "graded" / "students.csv") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    full = f"{sum(asg.info.tests.values()):g}"
    assert (rows["studentada"]["score"], rows["studentada"]["status"]) == (full, "graded")
    assert rows["studentben"]["score"] == "0"
    r = run("feedback", str(tmp_path / "graded"), "--to", str(tmp_path / "return"))
    assert r.returncode == 0 and (tmp_path / "return" / "studentada" / f"{name}_feedback.html").is_file()
    r = run("export", str(tmp_path / "graded"), "--to", str(tmp_path / "course.csv"))
    assert r.returncode == 0 and f"studentada,{full},{full}" in (tmp_path / "course.csv").read_text()


def test_the_probe_finds_the_answers_in_the_full_utils(tmp_path):
    """The probe above is not blind: on utils as the repository holds it, every assignment's
    tests pass (so a kit that withheld nothing would fail the test above)."""
    report = _run_in_kit(paths.ROOT, tmp_path)
    ok = {}
    for a, gid, index, label, result in report["outcomes"]:
        if label == "":
            asg = assignment(a)
            ok.setdefault((a, gid), []).append(_judge_case(asg.cases[gid][index], result,
                                                           asg.reference[gid][index])[0] is None)
    for a in ASSIGNMENTS:
        for gid in assignment(a).info.tests:
            assert all(ok[(a, gid)]), (a, gid)


def test_visible_check_runs_the_notebook_and_reports_each_test(tmp_path):
    """`check --visible` in the repository is what `check` does in a kit: the notebook from a fresh
    kernel, each visible test, the cells that raised, and no hidden test."""
    name = "01_softmax"
    asg = assignment(name)
    nb = with_cells(released_notebook(name), {"softmax": asg.info.solution_code["softmax"]})
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    r = subprocess.run([sys.executable, "-m", "autograder", "check", "--visible", str(path)], capture_output=True,
                       text=True, cwd=paths.ROOT, timeout=600)
    assert r.returncode == 1, r.stdout + r.stderr  # not all visible tests pass
    assert "structure: ok" in r.stdout
    assert "ok   test_softmax_basic" in r.stdout and "ok   test_softmax_stable" in r.stdout
    assert "FAIL test_one_hot" in r.stdout and "not written yet" in r.stdout
    assert "visible tests: 2/6 passed (4/11 points)" in r.stdout
    assert "hidden tests" in r.stdout and "when your instructor grades" in r.stdout
