"""The judge around the sandbox (issue 10, round 2): reading submissions safely, cleaning up,
capping answers, CSV cells, the course's secret, the saved-result key, stubbing taught functions.

The attacks themselves, graded in a class, are in test_redteam.py; these are the mechanisms, each
on its own."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder import child, notebooks, paths, report, wire
from autograder.grade import find_notebook, grade_class
from autograder.judge import Assignment, Limits

REPO = paths.ROOT


# ---- reading a submission ------------------------------------------------------------------

def test_read_file_safely_refuses_links_fifos_and_huge_sparse_files(tmp_path):
    real = tmp_path / "real.ipynb"
    real.write_text('{"cells": []}')
    link = tmp_path / "link.ipynb"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    sparse = tmp_path / "sparse.ipynb"
    with open(sparse, "wb") as f:
        f.truncate(3 << 30)  # 3 GB that take no disk
    assert notebooks.read_file_safely(real) == b'{"cells": []}'
    with pytest.raises(notebooks.UnreadableNotebook, match="link"):
        notebooks.read_file_safely(link)
    with pytest.raises(notebooks.UnreadableNotebook, match="regular file"):
        notebooks.read_file_safely(fifo)  # would block forever if opened for reading normally
    with pytest.raises(notebooks.UnreadableNotebook, match="MB limit"):
        notebooks.read_file_safely(sparse)


def test_linked_submission_folders_and_notebooks_are_not_followed(tmp_path):
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "01_softmax.ipynb").symlink_to(paths.ASSIGNMENTS / "01_softmax" / "01_softmax.ipynb")
    (subs / "bob").symlink_to(paths.ASSIGNMENTS / "01_softmax")
    nb, note = find_notebook(subs / "bob", "01_softmax")
    assert nb is None and "link" in note
    results = {r.student: r for r in grade_class("01_softmax", subs, tmp_path / "out", jobs=1, log=lambda *a: None)}
    assert results["alice"].status == "unreadable notebook" and results["alice"].score == 0
    assert "link" in results["alice"].notes[0]
    assert results["bob"].status == "no submission"


# ---- clean-up and disk use -----------------------------------------------------------------

def test_remove_tree_takes_a_chain_deeper_than_recursion_allows(tmp_path):
    top = tmp_path / "work"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    for _ in range(3000):
        os.mkdir("d", dir_fd=fd)
        nfd = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    with open(os.open("f.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as f:
        f.write("x")
    os.close(fd)
    os.symlink("/etc", top / "link")  # removed, never followed
    assert child.remove_tree(str(top)) is True
    assert not top.exists() and Path("/etc").is_dir()


def test_folder_usage_counts_folders_and_stops_at_the_entry_cap(tmp_path):
    for i in range(300):
        (tmp_path / f"d{i}").mkdir()
    size, entries = child._folder_usage(str(tmp_path), 1 << 40, max_entries=100)
    assert entries > 100 and size > 0  # empty folders cost blocks, and the scan stopped early
    size, entries = child._folder_usage(str(tmp_path), 1 << 40)
    assert entries == 300 and size >= 300 * 512


# ---- answers from a runner -----------------------------------------------------------------

def test_result_caps_leave_room_for_every_reference_output():
    """The caps on a runner's answers (wire.MAX_RESULT_*) are far above what a correct answer needs."""
    largest = 0
    for name in paths.assignment_names():
        asg = Assignment(name)
        for outcomes in asg.reference.values():
            for case in outcomes:
                header_and_payload = wire.encode({"event": "results", "results": case})
                largest = max(largest, len(header_and_payload))
    assert largest * 4 < wire.MAX_RESULT_PAYLOAD, largest


# ---- CSV ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,shown", [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("\tx", "'\tx"), ("alice", "alice"), ("-1.5", "-1.5"), ("3", "3")])
def test_csv_cells_that_look_like_formulas_are_written_as_text(text, shown):
    assert report.safe_cell(text) == shown


# ---- the course's secret and the saved-result key ------------------------------------------

def test_the_course_secret_changes_the_hidden_inputs(monkeypatch):
    monkeypatch.delenv(paths.SECRET_ENV, raising=False)
    monkeypatch.setattr(paths, "SECRET_FILE", Path("/nonexistent/secret.txt"))
    assert paths.grading_seed() == 0
    plain = Assignment("01_softmax")
    monkeypatch.setenv(paths.SECRET_ENV, "a course's secret")
    seed = paths.grading_seed()
    assert seed != 0 and seed == paths.grading_seed()
    secret = Assignment("01_softmax")
    a = plain.cases["test_softmax_basic"][0].calls[0].args[0]
    b = secret.cases["test_softmax_basic"][0].calls[0].args[0]
    assert np.shape(a) != np.shape(b) or not np.array_equal(a, b)
    assert plain.fingerprint != secret.fingerprint


def test_the_reference_scores_full_marks_with_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.SECRET_ENV, "another secret")
    subs = tmp_path / "subs" / "ref"
    subs.mkdir(parents=True)
    from autograder.samples import released_notebook, with_cells
    from autograder.notebooks import source_info, read_source

    info = source_info(read_source(paths.source_path("01_softmax")))
    nb = with_cells(released_notebook("01_softmax"), info.solution_code, [])
    (subs / "01_softmax.ipynb").write_text(json.dumps(nb))
    [r] = grade_class("01_softmax", subs.parent, tmp_path / "out", jobs=1, log=lambda *a: None)
    assert r.score == r.max_score and r.status == "graded"


def test_saved_results_depend_on_the_graders_code(monkeypatch):
    from autograder import judge

    before = Assignment("01_softmax").fingerprint
    monkeypatch.setattr(judge, "code_fingerprint", lambda: "changed")
    assert Assignment("01_softmax").fingerprint != before


# ---- taught functions are stubbed, originals gone ------------------------------------------

STUB_SCRIPT = """
import gc, importlib, json, pkgutil, sys, types
import utils
for m in pkgutil.walk_packages(utils.__path__, 'utils.'):
    importlib.import_module(m.name)
from autograder import runner
taught = json.loads(sys.argv[1])
originals = []
for dotted in taught.values():
    mod, attr = dotted.rsplit('.', 1)
    originals.append(getattr(importlib.import_module(mod), attr))
called = set()
stubbed = runner._stub_taught(taught, called)
gc.collect()
left = []
for fn in originals:
    refs = [r for r in gc.get_referrers(fn)
            if r is not originals and r is not globals() and not isinstance(r, types.FrameType)]
    if refs:
        left.append([fn.__module__ + '.' + fn.__name__, [type(r).__name__ for r in refs][:5]])
errors = []
for dotted in taught.values():
    mod, attr = dotted.rsplit('.', 1)
    try:
        getattr(importlib.import_module(mod), attr)(None)
    except runner.DelegatedError:
        pass
    except Exception as e:
        errors.append([dotted, type(e).__name__])
print(json.dumps({'left': left, 'stubbed': stubbed, 'called': sorted(called), 'errors': errors}))
"""


@pytest.mark.parametrize("name", paths.assignment_names())
def test_taught_functions_leave_no_original_behind(name):
    taught = Assignment(name).taught
    if not taught:
        pytest.skip("teaches nothing that utils holds")
    flat = {k: v for k, v in taught.items() if isinstance(v, str)}
    proc = subprocess.run([sys.executable, "-c", STUB_SCRIPT, json.dumps(flat)], capture_output=True,
                          text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["left"] == [], out["left"]
    assert out["errors"] == [] and set(out["called"]) >= set(flat.values())
    if name == "04_perceptron":  # the same function under its name in another utils module
        assert "utils.layers.sigmoid" in out["stubbed"]


def test_disk_scans_hold_few_descriptors(tmp_path, monkeypatch):
    """A flood of folders must not exhaust the judge's descriptors (it grades others meanwhile):
    the scan and the clean-up hold at most two at any moment, however wide or deep the tree."""
    for i in range(400):
        (tmp_path / "w" / f"d{i}" / "e").mkdir(parents=True)
    fd = os.open(tmp_path / "w", os.O_RDONLY)
    for _ in range(300):  # and a chain 300 deep
        os.mkdir("c", dir_fd=fd)
        nfd = os.open("c", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nfd
    os.close(fd)
    before = len(os.listdir("/proc/self/fd"))
    live, peak = set(), [0]
    real_open, real_close = os.open, os.close

    def counting_open(*args, **kwargs):
        new = real_open(*args, **kwargs)
        live.add(new)
        peak[0] = max(peak[0], len(live))
        return new

    def counting_close(fd):
        live.discard(fd)
        return real_close(fd)

    monkeypatch.setattr(child.os, "open", counting_open)
    monkeypatch.setattr(child.os, "close", counting_close)
    size, entries = child._folder_usage(str(tmp_path / "w"), 1 << 40)
    assert entries == 1100  # 400 + 400 folders, and the chain of 300
    assert peak[0] <= 2, f"the scan held {peak[0]} descriptors at once"
    peak[0] = 0
    assert child.remove_tree(str(tmp_path / "w")) is True
    assert peak[0] <= 2, f"the clean-up held {peak[0]} descriptors at once"
    monkeypatch.undo()
    assert len(os.listdir("/proc/self/fd")) == before and not (tmp_path / "w").exists()
