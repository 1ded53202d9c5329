"""Grade one submission: run the student's code in a sandboxed runner, compare with the reference.

The judge holds everything secret (the reference solution, the hidden inputs' expected outputs)
and never lets it into the runner. Each graded test is a list of cases (``spec.Case``); the
reference outputs are computed once per assignment, here, from ``solutions/<a>/<a>.py``.
"""

import builtins
import copy
import hashlib
import importlib.util
import re
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

    def __init__(self, name, solutions=paths.SOLUTIONS, seed=0):
        self.name = name
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
        blob = source.read_bytes() + hidden_path.read_bytes() + f"{seed}:{GRADER_VERSION}".encode()
        self.fingerprint = hashlib.sha256(blob).hexdigest()

    def reference_namespace(self, replacements=None):
        """Run the setup and solution cells of the source; return the namespace they define.
        See ``code_namespace`` for ``replacements``."""
        return code_namespace(self.info, self.name, replacements)

    def _reference_outputs(self):
        namespace = self.reference_namespace()
        return {gid: [call_all(namespace, case.calls) for case in cases] for gid, cases in self.cases.items()}


_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def _safe_error(out):
    """The student's exception, as the feedback may show it: a type name, the student's own code
    lines, and the message only when it does not quote the hidden inputs."""
    name = out.get("error")
    builtin = getattr(builtins, name, None) if isinstance(name, str) else None
    if not (isinstance(builtin, type) and issubclass(builtin, BaseException)):
        name = "an exception of its own class"  # a class name could spell out the inputs
    frames = out.get("traceback")
    frames = frames[-1500:] if isinstance(frames, str) else ""
    message = out.get("message")
    message = message if isinstance(message, str) else ""
    numbers = _NUMBER.findall(message)
    if len(numbers) > 6 or len(message) > 200 or any(sum(ch.isdigit() for ch in n) > 3 for n in numbers):
        message = "(message not shown: it may quote the test's inputs)"
    return name, f"{frames}{name}: {message}".rstrip(": ")


def _clean_outcome(out):
    """Check one outcome the runner sent; anything malformed counts as a crash."""
    if not isinstance(out, dict):
        raise Crashed("the runner sent a malformed answer")
    if "delegated" in out and not (isinstance(out["delegated"], list)
                                   and all(isinstance(d, str) for d in out["delegated"])):
        raise Crashed("the runner sent a malformed answer")
    return out


def _judge_case(case, outcomes, reference):
    """Return (status, message) for one case; status None when it passed."""
    for c, out, ref in zip(case.calls, outcomes, reference):
        if out.get("missing"):
            return "missing", f"`{c.function}` is not defined: run its cell, and keep its name and signature"
        if out.get("delegated"):
            return "delegated", (f"`{c.function}` calls {', '.join(out['delegated'])}, the course's own "
                                 "implementation of what this assignment asks you to write; write it yourself")
        if "error" in out:
            name, text = _safe_error(out)
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


class _Session:
    """A runner for one submission, restarted as needed after crashes and timeouts."""

    def __init__(self, asg, cells, limits, mpl_dir, result):
        self.asg, self.cells, self.limits, self.mpl_dir, self.result = asg, cells, limits, mpl_dir, result
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.skip, self.child, self.crashes, self.boots = set(), None, 0, 0
        self.cell_errors_reported = False

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
            current = None
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
                        current = index
                    elif event == "cell_done":
                        if current is None or msg.get("index") != current:
                            raise Crashed("the runner sent a malformed message")
                        error = msg.get("error")
                        if error and not self.cell_errors_reported:
                            label = self.cells[current][0]
                            self.result.notes.append(f"Cell '{label}' raised an error:\n{str(error)[-3000:]}")
                        current = None
                    elif event == "ready":
                        self.cell_errors_reported = True
                        return True
            except (Timeout, Crashed) as exc:
                tail = self.child.output_tail(500) if isinstance(exc, Crashed) else ""
                self.stop()
                if current is None:
                    self.result.notes.append(f"The grader's process could not start: {exc}")
                    return False
                label = self.cells[current][0]
                what = (f"did not finish within {self.limits.cell_seconds:.0f} s" if isinstance(exc, Timeout)
                        else f"ended the process ({exc})")
                kind = "timed out" if isinstance(exc, Timeout) else "crashed"
                self.result.notes.append(f"Cell '{label}' {what}; it was skipped and the rest graded without it."
                                         + (f"\nIts last output:\n{tail}" if tail.strip() else ""))
                self.result.notes.append(f"__{kind}__")
                self.skip.add(current)
        return False

    def run(self, calls, seconds):
        """Run calls in the runner; return outcomes, or raise Timeout / Crashed."""
        if self.child is None and not self.boot():
            raise Timeout()
        try:
            self.child.send({"calls": [_encode_call(c) for c in calls]})
            msg = self.child.recv(min(self.deadline, time.monotonic() + seconds))
        except (Timeout, Crashed):
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
                        status, message = _judge_case(case, outcomes, reference)
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
        session.stop()
    notes = [n for n in result.notes if not n.startswith("__")]
    flags = {n for n in result.notes if n.startswith("__")}
    result.notes = notes
    statuses = {t.status for t in result.tests}
    if result.violations:
        result.status = "tampering suspected"
    elif "timed out" in statuses or "__timed out__" in flags:
        result.status = "timed out"
    elif "crashed" in statuses or "__crashed__" in flags:
        result.status = "crashed"
    result.seconds = round(time.monotonic() - start, 3)
    return result
