"""How hidden tests are written.

An assignment's ``solutions/<a>/hidden_tests.py`` defines:

- ``TAUGHT``: ``{graded function name: "utils.module.name"}``, the course's own implementation of
  each function the assignment teaches. A student's function that calls it is reported as
  delegating, and the test fails.
- ``TESTS``: ``{grade_id: make_cases}``, one entry per visible test cell of the notebook, where
  ``make_cases(rng)`` returns a list of ``Case``. The test's points are earned when every case
  passes.

A ``Case`` is a few calls of student functions on inputs the grader makes. The judge runs the same
calls on the reference solution (outside the student's process) and compares the outputs, by
default with a relative tolerance scaled to the reference's magnitude; a case can bring its own
``compare(student_outputs, reference_outputs, case)`` returning a failure message or None.
Feedback shows the case's ``label`` and ``hint``, never the inputs or this file.
"""

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Call:
    """One call of a graded function: ``function(*args, **kwargs)``.

    ``send`` says what of the result is judged: True the whole result, an int that item of a tuple
    (e.g. 0 for the ``out`` of ``(out, cache)``), False nothing (a call made only to feed a later
    one through ``Out``), ``"args"`` (``spec.ARGS``) the positional arguments as the call left them:
    a function that must not change its inputs in place is judged against the reference, which
    leaves them as they were.
    """

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    send: object = True


@dataclass(frozen=True)
class Out:
    """An argument standing for the result of an earlier call of the same case, in the same process:
    ``Out(0, 1)`` is item 1 of call 0's result, e.g. the student's own ``cache`` from their forward
    pass, handed to their backward pass without leaving their process.

    ``update`` (a dict of plain values) is for results that are dicts: the argument is a copy of
    that dict with these keys set, e.g. ``Out(2, 1, update={"mode": "test"})`` hands a batch-norm
    layer the ``bn_param`` of its last training step, switched to test mode.
    """

    index: int
    item: object = None
    update: object = None


def apply_update(raw, update):
    """``raw`` with the keys of ``update`` set (a new dict), or ``raw`` itself when there is none.
    Used by the judge (``resolve``) and, on the wire form, by the student's runner."""
    if update is None:
        return raw
    if not isinstance(raw, dict):
        raise TypeError(f"this test hands your function the dict an earlier call returned, "
                        f"but that call returned {type(raw).__name__}")
    return {**raw, **update}


def resolve(value, results):
    """Replace the ``Out`` placeholders in ``value`` by the raw results of earlier calls."""
    if isinstance(value, Out):
        if not 0 <= value.index < len(results):
            raise IndexError(f"Out({value.index}) refers to a call that has not run")
        raw = results[value.index]
        raw = raw if value.item is None else raw[value.item]
        return apply_update(raw, value.update)
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v, results) for v in value)
    if isinstance(value, dict):
        return {k: resolve(v, results) for k, v in value.items()}
    return value


ARGS = "args"  # send=ARGS: judge the call's positional arguments as they are after the call


def select(value, send, args=()):
    """The part of a call's result that is judged (see ``Call.send``)."""
    if send == ARGS:
        return list(args)
    if send is True:
        return value
    if send is False:
        return None
    return value[send]


@dataclass
class Case:
    """A group of calls judged together, described for the student by ``label`` and ``hint``."""

    label: str
    calls: list
    hint: str = ""
    compare: object = None  # callable(student_outs, reference_outs, case) -> str | None
    rtol: float = 1e-6
    uses: tuple = ()  # graded functions called from inside the called ones (e.g. a model's layers)

    @property
    def functions(self):
        """The graded functions this case depends on: those it calls, and those they call (``uses``)."""
        return sorted({c.function for c in self.calls} | set(self.uses))


def call(function, *args, send=True, **kwargs):
    """Build a ``Call``; ``send`` as in ``Call``."""
    return Call(function, args, kwargs, send)


def case(label, *calls, hint="", compare=None, rtol=1e-6, uses=()):
    """Build a ``Case`` from one or more ``Call``.

    ``uses`` names graded functions the called ones run from inside (a loss built from the
    student's layers), so that a mistake there is known to be able to fail this case.
    """
    return Case(label, list(calls), hint, compare, rtol, tuple(uses))


def to_plain(value):
    """Turn a function's return value into plain data: arrays, lists, dicts, str and None.

    Numbers become 0-d arrays, tuples become lists. Anything numpy cannot hold as a plain
    (non-object) array raises TypeError, which the grader reports as a wrong return type.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    arr = np.array(value, copy=True, subok=False)
    if arr.dtype == object or arr.dtype.kind not in "biufcU":
        raise TypeError(f"returned {type(value).__name__}, expected a number or a numpy array")
    return arr


def describe(value):
    """A short description of a plain output, for messages: its type and shape."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return f"a tuple of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"an array of shape {value.shape} and dtype {value.dtype}" if value.ndim else f"the number {value.item():.6g}"


def compare_outputs(student, reference, rtol=1e-6, where="the output"):
    """Return None if ``student`` matches ``reference``, else a message saying how it differs.

    Arrays must have the same shape, non-finite entries in the same places, and finite entries
    within ``rtol`` of the reference, relative to the reference's largest magnitude.
    """
    if isinstance(reference, list):
        if not isinstance(student, list) or len(student) != len(reference):
            return f"{where} should be a tuple of {len(reference)}, got {describe(student)}"
        for i, (s, r) in enumerate(zip(student, reference)):
            msg = compare_outputs(s, r, rtol, f"item {i} of {where}")
            if msg:
                return msg
        return None
    if isinstance(reference, dict):
        if not isinstance(student, dict) or sorted(student) != sorted(reference):
            return f"{where} should be a dict with keys {sorted(reference)}, got {describe(student)}"
        for k in reference:
            msg = compare_outputs(student[k], reference[k], rtol, f"{where}[{k!r}]")
            if msg:
                return msg
        return None
    if reference is None or isinstance(reference, str):
        return None if student == reference else f"{where} should be {reference!r}, got {describe(student)}"
    if not isinstance(student, np.ndarray):
        return f"{where} should be {describe(reference)}, got {describe(student)}"
    if student.shape != reference.shape:
        return f"{where} has shape {student.shape}, expected {reference.shape}"
    if reference.dtype.kind in "fc" and reference.dtype != np.float64 and student.dtype != reference.dtype:
        return f"{where} has dtype {student.dtype}, expected {reference.dtype} (keep the input's precision)"
    if reference.dtype.kind in "biu" or reference.dtype.kind == "U":
        return None if np.array_equal(student, reference) else f"{where} differs from the expected values"
    if student.dtype.kind not in "biufc":
        return f"{where} has dtype {student.dtype}, expected numbers"
    s = student.astype(np.complex128 if reference.dtype.kind == "c" else np.float64)
    r = reference.astype(s.dtype)
    s_bad, r_bad = ~np.isfinite(s), ~np.isfinite(r)
    if np.any(s_bad & ~r_bad):
        kind = "nan" if np.any(np.isnan(s[s_bad & ~r_bad])) else "inf"
        return f"{where} contains {kind} where the expected values are finite"
    if np.any(s_bad != r_bad) or not np.array_equal(s[r_bad], r[r_bad], equal_nan=True):
        return f"{where} differs from the expected values where they are not finite"
    ok = ~r_bad
    if not ok.any():
        return None
    scale = max(float(np.max(np.abs(r[ok]))), 1e-12)
    err = float(np.max(np.abs(s[ok] - r[ok]))) / scale
    if err > rtol:
        return f"{where} is off by {err:.1e} relative to its largest expected value (allowed {rtol:.0e})"
    return None
