"""Write a student kit: "the course up to assignment k", without any of the answers.

``python -m autograder kit K --out DIR`` writes a self-contained folder an instructor can hand out
or publish week by week:

- ``assignments/<a>/<a>.ipynb`` for the assignments 01..k, as released (``assignments/``);
- ``utils/``, rewritten so that every function taught in assignment k or later has no body:
  calling it raises ``NotImplementedError`` saying after which assignment it is released, and its
  docstring is the released notebook's (or the first line of utils' own). Aliases
  count (the same name defined in another utils module, e.g. 04's ``sigmoid``), and so does code
  built on them: a function or method that calls a withheld function is withheld until the last
  of them is released, and a private helper only withheld code used goes with it. Signatures and
  the modules' structure stay, so imports of what earlier assignments taught work;
- ``autograder/``: only ``check`` for students (``visible.py``), which runs the visible tests and
  checks the notebook's structure; nothing of the judge;
- ``README.md`` for students, ``requirements.txt``, ``pyproject.toml``, ``data/README.md``.

Nothing of ``solutions/`` (sources, hidden tests, wrong versions), no reference output, no compiled
file and no pickle is written: the kit is built from text, file by file, never by copying folders.
"""

import ast
import importlib.util
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import paths

UTILS = paths.ROOT / "utils"
KIT_AUTOGRADER = ("visible.py",)  # modules of the autograder package a kit holds, besides its CLI
STUDENT_REQUIREMENTS_DROP = ("nbgrader", "jupytext", "pytest")  # the instructor's tools


def load_taught(assignment, solutions=paths.SOLUTIONS):
    """The TAUGHT map of an assignment's hidden tests: {name: 'utils.module.function' or a list}."""
    path = Path(solutions) / assignment / paths.HIDDEN_TESTS
    spec = importlib.util.spec_from_file_location(f"taught_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(getattr(module, "TAUGHT", {}))


def resolve_k(k, names):
    """The assignment named by ``k``: its number (5), its name (05_mlp) or its number's prefix (05)."""
    k = str(k)
    for name in names:
        if k == name or (k.isdigit() and name.split("_", 1)[0].isdigit() and int(name.split("_", 1)[0]) == int(k)):
            return name
    raise SystemExit(f"no assignment '{k}': the assignments are {', '.join(names)}")


@dataclass(frozen=True)
class Withheld:
    """A function or method of utils that the kit ships without its body."""

    module: str  # utils.layers
    qualname: str  # affine_forward, or FullyConnectedNet.loss
    release: str  # the assignment after which it is released
    taught: bool  # taught there (True), or built on what is (False)


def _refs(node):
    """Bare names a function's body refers to: ``f`` in ``f(x)`` and in ``layers.f(x)``."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            names.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.add(sub.attr)
    return names


def _units(tree):
    """The module's top-level functions and the methods of its top-level classes: (qualname, node,
    class name or None)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node, None
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield f"{node.name}.{sub.name}", sub, node.name


def plan(k, solutions=paths.SOLUTIONS, utils_dir=UTILS):
    """What the kit for assignment ``k`` withholds: {(module, qualname): Withheld}.

    1. Every function an assignment >= k teaches (its TAUGHT map), and every top-level function of
       the same name in another utils module (an alias), released after that assignment.
    2. Then, until nothing changes: a function or method whose body refers to a withheld function
       or class by name is withheld until the last of those is released; a class with a withheld
       method counts as withheld for its users; a private helper (``_name``) that only withheld
       code refers to is withheld until the first of its users is released.
    """
    names = paths.assignment_names(solutions)
    k = resolve_k(k, names)
    later = names[names.index(k):]
    order = {a: i for i, a in enumerate(names)}
    modules = {f"utils.{p.stem}": ast.parse(p.read_text(encoding="utf-8"))
               for p in sorted(Path(utils_dir).glob("*.py")) if p.stem != "__init__"}
    units = {(m, q): (node, cls) for m, tree in modules.items() for q, node, cls in _units(tree)}

    withheld = {}
    for a in later:
        for dotted in load_taught(a, solutions).values():
            for name in [dotted] if isinstance(dotted, str) else list(dotted):
                modname, attr = name.rsplit(".", 1)
                for (m, q) in units:
                    if q == attr and (m == modname or "." not in q):
                        withheld.setdefault((m, q), Withheld(m, q, a, True))
    changed = True
    while changed:
        changed = False
        # release point of each withheld bare name (function, or class with a withheld method)
        level = {}
        for (m, q), w in withheld.items():
            bare = q.split(".")[0]  # a function, or the class of a method (its users need the class)
            level[bare] = max(level.get(bare, w.release), w.release, key=order.get)
        for (m, q), (node, cls) in units.items():
            if (m, q) in withheld:
                continue
            hit = {n for n in _refs(node) if n in level and n != q.split(".")[-1]}
            if hit:
                release = max((level[n] for n in hit), key=order.get)
                withheld[(m, q)] = Withheld(m, q, release, False)
                changed = True
        # private helpers only withheld code uses
        for (m, q), (node, cls) in units.items():
            if (m, q) in withheld or cls is not None or not q.startswith("_"):
                continue
            users = [(um, uq) for (um, uq), (unode, _) in units.items()
                     if (um, uq) != (m, q) and q in _refs(unode)]
            users_at_module = any(q in _refs(stmt) for stmt in modules[m].body
                                  if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
            if users and not users_at_module and all(u in withheld for u in users):
                release = min((withheld[u].release for u in users), key=order.get)
                withheld[(m, q)] = Withheld(m, q, release, False)
                changed = True
    return withheld


def _message(w):
    if w.taught:
        return (f"{w.module}.{w.qualname} is released after assignment {w.release}: "
                f"in {w.release} you write it yourself (use your own function from the notebook)")
    return (f"{w.module}.{w.qualname} is built on what assignment {w.release} teaches: "
            f"it is released after assignment {w.release}")


def _docstring(text, indent):
    """A docstring's source lines at ``indent``."""
    text = text.strip("\n").replace('"' * 3, "'" * 3)
    prefix = "r" if "\\" in text else ""
    lines = text.splitlines() or [""]
    q = '"' * 3
    if len(lines) == 1:
        return [f"{indent}{prefix}{q}{lines[0]}{q}\n"]
    return ([f"{indent}{prefix}{q}{lines[0]}\n"] + [f"{indent}{line}\n" if line.strip() else "\n" for line in lines[1:]]
            + [f"{indent}{q}\n"])


def rewrite_module(source, withheld, docstrings=None):
    """Return ``source`` with the bodies of the withheld functions and methods ({qualname:
    Withheld}) replaced by a ``raise NotImplementedError(...)``; signature and decorators kept.
    The docstring becomes ``docstrings[qualname]`` (the released notebook's, which says no more than
    what students see) or else the first line of the original (a utils docstring can say more
    than the contract: a formula that is the answer). The rest of the module, comments included,
    is left as it is."""
    docstrings = docstrings or {}
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits = []  # (first line index, end line index exclusive, replacement lines)
    for qualname, node, cls in _units(tree):
        if qualname not in withheld:
            continue
        body = node.body
        if body[0].lineno == node.lineno:
            raise ValueError(f"{qualname}: a body on the def line is not supported")
        indent = " " * body[0].col_offset
        original = ast.get_docstring(node)
        doc = docstrings.get(qualname) or (original.strip().splitlines()[0] if original and original.strip() else "")
        start, end = body[0].lineno - 1, body[-1].end_lineno
        # comments and blank lines indented under the function after its last statement go too
        while end < len(lines) and (not lines[end].strip() or
                                    (lines[end][:1].isspace() and lines[end].lstrip().startswith("#"))):
            end += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        stub = (_docstring(doc, indent) if doc else []) + [
            f"{indent}raise NotImplementedError({_message(withheld[qualname])!r})\n"]
        edits.append((start, end, stub))
    for start, end, stub in sorted(edits, reverse=True):
        lines[start:end] = stub
    out = "".join(lines)
    ast.parse(out)  # still valid Python
    return out


def released_docstrings(withheld, assignments=paths.ASSIGNMENTS):
    """{(module, qualname): docstring} of the withheld functions an assignment teaches, taken from
    the solution cell of the same name in that assignment's released notebook."""
    found = {}
    for (m, q), w in withheld.items():
        path = Path(assignments) / w.release / f"{w.release}.ipynb"
        if not w.taught or not path.is_file():
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.get("cell_type") != "code" or not meta.get("solution"):
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                tree = ast.parse(src)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.FunctionDef) and node.name == q and ast.get_docstring(node):
                    found[(m, q)] = ast.get_docstring(node)
    return found


def write_utils(k, dest, solutions=paths.SOLUTIONS, utils_dir=UTILS, assignments=paths.ASSIGNMENTS):
    """Write the kit's ``utils`` for assignment ``k`` into ``dest``; return the withheld plan."""
    withheld = plan(k, solutions, utils_dir)
    docs = released_docstrings(withheld, assignments)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for p in sorted(Path(utils_dir).glob("*.py")):
        mod = f"utils.{p.stem}"
        mine = {q: w for (m, q), w in withheld.items() if m == mod}
        text = p.read_text(encoding="utf-8")
        if mine:
            text = rewrite_module(text, mine, {q: d for (m, q), d in docs.items() if m == mod})
        (dest / p.name).write_text(text, encoding="utf-8")
    return withheld


def _student_requirements():
    """The course's requirements.txt without the instructor's tools (and their comments)."""
    keep, comments = [], []
    lines = (paths.ROOT / "requirements.txt").read_text().splitlines()
    body = lines[next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")):]
    for line in body:
        if line.startswith("#") or not line.strip():
            comments.append(line)
            continue
        if line.split("==")[0].strip().lower() not in STUDENT_REQUIREMENTS_DROP:
            keep += comments + [line]
        comments = []
    header = ["# What the course's notebooks need: `pip install -r requirements.txt`. Exact pins, so every",
              "# machine runs the same code. The last line installs this kit's `utils` and `autograder` (for",
              "# `python -m autograder check`). nbclient, which `check` runs notebooks with, comes with jupyterlab."]
    return "\n".join(header + keep) + "\n"


PYPROJECT = """[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "dl-from-scratch-kit"
version = "0.1.0"
description = "Deep Learning from Scratch: the student kit (notebooks, the course package utils, check)"
requires-python = ">=3.11"

[tool.setuptools]
packages = ["utils", "autograder"]
"""

KIT_INIT = '''"""The student's side of the course's grader: ``python -m autograder check NOTEBOOK``.

It runs the notebook's visible tests from a fresh kernel and checks its structure against the
released notebook in ``assignments/``. The hidden tests run when the instructor grades.
"""
'''

KIT_MAIN = '''"""``python -m autograder check NOTEBOOK``: the student kit's command line."""

from .visible import main

if __name__ == "__main__":
    main()
'''


def student_readme(names, k, withheld):
    rows = "\n".join(f"| {n.split('_', 1)[0]} | `assignments/{n}/{n}.ipynb` |" for n in names)
    later = sorted({w.release for w in withheld.values() if w.taught})
    return f"""# Deep Learning from Scratch: student kit (up to {k})

Numpy notebooks that take you from softmax to your own neural networks. Everything in them you
write yourself; the course package `utils` holds what earlier assignments taught, so a mistake
left in an old assignment never breaks a new one.

## Install (once)

With Python 3.11:

```
python3 -m venv .venv
. .venv/bin/activate            # on Windows: .venv\\Scripts\\activate
pip install -r requirements.txt
jupyter lab assignments/
```

## The assignments in this kit

| # | notebook |
|---|---|
{rows}

Open the notebook, read it top to bottom, and fill in the body of each function where it says
`# YOUR CODE HERE`. Run the test cell under each function: a passing test prints `... passed`; a
failing one says what it expected, what it got and where to look.

## Before you submit

Restart the kernel and run all cells, then:

```
python -m autograder check assignments/{k}/{k}.ipynb
```

It runs your notebook from a fresh kernel, reports each visible test, and checks that the
notebook's structure is intact (no test cell deleted or changed, the setup cell as released, no
duplicated cell). These are the visible tests only: the **hidden tests**, which call your
functions on other inputs including hard cases, run when your instructor grades your submission.

Submit the notebook file `{k}.ipynb` itself, under that name.

## What `utils` holds

The building blocks of the assignments before this one, ready to use. What this assignment and
later ones teach is in `utils` by name only: calling it raises `NotImplementedError` saying after
which assignment it is released{' (' + ', '.join(later) + ')' if later else ''}. In the notebook,
use the functions you write.
"""


def build_kit(k, out, solutions=paths.SOLUTIONS, assignments=paths.ASSIGNMENTS, force=False):
    """Write the kit for "the course up to assignment ``k``" into ``out``; return the withheld plan.

    ``out`` must not exist, or be a kit written before (``force`` replaces it)."""
    names = paths.assignment_names(solutions)
    k = resolve_k(k, names)
    out = Path(out)
    if out.exists():
        if not force:
            raise SystemExit(f"{out} exists: pass --force to replace it")
        root = paths.ROOT.resolve()
        if not (out / "kit.json").is_file() or (out / "solutions").exists() or \
                out.resolve() == root or root.is_relative_to(out.resolve()):
            raise SystemExit(f"{out} is not a kit written before; not replacing it")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    up_to = names[: names.index(k) + 1]
    for a in up_to:
        src = Path(assignments) / a
        if not (src / f"{a}.ipynb").is_file():
            raise SystemExit(f"{src / (a + '.ipynb')} is missing: run `python -m autograder release` first")
        (out / "assignments" / a).mkdir(parents=True)
        for f in sorted(src.iterdir()):  # the released notebook and any data file released with it
            if f.is_file() and not f.is_symlink() and f.suffix not in (".py", ".pyc", ".pkl", ".pickle", ".npy", ".npz"):
                shutil.copyfile(f, out / "assignments" / a / f.name)
    withheld = write_utils(k, out / "utils", solutions, assignments=assignments)
    pkg = out / "autograder"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(KIT_INIT)
    (pkg / "__main__.py").write_text(KIT_MAIN)
    for name in KIT_AUTOGRADER:
        (pkg / name).write_text((paths.ROOT / "autograder" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (out / "data").mkdir()
    data_readme = paths.ROOT / "data" / "README.md"
    if data_readme.is_file():
        shutil.copyfile(data_readme, out / "data" / "README.md")
    (out / "requirements.txt").write_text(_student_requirements())
    (out / "pyproject.toml").write_text(PYPROJECT)
    (out / "README.md").write_text(student_readme(up_to, k, withheld))
    (out / "kit.json").write_text(json.dumps({
        "up_to": k, "assignments": up_to,
        "withheld": sorted(f"{w.module}.{w.qualname}" for w in withheld.values()),
    }, indent=1) + "\n")
    return withheld
