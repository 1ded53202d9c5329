"""Grade one submission: run the student's code in a sandboxed runner, compare with the reference.

The judge holds everything secret (the reference solution, the hidden inputs' expected outputs)
and never lets it into the runner. Each graded test is a list of cases (``spec.Case``); the
reference outputs are computed once per assignment, here, from ``solutions/<a>/<a>.py``.
"""

import builtins
import copy
import hashlib
import importlib.util
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from . import notebooks, paths, spec
from .child import Child, Crashed, Timeout

GRADER_VERSION = "1"


@dataclass(frozen=True)
class Limits:
    """Time, memory and output limits. Change them with the ``grade`` command's options."""

    test_seconds: float = 10.0  # one graded test, all its cases
    cell_seconds: float = 60.0  # one notebook cell while the student's code loads
    notebook_seconds: float = 600.0  # everything for one submission
    memory_mb: int = 2048  # address space of the student's process
    file_size_mb: int = 64  # largest file (or output log) it can write
    disk_mb: int = 512  # all the files it writes together (the judge polls its work folder)
    max_crashes: int = 3  # restarts after crashes before the remaining tests are given up


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class
    test: str
    points: float
    max_points: float
    status: str  # passed, failed, error, timed out, crashed, missing, delegated, unreadable, no submission
    message: str = ""
    hint: str = ""


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    status: str  # graded, timed out, crashed, unreadable notebook, tampering suspected, no submission
    tests: list
    notes: list = field(default_factory=list)  # cell errors, skipped cells, the notebook used
    violations: list = field(default_factory=list)  # what the sandbox refused
    seconds: float = 0.0
    starved: bool = False  # a time-out came while the runner mostly waited for the CPU
    review: list = field(default_factory=list)  # code an instructor should read (review_flags)

    @property
    def score(self):
        return sum(t.points for t in self.tests)

    @property
    def max_score(self):
        return sum(t.max_points for t in self.tests)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, d):
        d = dict(d)
        d["tests"] = [TestResult(**t) for t in d["tests"]]
        return cls(**d)


def code_fingerprint():
    """A hash of the grader's and ``utils``' own code: a saved grade is reused only while both
    are unchanged (a fixed bug re-grades everyone)."""
    h = hashlib.sha256()
    for folder in (paths.ROOT / "autograder", paths.ROOT / "utils"):
        for p in sorted(folder.rglob("*.py")):
            h.update(str(p.relative_to(paths.ROOT)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _load_module(path, name):
    spec_ = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(module)
    return module


def call_all(namespace, calls):
    """Run a case's calls on the functions in ``namespace`` (the reference, or trusted code in
    tests), as the runner does for a student: one outcome per call."""
    raw, outcomes = [], []
    for c in calls:
        try:
            args = spec.resolve(copy.deepcopy(c.args), raw)
            kwargs = spec.resolve(copy.deepcopy(c.kwargs), raw)
            value = namespace[c.function](*args, **kwargs)
            raw.append(value)
            outcomes.append({"value": spec.to_plain(spec.select(value, c.send, args))})
        except Exception as exc:  # noqa: BLE001 - the reference may be meant to raise
            raw.append(None)
            outcomes.append({"error": type(exc).__name__})
    return outcomes


def code_namespace(info, name, replacements=None):
    """Run an assignment's setup cell and reference solution cells (``info``: a SourceInfo) in this
    process, then ``replacements`` ({grade_id: code}, trusted code such as a wrong version) on top;
    return the namespace. For the reference's outputs and for tests, never for a student's code."""
    namespace = {"__name__": "__reference__"}
    for code in [info.setup_code, *info.solution_code.values()]:
        exec(compile(code, f"<reference {name}>", "exec"), namespace)
    for gid, code in (replacements or {}).items():
        exec(compile(code, f"<replacement {name} {gid}>", "exec"), namespace)
    return namespace


class Assignment:
    """An assignment ready to grade: its source, hidden tests and the reference's outputs."""

    def __init__(self, name, solutions=paths.SOLUTIONS, seed=None):
        """``seed``: of the hidden inputs; None takes the course's (``paths.grading_seed``)."""
        self.name = name
        seed = paths.grading_seed() if seed is None else seed
        source = paths.source_path(name, solutions)
        self.source_nb = notebooks.read_source(source)
        self.info = notebooks.source_info(self.source_nb)
        hidden_path = source.parent / paths.HIDDEN_TESTS
        module = _load_module(hidden_path, f"hidden_tests_{name}")
        self.taught = dict(getattr(module, "TAUGHT", {}))
        missing = set(self.info.tests) ^ set(module.TESTS)
        if missing:
            raise ValueError(f"{hidden_path}: TESTS and the notebook's test cells differ on {sorted(missing)}")
        self.cases = {}
        for gid in self.info.tests:
            digest = int(hashlib.sha256(gid.encode()).hexdigest()[:8], 16)
            self.cases[gid] = list(module.TESTS[gid](np.random.default_rng([seed, digest])))
        self.reference = self._reference_outputs()
        blob = (source.read_bytes() + hidden_path.read_bytes() + f"{seed}:{GRADER_VERSION}:".encode()
                + code_fingerprint().encode())
        self.fingerprint = hashlib.sha256(blob).hexdigest()

    def reference_namespace(self, replacements=None):
        """Run the setup and solution cells of the source; return the namespace they define.
        See ``code_namespace`` for ``replacements``."""
        return code_namespace(self.info, self.name, replacements)

    def _reference_outputs(self):
        namespace = self.reference_namespace()
        return {gid: [call_all(namespace, case.calls) for case in cases] for gid, cases in self.cases.items()}


MAX_NOTES = 20  # notes kept per submission (cell errors, skipped cells): feedback stays readable
MAX_NOTE_CHARS = 4000


def _error_name(out):
    """The exception's class name when it is one of Python's own; any other name could spell out
    the hidden inputs."""
    name = out.get("error")
    builtin = getattr(builtins, name, None) if isinstance(name, str) else None
    if isinstance(builtin, type) and issubclass(builtin, BaseException):
        return name
    return "an exception of its own class"


def format_frames(frames, cells):
    """Where an exception was raised, from the judge's own copy of the cells: the runner sends
    only ``[cell index, line]`` pairs, so nothing the student's code chose (a file or function
    name, a line's text) reaches the feedback."""
    lines = []
    if not isinstance(frames, list):
        return ""
    for frame in frames[-5:]:
        if not (isinstance(frame, list) and len(frame) == 2 and all(type(v) is int for v in frame)):
            continue
        index, lineno = frame
        if not 0 <= index < len(cells):
            continue
        label, code = cells[index][0], cells[index][1]
        source = code.splitlines()
        text = source[lineno - 1].strip() if 1 <= lineno <= len(source) else ""
        lines.append(f"  in cell '{label}', line {lineno}" + (f": {text[:200]}" if text else ""))
    return "\n".join(lines)


def _safe_error(out, cells):
    """The student's exception in a hidden case, as the feedback may show it: a type name and
    where in their cells it was raised, never its message (free text the student's code wrote
    while it held the hidden inputs)."""
    name = _error_name(out)
    where = format_frames(out.get("frames"), cells)
    return name, (f"{where}\n{name}" if where else name)


def _clean_outcome(out):
    """Check one outcome the runner sent; anything malformed counts as a crash."""
    if not isinstance(out, dict):
        raise Crashed("the runner sent a malformed answer")
    if "delegated" in out and not (isinstance(out["delegated"], list)
                                   and all(isinstance(d, str) for d in out["delegated"])):
        raise Crashed("the runner sent a malformed answer")
    return out


def _judge_case(case, outcomes, reference, cells=()):
    """Return (status, message) for one case; status None when it passed."""
    for c, out, ref in zip(case.calls, outcomes, reference):
        if out.get("missing"):
            return "missing", f"`{c.function}` is not defined: run its cell, and keep its name and signature"
        if out.get("delegated"):
            return "delegated", (f"`{c.function}` calls {', '.join(out['delegated'])}, the course's own "
                                 "implementation of what this assignment asks you to write; write it yourself")
        if "error" in out:
            if out.get("unsendable"):
                return "error", (f"`{c.function}` returned something the grader cannot read (return "
                                 "numpy arrays, numbers, strings, lists, tuples or dicts of them)")
            name, text = _safe_error(out, cells)
            if ref.get("error") == name:
                continue
            if name == "NotImplementedError":
                return "error", f"`{c.function}` is not written yet: it still raises NotImplementedError"
            return "error", f"`{c.function}` raised {name}\n{text}".rstrip()
        if "error" in ref:
            return "failed", f"`{c.function}` should raise {ref['error']} here, but returned normally"
    try:
        if case.compare is not None:
            message = case.compare([o.get("value") for o in outcomes], [r.get("value") for r in reference], case)
            return ("failed", str(message)) if message else (None, "")
        for c, out, ref in zip(case.calls, outcomes, reference):
            message = spec.compare_outputs(out.get("value"), ref.get("value"), case.rtol,
                                           f"the result of `{c.function}`")
            if message:
                return "failed", message
    except Exception as exc:  # noqa: BLE001 - a result so odd the comparison itself fails
        return "failed", f"the result could not be compared with the expected one ({type(exc).__name__})"
    return None, ""


def _encode_call(c):
    return {"function": c.function, "args": [_plain_arg(a) for a in c.args],
            "kwargs": {k: _plain_arg(v) for k, v in c.kwargs.items()},
            "send": c.send if isinstance(c.send, (bool, int)) or c.send == spec.ARGS else True}


def _plain_arg(a):
    if isinstance(a, spec.Out):
        update = None if a.update is None else {k: _plain_arg(v) for k, v in a.update.items()}
        return {"__out__": [a.index, a.item, update]}
    if isinstance(a, (tuple, list)):
        return [_plain_arg(v) for v in a]
    if isinstance(a, dict):
        return {k: _plain_arg(v) for k, v in a.items()}
    if isinstance(a, np.ndarray):
        return a
    return a


# What honest numpy code never needs: taking functions apart (a closure's cells, a code object, a
# function made from one) or walking the interpreter's frames. Not refused (the sandbox decides
# that), but listed in review.csv for the instructor to read.
REVIEW_PATTERNS = ("__closure__", "cell_contents", "__code__", "FunctionType", "CodeType",
                   "__defaults__", "__kwdefaults__", "__globals__", "_getframe", "f_locals", "f_back",
                   "tb_frame", "__builtins__", "__subclasses__")


def review_flags(cells):
    """What in the student's cells (not the setup cell the grader adds) an instructor should read."""
    flags = []
    for label, code in cells[1:]:
        found = sorted({p for p in REVIEW_PATTERNS if p in code})
        if found:
            flags.append(f"cell '{label}' uses {', '.join(found)}")
    return flags[:MAX_NOTES]


def _cell_error_text(error, cells):
    """An error raised while a cell ran: where, from the judge's copy, and what it said. No hidden
    input exists in the runner yet at that point, so the student's own message may be shown."""
    if not isinstance(error, dict):
        return "(an unreadable error)"
    name = error.get("error") if isinstance(error.get("error"), str) else "Exception"
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    where = format_frames(error.get("frames"), cells)
    text = f"{name[:100]}: {message[:1500]}".rstrip(": ")
    return f"{where}\n{text}" if where else text


class _Session:
    """A runner for one submission, restarted as needed after crashes and timeouts."""

    def __init__(self, asg, cells, limits, mpl_dir, result):
        self.asg, self.cells, self.limits, self.mpl_dir, self.result = asg, cells, limits, mpl_dir, result
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.skip, self.child, self.crashes, self.boots = set(), None, 0, 0
        self.cell_errors_reported = False

    def note(self, text):
        """Add a note to the feedback, within the caps (flags starting with "__" always kept)."""
        notes = self.result.notes
        if text.startswith("__"):
            if text not in notes:
                notes.append(text)
            return
        shown = sum(1 for n in notes if not n.startswith("__"))
        if shown < MAX_NOTES:
            notes.append(text[:MAX_NOTE_CHARS])
        elif shown == MAX_NOTES:
            notes.append(f"(more notes left out: only the first {MAX_NOTES} are shown)")

    def _setup(self):
        return {"cells": self.cells, "skip": sorted(self.skip), "taught": self.asg.taught,
                "limits": {"memory_mb": self.limits.memory_mb, "file_size_mb": self.limits.file_size_mb,
                           "cpu_seconds": int(self.limits.notebook_seconds) + 60}}

    def stop(self):
        if self.child is not None:
            self.child.kill()
            self.child = None

    def boot(self):
        """Start a runner and run the cells; return False when the notebook's time is up."""
        while time.monotonic() < self.deadline:
            self.boots += 1
            self.child = Child(self._setup(), self.mpl_dir, self.result.violations, self.limits.disk_mb)
            current, started, cpu_before = None, time.monotonic(), self.child.cpu_seconds()
            try:
                msg = self.child.recv(min(self.deadline, time.monotonic() + 60))
                if msg.get("event") != "confined":
                    raise Crashed("the runner did not start properly")
                while True:
                    limit = self.limits.cell_seconds if current is not None else 60
                    msg = self.child.recv(min(self.deadline, time.monotonic() + limit))
                    event = msg.get("event")
                    if event == "cell_start":
                        index = msg.get("index")
                        if not (type(index) is int and 0 <= index < len(self.cells)) or current is not None:
                            raise Crashed("the runner sent a malformed message")
                        current, started, cpu_before = index, time.monotonic(), self.child.cpu_seconds()
                    elif event == "cell_done":
                        if current is None or msg.get("index") != current:
                            raise Crashed("the runner sent a malformed message")
                        error = msg.get("error")
                        if error and not self.cell_errors_reported:
                            self.note(f"Cell '{self.cells[current][0]}' raised an error:\n"
                                      + _cell_error_text(error, self.cells))
                        current = None
                    elif event == "ready":
                        self.cell_errors_reported = True
                        return True
            except (Timeout, Crashed) as exc:
                if isinstance(exc, Timeout) and self._starved(cpu_before, started):
                    self.note("__starved__")
                tail = self.child.output_tail(500) if isinstance(exc, Crashed) else ""
                self.stop()
                if current is None:
                    self.note(f"The grader's process could not start: {exc}")
                    return False
                label = self.cells[current][0]
                what = (f"did not finish within {self.limits.cell_seconds:.0f} s" if isinstance(exc, Timeout)
                        else f"ended the process ({exc})")
                kind = "timed out" if isinstance(exc, Timeout) else "crashed"
                self.note(f"Cell '{label}' {what}; it was skipped and the rest graded without it."
                          + (f"\nIts last output:\n{tail}" if tail.strip() else ""))
                self.note(f"__{kind}__")
                self.skip.add(current)
        return False

    def _starved(self, cpu_before, started):
        """After a timeout: True when the runner used less than half of the time as CPU time,
        i.e. it mostly waited (a busy machine, or a sleep) rather than computed. Such a
        submission is graded again alone at the end of the batch (grade.grade_class)."""
        cpu_after = self.child.cpu_seconds() if self.child is not None else None
        if cpu_before is None or cpu_after is None:
            return False
        return cpu_after - cpu_before < 0.5 * (time.monotonic() - started)

    def run(self, calls, seconds):
        """Run calls in the runner; return outcomes, or raise Timeout / Crashed."""
        if self.child is None and not self.boot():
            raise Timeout()
        started, cpu_before = time.monotonic(), self.child.cpu_seconds()
        try:
            deadline = min(self.deadline, time.monotonic() + seconds)
            self.child.send({"calls": [_encode_call(c) for c in calls]}, deadline)
            msg = self.child.recv(deadline)
        except Timeout:
            if self._starved(cpu_before, started):
                self.note("__starved__")
            self.stop()
            raise
        except Crashed:
            self.stop()
            raise
        results = msg.get("results")
        try:
            if msg.get("event") != "results" or not isinstance(results, list) or len(results) != len(calls):
                raise Crashed("the runner sent a malformed answer")
            return [_clean_outcome(out) for out in results]
        except Crashed:
            self.stop()
            raise


def grade_submission(asg, notebook_path, student, limits=Limits(), mpl_dir=None):
    """Grade one notebook file; return a SubmissionResult. Never raises for a bad submission."""
    start = time.monotonic()
    result = SubmissionResult(student, asg.name, "graded", [])
    try:
        submission = notebooks.read_submission(Path(notebook_path))
    except notebooks.UnreadableNotebook as exc:
        result.status = "unreadable notebook"
        result.notes.append(f"The notebook could not be read: {exc}. Nothing was graded; fix the file and resubmit.")
        result.tests = [TestResult(gid, 0.0, pts, "unreadable", str(exc)) for gid, pts in asg.info.tests.items()]
        return result
    cells = notebooks.cells_to_run(asg.info, submission)
    result.review = review_flags(cells)
    session = _Session(asg, cells, limits, mpl_dir or "", result)
    hung = set()
    try:
        for gid, max_points in asg.info.tests.items():
            status, message, hint = None, "", ""
            test_deadline = time.monotonic() + limits.test_seconds
            for case, reference in zip(asg.cases[gid], asg.reference[gid]):
                if hung & set(case.functions):
                    status = "timed out"
                    message = (f"`{', '.join(sorted(hung & set(case.functions)))}` did not finish in an earlier "
                               "test, so it was not run again: look for a loop that never ends")
                elif session.crashes >= limits.max_crashes:
                    status, message = "crashed", "not run: the process crashed too often in earlier tests"
                elif time.monotonic() >= session.deadline:
                    status, message = "timed out", f"not run: the notebook's {limits.notebook_seconds:.0f} s were used up"
                else:
                    try:
                        left = max(0.5, test_deadline - time.monotonic())
                        outcomes = session.run(case.calls, left)
                        status, message = _judge_case(case, outcomes, reference, cells)
                    except Timeout:
                        hung |= set(case.functions)
                        status = "timed out"
                        message = (f"{case.label}: `{', '.join(case.functions)}` did not finish within "
                                   f"{limits.test_seconds:.0f} s: look for a loop that never ends or work that "
                                   "grows too fast")
                    except Crashed as exc:
                        session.crashes += 1
                        status, message = "crashed", f"{case.label}: the process died while running it ({exc})"
                if status:
                    if status in ("failed", "error", "missing", "delegated"):
                        message = f"{case.label}: {message}" if status != "missing" else message
                    hint = case.hint
                    break
            passed = status is None
            result.tests.append(TestResult(gid, max_points if passed else 0.0, max_points,
                                           "passed" if passed else status, message, "" if passed else hint))
    finally:
        try:
            session.stop()
        except Exception as exc:  # noqa: BLE001 - clean-up must never lose the grade or the evidence
            result.notes.append(f"__cleanup__ the grader could not clean up after this notebook ({type(exc).__name__})")
    notes = [n for n in result.notes if not n.startswith("__")]
    flags = {n for n in result.notes if n.startswith("__")}
    result.notes = notes
    result.starved = "__starved__" in flags
    statuses = {t.status for t in result.tests}
    if result.violations:
        result.status = "tampering suspected"
    elif "timed out" in statuses or "__timed out__" in flags:
        result.status = "timed out"
    elif "crashed" in statuses or "__crashed__" in flags:
        result.status = "crashed"
    result.seconds = round(time.monotonic() - start, 3)
    return result
