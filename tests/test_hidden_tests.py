"""The hidden tests themselves, judged in-process on several seeds (no sandbox, fast).

On every seed the reference passes every case, and every wrong version fails at least one test
that calls its function; the first wrong version of each function (the demo's typical mistake)
fails every test that calls it.
"""

import numpy as np
import pytest

from autograder import paths, spec
from autograder.judge import Assignment, _judge_case, call_all
from autograder.samples import load_wrong_versions

ASSIGNMENTS = paths.assignment_names()
SEEDS = [0, 1, 2, 3, 17]


@pytest.fixture(scope="module", params=[(a, s) for a in ASSIGNMENTS for s in SEEDS],
                ids=lambda p: f"{p[0]}-seed{p[1]}")
def assignment(request):
    name, seed = request.param
    return Assignment(name, seed=seed)


def _outcomes(namespace, case):
    return call_all(namespace, case.calls)


def _failing_tests(asg, namespace):
    failing = set()
    for gid, cases in asg.cases.items():
        for case, ref in zip(cases, asg.reference[gid]):
            status, _ = _judge_case(case, _outcomes(namespace, case), ref)
            if status:
                failing.add(gid)
                break
    return failing


def test_reference_passes_every_case(assignment):
    namespace = assignment.reference_namespace()
    assert _failing_tests(assignment, namespace) == set()


def test_every_wrong_version_fails(assignment):
    for function, versions in load_wrong_versions(assignment.name).items():
        callers = {gid for gid, cases in assignment.cases.items() if any(function in c.functions for c in cases)}
        assert callers, f"no hidden test calls {function}"
        for i, (what, code) in enumerate(versions):
            namespace = assignment.reference_namespace()
            exec(compile(code, f"<wrong {function}>", "exec"), namespace)
            with np.errstate(all="ignore"):
                failing = _failing_tests(assignment, namespace)
            assert failing & callers, f"wrong version of {function} passed every hidden test: {what}"
            assert failing <= callers, f"{what}: tests {failing - callers} do not call {function} but failed"
            if i == 0:
                assert failing == callers, (f"the first wrong version of {function} ({what}) must fail every test "
                                            f"calling it; it passed {sorted(callers - failing)}")


def test_cases_have_labels_and_hints(assignment):
    for gid, cases in assignment.cases.items():
        assert cases, f"{gid} has no hidden cases"
        for case in cases:
            assert case.label and case.hint, f"{gid}: every case needs a label and a hint for the feedback"
            assert isinstance(case, spec.Case)


def test_utils_implementations_pass_the_hidden_tests(assignment):
    """What utils ships for later assignments behaves exactly like the graded reference."""
    import importlib

    namespace = assignment.reference_namespace()
    for function, dotted in assignment.taught.items():
        module, attr = dotted.rsplit(".", 1)
        namespace[function] = getattr(importlib.import_module(module), attr)
    assert _failing_tests(assignment, namespace) == set()
