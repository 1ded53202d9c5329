"""The instructor's side of a week: collect submissions, then hand the feedback back.

``collect`` turns what students handed in into the layout ``grade`` reads,
``SUBMISSIONS/<student>/<assignment>.ipynb``, from any of:

- a folder of notebooks, one per student, named after the student: ``alice.ipynb``, or with the
  assignment's name around it (``alice_05_mlp.ipynb``, ``05_mlp-alice.ipynb``);
- a folder of student folders, each holding the notebook (also nbgrader's ``submitted/`` layout,
  ``submitted/<student>/<assignment>/<assignment>.ipynb``);
- an LMS download, as a zip or unpacked:
  - **Canvas** ("Download Submissions"): flat files ``<name>_[LATE_]<user id>_<submission id>_<file>``,
    e.g. ``smithjane_LATE_12345_67890_05_mlp.ipynb``;
  - **Moodle** ("Download all submissions"): a folder per participant,
    ``<Full Name>_<id>_assignsubmission_file_/<file>``.

Nothing is trusted: names in the zip are only read, never used as paths (a student's name is
reduced to letters, digits, ``.``, ``_`` and ``-``), links are not followed, files over the size
limit are skipped and reported. ``collected.csv`` beside the student folders records where each
notebook came from (and for Moodle, the participant's folder name, which ``feedback`` uses).

``feedback`` copies the graded folder's feedback pages into folders ready to return: one per
student, ``RETURN/<student>/<assignment>_feedback.html`` (for a Moodle class, named as Moodle
expects for "Upload multiple feedback files in a zip"), and the same as ``RETURN.zip``.
"""

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path, PurePosixPath

MAX_BYTES = 20_000_000  # a notebook larger than this is not collected (the grader's limit too)
CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:(?P<late>late)_)?(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$", re.I)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_(?:file|onlinetext)_?$")


def safe_name(text):
    """A student's name as a folder name: letters, digits, '.', '_' and '-' only."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-")
    return name[:80] or "unnamed"


def _strip_assignment(stem, assignment):
    """``alice_05_mlp`` -> ``alice``; ``05_mlp-alice`` -> ``alice``; ``alice`` -> ``alice``."""
    for pat in (rf"^{re.escape(assignment)}[ _.-]+", rf"[ _.-]+{re.escape(assignment)}$"):
        stripped = re.sub(pat, "", stem, flags=re.I)
        if stripped != stem and stripped:
            return stripped
    return stem


def _is_assignment_file(filename, assignment):
    """``05_mlp.ipynb``, or ``05_mlp-1.ipynb`` / ``05_mlp (1).ipynb`` as an LMS renames a re-upload."""
    return re.fullmatch(rf"{re.escape(assignment)}(?:-\d+| \(\d+\))?\.ipynb", filename, flags=re.I) is not None


class _Entry:
    def __init__(self, student, filename, read, origin, late=False, lms_folder=""):
        self.student, self.filename, self.read, self.origin = student, filename, read, origin
        self.late, self.lms_folder = late, lms_folder


def _entries_from_zip(zf, path, assignment, skipped):
    entries = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if not parts or parts[-1].startswith(".") or "__MACOSX" in parts or not parts[-1].lower().endswith(".ipynb"):
            continue
        if info.file_size > MAX_BYTES:
            skipped.append((info.filename, f"over {MAX_BYTES // 1_000_000} MB"))
            continue

        def read(info=info):
            with zf.open(info) as f:
                data = f.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise ValueError(f"over {MAX_BYTES // 1_000_000} MB")
            return data

        entries.append((parts, read, f"{Path(path).name}:{info.filename}"))
    return _classify(entries, assignment, skipped)


def _entries_from_folder(folder, assignment, skipped):
    entries = []
    folder = Path(folder)

    def walk(d, parts, depth):
        for p in sorted(d.iterdir()):
            if p.is_symlink():
                skipped.append((str(p), "a link: not followed"))
            elif p.is_dir() and depth < 3 and not p.name.startswith("."):
                walk(p, parts + (p.name,), depth + 1)
            elif p.is_file() and p.suffix.lower() == ".ipynb" and not p.name.startswith("."):
                if p.stat().st_size > MAX_BYTES:
                    skipped.append((str(p), f"over {MAX_BYTES // 1_000_000} MB"))
                    continue
                entries.append((parts + (p.name,), (lambda p=p: p.read_bytes()), str(p)))

    walk(folder, (), 0)
    return _classify(entries, assignment, skipped)


def _classify(entries, assignment, skipped):
    """Who handed in each notebook: (parts of its path, reader, origin) -> _Entry."""
    out = []
    for parts, read, origin in entries:
        filename = parts[-1]
        top = parts[0] if len(parts) > 1 else ""
        moodle = MOODLE.match(top) if top else None
        canvas = CANVAS.match(filename) if len(parts) == 1 else None
        if moodle:
            out.append(_Entry(safe_name(moodle["name"]), filename, read, origin, lms_folder=top))
        elif len(parts) == 1 and canvas:
            out.append(_Entry(safe_name(canvas["name"]), canvas["file"], read, origin, late=bool(canvas["late"])))
        elif len(parts) == 1:
            out.append(_Entry(safe_name(_strip_assignment(Path(filename).stem, assignment)), f"{assignment}.ipynb",
                              read, origin))
        elif len(parts) in (2, 3):  # <student>/<file>, or nbgrader's <student>/<assignment>/<file>
            if len(parts) == 3 and parts[1] != assignment:
                skipped.append((origin, f"in a folder for another assignment ({parts[1]})"))
                continue
            out.append(_Entry(safe_name(top), filename, read, origin))
        else:
            skipped.append((origin, "too deep in the folder tree to tell whose it is"))
    return out


def collect(assignment, sources, dest, log=print):
    """Collect the notebooks of ``sources`` (folders or zips) into ``dest/<student>/``; return
    {student: [file names written]}. Writes ``dest/collected.csv``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    skipped, entries, zips = [], [], []
    try:
        for src in sources:
            src = Path(src)
            if src.is_file() and zipfile.is_zipfile(src):
                zips.append(zipfile.ZipFile(src))
                entries += _entries_from_zip(zips[-1], src, assignment, skipped)
            elif src.is_dir():
                entries += _entries_from_folder(src, assignment, skipped)
            else:
                raise SystemExit(f"{src}: not a folder or a zip file")
        return _write(assignment, entries, dest, skipped, log)
    finally:
        for zf in zips:
            zf.close()


def _write(assignment, entries, dest, skipped, log):
    by_student = {}
    for e in entries:
        by_student.setdefault(e.student, []).append(e)
    written, rows = {}, []
    for student, mine in sorted(by_student.items()):
        folder = dest / student
        if folder.is_symlink():
            raise SystemExit(f"{folder} is a link: not writing through it")
        if folder.exists():
            shutil.rmtree(folder)  # a re-collection replaces the student's earlier files
        folder.mkdir()
        exact = [e for e in mine if _is_assignment_file(e.filename, assignment)]
        chosen = exact[-1:] if exact else mine
        if len(chosen) == 1:
            names = [(chosen[0], f"{assignment}.ipynb")]
        else:  # several notebooks, none named after the assignment: keep them all, grade says which to rename
            names = [(e, safe_name(e.filename) if safe_name(e.filename).endswith(".ipynb") else
                      safe_name(e.filename) + ".ipynb") for e in chosen]
        for e, name in names:
            try:
                data = e.read()
            except (OSError, ValueError, zipfile.BadZipFile) as exc:
                skipped.append((e.origin, f"unreadable: {exc}"))
                continue
            (folder / name).write_bytes(data)
            written.setdefault(student, []).append(name)
            rows.append([student, name, e.origin, "late" if e.late else "", e.lms_folder])
    with open(dest / "collected.csv", "w", newline="") as f:
        from .report import SafeWriter

        w = SafeWriter(f)
        w.writerow(["student", "file", "from", "late", "lms_folder"])
        for row in rows:
            w.writerow(row)
    for origin, why in skipped:
        log(f"  skipped {origin}: {why}")
    log(f"collected {sum(len(v) for v in written.values())} notebook(s) of {len(written)} student(s) into {dest}/ "
        f"({len(skipped)} skipped); where each came from: {dest / 'collected.csv'}")
    return written


def return_feedback(graded, to, collected=None, make_zip=True, log=print):
    """Copy ``graded/feedback/<student>/<a>.html`` to ``to/<folder>/<a>_feedback.html``, one folder
    per student (the Moodle participant folder when ``collected`` says so), and zip ``to``.
    Return the folders written."""
    graded, to = Path(graded), Path(to)
    lms = {}
    if collected and Path(collected).is_file():
        with open(collected, newline="") as f:
            for row in csv.DictReader(f):
                if row.get("lms_folder"):
                    lms[row["student"]] = row["lms_folder"]
    feedback = graded / "feedback"
    if not feedback.is_dir():
        raise SystemExit(f"{feedback} not found: pass the --out folder of `grade`")
    if to.exists():
        shutil.rmtree(to)
    to.mkdir(parents=True)
    written = []
    for student_dir in sorted(p for p in feedback.iterdir() if p.is_dir() and not p.is_symlink()):
        folder = to / (lms.get(student_dir.name) or student_dir.name)
        folder.mkdir()
        for page in sorted(student_dir.glob("*.html")):
            shutil.copyfile(page, folder / f"{page.stem}_feedback.html")
        written.append(folder)
    if make_zip:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for folder in written:
                for page in sorted(folder.iterdir()):
                    zf.write(page, f"{folder.name}/{page.name}")
        to.with_suffix(".zip").write_bytes(buf.getvalue())
    log(f"feedback for {len(written)} student(s) in {to}/" + (f" and {to.with_suffix('.zip')}" if make_zip else ""))
    return written
