"""Read assignment sources and submitted notebooks, and pick the code the grader runs.

An assignment's source is a jupytext ``py:percent`` file whose ``# %%`` lines carry nbgrader's
cell metadata. Cells that matter to the grader, by their ``grade_id``:

- ``setup``: the first code cell, imports only; the grader runs the source's copy of it.
- solution cells (``solution: true``, code): the student's work; run from the submission.
- test cells (``grade: true``, code): the visible tests; never run by the grader (the judge runs
  its own hidden checks, outside the student's process, for each of these ids).
"""

import hashlib
import json
import os
from dataclasses import dataclass

import jupytext
import nbformat

SETUP_ID = "setup"


def nbgrader_meta(cell):
    """Return a cell's nbgrader metadata dict ({} when it has none or it is malformed)."""
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return nbg if isinstance(nbg, dict) else {}


def grade_id(cell):
    """Return a cell's nbgrader grade_id, or None when it has none or it is not a string."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) else None


def read_source(path):
    """Read a py:percent source into a notebook with stable cell ids and no jupytext noise."""
    nb = jupytext.read(str(path), fmt="py:percent")
    seen = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("lines_to_next_cell", None)
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id:
            if grade_id in seen:
                raise ValueError(f"{path}: grade_id '{grade_id}' appears twice")
            cell_id = grade_id
        else:
            digest = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
            cell_id = f"cell-{index:03d}-{digest}"
        seen.add(grade_id)
        cell["id"] = cell_id
    nb.metadata.pop("jupytext", None)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


@dataclass(frozen=True)
class SourceInfo:
    """What the grader needs to know about an assignment's source notebook."""

    setup_code: str
    solution_ids: tuple  # grade_ids of code solution cells, in order
    solution_code: dict  # grade_id -> reference code of that cell
    tests: dict  # grade_id -> points, for code test cells, in order
    manual: dict  # grade_id -> points, for written answers graded by hand
    given_code: frozenset  # normalised code of the source's other code cells (experiments, plots)


def source_info(nb):
    """Summarise a source notebook for grading; raise ValueError if it breaks the conventions."""
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    if not code_cells or nbgrader_meta(code_cells[0]).get("grade_id") != SETUP_ID:
        raise ValueError("the first code cell must be the 'setup' cell (imports only)")
    solution_code, tests, manual, given = {}, {}, {}, set()
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        gid = meta.get("grade_id")
        if cell.cell_type == "code" and meta.get("solution"):
            solution_code[gid] = cell.source
        elif cell.cell_type == "code" and meta.get("grade"):
            tests[gid] = float(meta.get("points", 0))
        elif cell.cell_type == "markdown" and meta.get("grade"):
            manual[gid] = float(meta.get("points", 0))
        elif cell.cell_type == "code" and not meta:
            given.add(normalise(cell.source))
    return SourceInfo(code_cells[0].source, tuple(solution_code), solution_code, tests, manual, frozenset(given))


def normalise(code):
    """Code with trailing spaces and blank edges removed, for comparing cells."""
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


class UnreadableNotebook(Exception):
    """The submission is not a notebook the grader can read."""


def read_file_safely(path, max_bytes=20_000_000):
    """A submitted file's bytes: never through a link, never a FIFO or a device (which could block
    or never end), and its size checked before anything is read (a sparse file can claim
    gigabytes)."""
    import stat

    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if os.path.islink(path):
            raise UnreadableNotebook("the file is a link, not a notebook: submit the notebook itself") from None
        raise UnreadableNotebook(f"cannot read the file: {e.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableNotebook("not a regular file: submit the notebook itself")
        if st.st_size > max_bytes:
            raise UnreadableNotebook(f"the file is {st.st_size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit")
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        raw = b"".join(chunks)
        if len(raw) > max_bytes:
            raise UnreadableNotebook(f"the file is over the {max_bytes / 1e6:.0f} MB limit")
        return raw
    except OSError as e:
        raise UnreadableNotebook(f"cannot read the file: {e.strerror}") from None
    finally:
        os.close(fd)


def read_submission(path, max_bytes=20_000_000):
    """Parse a submitted .ipynb leniently: only the JSON and the cell list must be sound."""
    raw = read_file_safely(path, max_bytes)
    try:
        nb = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as e:
        raise UnreadableNotebook(
            f"not valid notebook JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
            "open it in a text editor at that spot, or re-download it from Jupyter with File > Save"
        ) from None
    except (RecursionError, ValueError, MemoryError) as e:
        raise UnreadableNotebook(f"not a notebook the grader can read ({type(e).__name__})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise UnreadableNotebook("the JSON has no list of cells; is this a Jupyter notebook?")
    return nb


def cell_source(cell):
    """Return a cell's source as one string, whatever form the JSON stored it in."""
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def strip_magics(code):
    """Comment out IPython magics and shell escapes, which plain Python cannot run."""
    lines = []
    for line in code.splitlines():
        stripped = line.lstrip()
        lines.append("# " + line if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def cells_to_run(info, submission):
    """Choose the code the grader runs from a submission, in order, as (label, code) pairs.

    The source's setup cell comes first. Then, in the submission's order, every cell whose
    grade_id is one of the source's solution cells (whatever type it was changed to, and each
    copy if it was duplicated) and every code cell the student added or changed (no nbgrader
    metadata, and not an unchanged copy of one of the notebook's own experiment cells). Test
    cells, read-only cells, the notebook's experiments and markdown are not run: they earn
    nothing, and skipping them keeps grading fast and a crash in a plot from costing points.
    """
    chosen = [("setup", info.setup_code)]
    added = 0
    for cell in submission["cells"]:
        if not isinstance(cell, dict):
            continue
        gid = grade_id(cell)
        if gid in info.solution_code:
            chosen.append((gid, strip_magics(cell_source(cell))))
        elif not nbgrader_meta(cell) and cell.get("cell_type") == "code":
            code = cell_source(cell)
            if normalise(code) in info.given_code or not code.strip():
                continue
            added += 1
            chosen.append((f"your cell {added}", strip_magics(code)))
    return chosen


def write_notebook(nb, path):
    """Write a notebook with sorted keys and a trailing newline, so the file is reproducible."""
    text = json.dumps(nbformat.from_dict(nb), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
