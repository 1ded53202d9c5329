"""Consistency is not correctness (GRADING.md, point 11).

A case that judges a backward pass only against the student's own forward pass (its cache, the
numerical gradient of their own function) passes a matching pair of wrong functions: a forward pass
that returns zeros and a backward pass that returns zeros agree perfectly. So:

- every graded test compares with the reference: a function called in a case whose verdict does not
  depend on the reference's outputs is also called in a case whose verdict does (found by judging
  the reference's own outputs against deliberately altered expected values); the few tests judged
  on properties the grader computes instead are listed in ``NOT_AGAINST_THE_REFERENCE``;
- every matching pair in ``solutions/<a>/wrong_versions.py`` (``PAIRS``: several cells replaced at
  once) loses the points of the test named beside it, judged in this process on several seeds and
  once through the sandboxed grader;
- fair alternatives keep their points: a dropout that draws its mask another way, or keeps another
  cache, still earns the backward test.
"""

import importlib.util
import json

import numpy as np
import pytest

from autograder import paths
from autograder.grade import grade_class
from autograder.judge import Assignment, Limits, _judge_case, call_all
from autograder.samples import released_notebook, with_cells

ASSIGNMENTS = paths.assignment_names()
SEEDS = [0, 1, 2, 3, 17]

NOT_AGAINST_THE_REFERENCE = {
    ("03_logistic", "test_minibatches"):
        "judged on properties of the batches of the grader's X and y (sizes, every row once, labels kept, "
        "shuffled, the same for the same seed): one function, nothing to pair it with",
    ("04_perceptron", "test_logic_gates"):
        "judged on the truth table the grader computes for the student's weights, so that any valid weights "
        "pass: one function, nothing to pair it with",
}


def _pairs(name):
    """``PAIRS`` of solutions/<name>/wrong_versions.py: [(what, grade_id, {function: code})], or []."""
    path = paths.SOLUTIONS / name / paths.WRONG_VERSIONS
    spec = importlib.util.spec_from_file_location(f"wrong_versions_pairs_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, "PAIRS", []))


def _altered(value):
    """Expected values that differ everywhere from ``value`` (same shapes and dtypes)."""
    if isinstance(value, list):
        return [_altered(v) for v in value]
    if isinstance(value, dict):
        return {k: _altered(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "b":
            return ~value
        if value.dtype.kind in "iu":
            return value + 1
        if value.dtype.kind in "fc":
            return (value * 1.37 + 0.5).astype(value.dtype)
    return value


def _failing_cases(asg, gid, namespace):
    """Labels of the cases of test ``gid`` that the functions in ``namespace`` fail."""
    failing = []
    with np.errstate(all="ignore"):
        for case, ref in zip(asg.cases[gid], asg.reference[gid]):
            if _judge_case(case, call_all(namespace, case.calls), ref)[0]:
                failing.append(case.label)
    return failing


@pytest.fixture(scope="module")
def assignments():
    return {name: Assignment(name) for name in ASSIGNMENTS}


def _reference_independent(asg):
    """{grade_id: (functions of cases judged without the reference, functions of cases judged with it)}."""
    namespace = asg.reference_namespace()
    out = {}
    for gid, cases in asg.cases.items():
        alone, against = set(), set()
        for case, ref in zip(cases, asg.reference[gid]):
            fake = [dict(r, value=_altered(r["value"])) if "value" in r else r for r in ref]
            with np.errstate(all="ignore"):
                status, _ = _judge_case(case, call_all(namespace, case.calls), fake)
            (alone if status is None else against).update(case.functions)
        out[gid] = (alone, against)
    return out


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_test_compares_with_the_reference(assignments, name):
    unchecked = {}
    for gid, (alone, against) in _reference_independent(assignments[name]).items():
        if alone - against and (name, gid) not in NOT_AGAINST_THE_REFERENCE:
            unchecked[gid] = sorted(alone - against)
    assert not unchecked, (f"{name}: these tests judge functions only by their own consistency, never against "
                           f"the reference, so a matching pair of wrong functions passes: {unchecked}")


def test_not_against_the_reference_entries_still_need_it(assignments):
    """An entry whose test now compares with the reference, or that no longer exists, must go."""
    for name, gid in NOT_AGAINST_THE_REFERENCE:
        independence = _reference_independent(assignments[name])
        assert gid in independence, f"NOT_AGAINST_THE_REFERENCE names a test that no longer exists: {name} {gid}"
        alone, against = independence[gid]
        assert alone - against, f"{name} {gid} compares with the reference now: remove it from the list"


def test_the_known_pairs_are_there():
    """The red team's reproducer (07's zeros and zeros, identity and identity) is among the pairs."""
    labels = [what for what, _, _ in _pairs("07_regularization")]
    assert any("zeros" in w for w in labels) and any("identity" in w for w in labels), labels


@pytest.mark.parametrize("name", [a for a in ASSIGNMENTS if _pairs(a)])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_matching_pair_loses_points(name, seed):
    asg = Assignment(name, seed=seed)
    kept = []
    for what, gid, replacements in _pairs(name):
        assert gid in asg.cases, f"{name}: pair '{what}' names {gid}, which is not a graded test"
        assert len(replacements) >= 2 and set(replacements) <= set(asg.info.solution_code), (
            f"{name}: pair '{what}' should replace two or more graded functions")
        called = {f for c in asg.cases[gid] for f in c.functions}
        assert set(replacements) <= called, f"{name}: {gid} does not call every function of pair '{what}'"
        if not _failing_cases(asg, gid, asg.reference_namespace(replacements)):
            kept.append(f"'{what}' keeps the points of {gid}")
    assert not kept, f"{name}, seed {seed}: matching pairs that pass: {kept}"


@pytest.mark.parametrize("name", [a for a in ASSIGNMENTS if _pairs(a)])
def test_matching_pairs_lose_points_when_graded(tmp_path, name):
    """The same pairs as submissions, graded by the sandboxed grader as a class would be."""
    asg = Assignment(name)
    released = released_notebook(name)
    pairs = _pairs(name)
    subs = tmp_path / "submissions"
    students = {"reference": with_cells(released, asg.info.solution_code)}
    for i, (_, _, replacements) in enumerate(pairs):
        students[f"pair_{i}"] = with_cells(released, dict(asg.info.solution_code, **replacements))
    for student, nb in students.items():
        (subs / student).mkdir(parents=True)
        (subs / student / f"{name}.ipynb").write_text(json.dumps(nb))
    results = {r.student: r for r in grade_class(name, subs, tmp_path / "out", Limits(test_seconds=20),
                                                 log=lambda *a: None)}
    assert results["reference"].score == results["reference"].max_score
    for i, (what, gid, _) in enumerate(pairs):
        test = {t.test: t for t in results[f"pair_{i}"].tests}[gid]
        assert test.points == 0 and test.status in ("failed", "error"), (
            f"pair '{what}': {gid} {test.status} {test.message}")


# ----------------------------------------------------------------------------- fair alternatives

DROPOUT_ALTERNATIVES = {
    "the mask drawn as rng.random >= 1 - p, the cache a dict": {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), {"mode": "test"}
    mask = np.random.default_rng(rng).random(x.shape) >= 1 - p
    return (x * mask / p).astype(x.dtype), {"mode": "train", "mask": mask, "p": p}
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    if cache["mode"] == "test":
        return dout.copy()
    return (dout * cache["mask"] / cache["p"]).astype(dout.dtype)
'''},
    "the mask drawn with rng.binomial, the cache the scaled mask": {
        "dropout_forward": '''
import numpy as np
def dropout_forward(x, p, mode, rng=None):
    if mode == "test":
        return x.copy(), None
    scale = np.random.default_rng(rng).binomial(1, p, size=x.shape) / p
    return (x * scale).astype(x.dtype), scale
''',
        "dropout_backward": '''
import numpy as np
def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    return (dout * cache).astype(dout.dtype)
'''},
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("what", sorted(DROPOUT_ALTERNATIVES))
def test_dropout_backward_does_not_depend_on_how_the_mask_was_drawn(seed, what):
    """Only dropout_forward's test asks for the documented draw; the backward test judges dx on the
    mask the student's own forward pass drew, whatever way it drew it, and on their own cache."""
    asg = Assignment("07_regularization", seed=seed)
    namespace = asg.reference_namespace(DROPOUT_ALTERNATIVES[what])
    assert _failing_cases(asg, "test_dropout_backward", namespace) == []
