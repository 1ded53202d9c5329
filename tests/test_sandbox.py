"""Tests for autograder.sandbox: every test confines a fresh Python process and attacks from inside.

Each script gets a private work folder and, outside it, a folder holding a fake secret
(``answers.txt`` / ``answers.npy``). The script prints ``RESULT {json}`` lines; the test asserts
on them and, from outside, on the state of the files. Tests that exercise one kernel layer alone
(Landlock, seccomp, capabilities) apply just that layer, without the audit hook, and are skipped
where the layer is unavailable.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from autograder import sandbox

REPO = Path(__file__).resolve().parents[1]
SECRET_TEXT = "TOP SECRET ANSWERS"
LANDLOCK_ABI = sandbox.landlock_abi()
ON_LINUX_X86_64 = sys.platform.startswith("linux") and os.uname().machine == "x86_64"

needs_landlock = pytest.mark.skipif(LANDLOCK_ABI == 0, reason="Landlock unavailable")
needs_seccomp = pytest.mark.skipif(not ON_LINUX_X86_64, reason="seccomp layer is x86_64 Linux only")

PRELUDE = """
import json, os, sys
WORK, OUTSIDE, REPO = sys.argv[1], sys.argv[2], sys.argv[3]
SECRET = os.path.join(OUTSIDE, "answers.txt")
VIOLATIONS = []

def attempt(fn):
    try:
        value = fn()
    except BaseException as e:
        return {"ok": False, "error": type(e).__name__, "msg": str(e)[:300]}
    return {"ok": True, "value": repr(value)[:300]}

def emit(**kw):
    print("RESULT " + json.dumps(kw), flush=True)

from autograder import sandbox

def layers(*names):
    # one kernel layer at a time, without the audit hook
    roots = sandbox.default_read_roots()
    out = {}
    if "landlock" in names:
        out["landlock"] = sandbox._apply_landlock(WORK, roots)[0]
    if "caps" in names:
        out["caps"] = sandbox._drop_capabilities()[0]
    if "seccomp" in names:
        out["seccomp"] = sandbox._apply_seccomp()[0]
    return out
"""

CONFINE = """
INFO = sandbox.confine(WORK, sandbox.default_read_roots(), sandbox.Limits(), VIOLATIONS.append)
"""


@pytest.fixture
def box(tmp_path):
    work = tmp_path / "work"
    outside = tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (outside / "answers.txt").write_text(SECRET_TEXT)
    np = pytest.importorskip("numpy")
    np.save(outside / "answers.npy", np.arange(5))
    return work, outside


def run(box, body: str, *, setup: str = "", confine: bool = True, argv_prefix=(),
        timeout: float = 60) -> dict:
    """Run PRELUDE + setup + confine() + body in a fresh interpreter; return the merged RESULTs."""
    work, outside = box
    code = PRELUDE + textwrap.dedent(setup) + (CONFINE if confine else "") + textwrap.dedent(body)
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="2")
    proc = subprocess.run([*argv_prefix, sys.executable, "-c", code, str(work), str(outside),
                           str(REPO)], cwd=work, capture_output=True, text=True, timeout=timeout,
                          env=env, stdin=subprocess.DEVNULL,
                          # a session of its own: should a kill ever get through, it cannot reach
                          # pytest's process group
                          start_new_session=True)
    assert SECRET_TEXT not in proc.stdout + proc.stderr
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    out: dict = {"_stdout": proc.stdout, "_stderr": proc.stderr}
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            out.update(json.loads(line[len("RESULT "):]))
    return out


def denied(result: dict) -> bool:
    return not result["ok"]


# ---------------------------------------------------------------------------------------------
# reading, listing, writing outside the work folder
# ---------------------------------------------------------------------------------------------

READS = {
    "open": "open(SECRET).read()",
    "os.open": "os.read(os.open(SECRET, os.O_RDONLY), 100)",
    "io.open": "__import__('io').open(SECRET, 'rb').read()",
    "pathlib": "__import__('pathlib').Path(SECRET).read_text()",
    "np.load": "__import__('numpy').load(os.path.join(OUTSIDE, 'answers.npy'))",
    "relative": "open(os.path.relpath(SECRET)).read()",
    "bytes_path": "open(os.fsencode(SECRET)).read()",
    "dir_fd": "os.read(os.open('answers.txt', os.O_RDONLY, dir_fd=os.open(OUTSIDE, os.O_RDONLY)), 99)",
    "solutions": "open(os.path.join(REPO, 'solutions', '01_softmax', '01_softmax.py')).read()",
    "autograder": "open(os.path.join(REPO, 'autograder', 'sandbox.py')).read()",
    "etc_shadow": "open('/etc/shadow').read()",
}


@pytest.mark.parametrize("how", sorted(READS))
def test_read_outside_is_denied(box, how):
    r = run(box, f"emit(r=attempt(lambda: {READS[how]}))", setup="import numpy\n")
    assert denied(r["r"]), r["r"]
    assert "PermissionError" in r["r"]["error"]


LISTS = {
    "listdir": "os.listdir(OUTSIDE)",
    "scandir": "[e.name for e in os.scandir(OUTSIDE)]",
    "glob": "__import__('glob').glob(OUTSIDE + '/*')",
    "pathlib": "list(__import__('pathlib').Path(OUTSIDE).iterdir())",
    "walk": "list(os.walk(OUTSIDE))",
    "solutions": "os.listdir(os.path.join(REPO, 'solutions'))",
    "repo_root": "os.listdir(REPO)",
}


@pytest.mark.parametrize("how", sorted(LISTS))
def test_list_outside_is_denied(box, how):
    r = run(box, f"emit(r=attempt(lambda: {LISTS[how]}), v=VIOLATIONS)")
    # os.walk swallows the error: it then simply finds nothing
    assert denied(r["r"]) or ("answers" not in r["r"]["value"] and "01_softmax" not in r["r"]["value"])
    assert r["v"], "the attempt was not reported"


WRITES = {
    "open_w": "open(os.path.join(OUTSIDE, 'new.txt'), 'w').write('x')",
    "open_a": "open(SECRET, 'a').write('x')",
    "open_r+": "open(SECRET, 'r+').write('x')",
    "os.open_creat": "os.open(os.path.join(OUTSIDE, 'new.txt'), os.O_WRONLY | os.O_CREAT)",
    "pathlib": "__import__('pathlib').Path(OUTSIDE, 'new.txt').write_text('x')",
    "np.save": "__import__('numpy').save(os.path.join(OUTSIDE, 'new.npy'), [1])",
    "shutil.copy": "__import__('shutil').copy('mine.txt', OUTSIDE)",
    "rename": "os.rename('mine.txt', os.path.join(OUTSIDE, 'new.txt'))",
    "remove": "os.remove(SECRET)",
    "mkdir": "os.mkdir(os.path.join(OUTSIDE, 'new'))",
    "chmod": "os.chmod(SECRET, 0o777)",
    "truncate": "os.truncate(SECRET, 0)",
    "hardlink": "os.link(SECRET, 'hard')",
    "symlink": "os.symlink(SECRET, 'link')",
    "rmtree": "__import__('shutil').rmtree(OUTSIDE)",
}


@pytest.mark.parametrize("how", sorted(WRITES))
def test_write_outside_is_denied(box, how):
    work, outside = box
    (work / "mine.txt").write_text("mine")
    before = sorted(p.name for p in outside.iterdir())
    mode = (outside / "answers.txt").stat().st_mode
    r = run(box, f"emit(r=attempt(lambda: {WRITES[how]}))", setup="import numpy\n")
    assert denied(r["r"]), r["r"]
    assert sorted(p.name for p in outside.iterdir()) == before
    assert (outside / "answers.txt").read_text() == SECRET_TEXT
    assert (outside / "answers.txt").stat().st_mode == mode
    assert not (work / "hard").exists() and not (work / "link").exists()


def test_chdir_outside_then_relative_read_is_denied(box):
    r = run(box, """
        emit(cd=attempt(lambda: os.chdir(OUTSIDE)), cwd=os.getcwd())
        emit(rel=attempt(lambda: open('answers.txt').read()))
        emit(cd_usr=attempt(lambda: os.chdir('/usr')))
        emit(up=attempt(lambda: open(os.path.relpath(SECRET)).read()))
        emit(up_os=attempt(lambda: os.open(os.path.relpath(SECRET), os.O_RDONLY)))
    """)
    work, _ = box
    assert denied(r["cd"]) and r["cwd"] == str(work.resolve())
    assert denied(r["rel"])
    assert not denied(r["cd_usr"])  # a read root: allowed ...
    assert denied(r["up"]) and denied(r["up_os"])  # ... but '..' out of it is still checked


# ---------------------------------------------------------------------------------------------
# processes, network, ctypes, signals, databases, limits
# ---------------------------------------------------------------------------------------------

SPAWNS = {
    "subprocess.run": "__import__('subprocess').run(['/bin/true'])",
    "os.system": "os.system('true')",
    "os.fork": "os.fork()",
    "os.posix_spawn": "os.posix_spawn('/bin/true', ['true'], dict(os.environ))",
    "os.execv": "os.execv('/bin/true', ['true'])",
    "pty.spawn": "__import__('pty').spawn('/bin/true')",
    "multiprocessing": "__import__('multiprocessing').Process(target=print).start()",
    "fork_exec": "fork_exec_true()",
}

FORK_EXEC = """
import _posixsubprocess
def fork_exec_true():
    r, w = os.pipe()
    pid = _posixsubprocess.fork_exec(
        [b'/bin/true'], [b'/bin/true'], True, (w,), None, None, -1, -1, -1, -1, -1, -1, r, w,
        False, False, -1, -1, None, -1, -1, None, False)
    os.close(w)
    err = b''
    while True:  # the child writes its error report in several pieces
        chunk = os.read(r, 200)
        if not chunk:
            break
        err += chunk
    os.waitpid(pid, 0)
    if err:
        raise PermissionError(err.decode())
    return pid
"""


@pytest.mark.parametrize("how", sorted(SPAWNS))
def test_spawn_process_is_denied(box, how):
    r = run(box, f"emit(r=attempt(lambda: {SPAWNS[how]}), pid=os.getpid())", setup=FORK_EXEC)
    assert denied(r["r"]), r["r"]


@needs_landlock
def test_landlock_alone_denies_exec(box):
    # fork_exec is not audited; with Landlock alone the fork succeeds and execve fails (no EXECUTE)
    r = run(box, "info = layers('landlock')\nemit(info=info, r=attempt(fork_exec_true))",
            setup=FORK_EXEC, confine=False)
    assert r["info"]["landlock"] == LANDLOCK_ABI
    assert denied(r["r"])
    # the child reports "OSError:<errno in hex>:..." through the error pipe: EACCES from execve
    assert int(r["r"]["msg"].split(":")[1], 16) == 13, r["r"]


@needs_landlock
def test_landlock_alone_denies_files_outside(box):
    work, outside = box
    r = run(box, """
        info = layers('landlock')
        emit(read=attempt(lambda: os.open(SECRET, os.O_RDONLY)),
             write=attempt(lambda: os.open(os.path.join(OUTSIDE, 'x'), os.O_WRONLY | os.O_CREAT)),
             listing=attempt(lambda: os.listdir(OUTSIDE)),
             solutions=attempt(lambda: os.listdir(os.path.join(REPO, 'solutions'))),
             link=attempt(lambda: (os.symlink(SECRET, 'link'), open('link').read())),
             numpy=attempt(lambda: len(open(__import__('numpy').__file__).read()) > 0),
             mine=attempt(lambda: open('mine.txt', 'w').write('ok')),
             null=attempt(lambda: open('/dev/null', 'w').write('ok')))
    """, confine=False)
    for key in ("read", "write", "listing", "solutions", "link"):
        assert denied(r[key]) and r[key]["error"] == "PermissionError", (key, r[key])
    for key in ("numpy", "mine", "null"):
        assert not denied(r[key]), (key, r[key])
    assert not (outside / "x").exists()


def test_mknod_block_device_is_denied(box):
    # os.mknod is not audited: this is refused by the kernel layers (Landlock grants no MAKE_BLOCK,
    # capabilities are gone, seccomp refuses device nodes); as root, a node for the disk would
    # otherwise read any file
    r = run(box, """
        import stat
        dev = os.stat('/').st_dev
        emit(r=attempt(lambda: os.mknod('disk', 0o600 | stat.S_IFBLK, dev)),
             fifo=attempt(lambda: os.mkfifo('fifo')))
    """)
    assert denied(r["r"])
    if sandbox.landlock_abi() > 0:  # a FIFO where the judge expects a file would block it
        assert denied(r["fifo"])


def _listener():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.2)
    hits = []

    def accept():
        while not hits or hits[-1] != "stop":
            try:
                conn, _ = srv.accept()
            except OSError:
                continue
            hits.append("connected")
            conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    return srv, hits


def test_socket_connect_is_denied(box):
    srv, hits = _listener()
    port = srv.getsockname()[1]
    try:
        r = run(box, f"""
            import socket
            def connect():
                s = socket.create_connection(('127.0.0.1', {port}), timeout=2)
                s.close()
            emit(r=attempt(connect), v=VIOLATIONS)
        """)
    finally:
        hits.append("stop")
        srv.close()
    assert denied(r["r"])
    assert "connected" not in hits
    assert any("socket" in v for v in r["v"])


@pytest.mark.skipif(LANDLOCK_ABI < 4, reason="Landlock ABI < 4 has no TCP rules")
def test_landlock_alone_denies_tcp_connect(box):
    srv, hits = _listener()
    port = srv.getsockname()[1]
    try:
        r = run(box, f"""
            import socket
            layers('landlock')
            s = socket.socket()
            emit(r=attempt(lambda: s.connect(('127.0.0.1', {port}))))
        """, confine=False)
    finally:
        hits.append("stop")
        srv.close()
    assert denied(r["r"]) and r["r"]["error"] == "PermissionError"
    assert "connected" not in hits


def test_ctypes_call_is_denied(box):
    r = run(box, """
        emit(r=attempt(lambda: __import__('ctypes').CDLL(None).getpid()),
             libc=attempt(lambda: __import__('ctypes').CDLL('libc.so.6').syscall(39)),
             cffi=attempt(lambda: __import__('cffi').FFI().dlopen(None)), v=VIOLATIONS)
    """)
    assert denied(r["r"]) and denied(r["libc"]) and denied(r["cffi"])
    assert any(v.startswith("ctypes.") for v in r["v"])


KILLS = {
    "os.kill": "os.kill(os.getppid(), 9)",
    "os.killpg": "os.killpg(os.getpgid(os.getppid()), 9)",
    "pidfd": "__import__('signal').pidfd_send_signal(os.pidfd_open(os.getppid()), 9)",
}

WRAPPER = r"""
import subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(p.stdout)
sys.stderr.write(p.stderr)
print("RESULT {\"parent_alive\": true}")
"""


@pytest.mark.parametrize("how", sorted(KILLS))
def test_kill_parent_is_denied(box, how):
    # the confined script's parent is a throw-away wrapper process, never pytest itself
    r = run(box, f"emit(r=attempt(lambda: {KILLS[how]}))",
            argv_prefix=(sys.executable, "-c", WRAPPER))
    assert r.get("parent_alive") is True
    assert denied(r["r"])


@pytest.mark.skipif(LANDLOCK_ABI < 6, reason="Landlock ABI < 6 cannot scope signals")
def test_landlock_alone_denies_signal_to_parent(box):
    r = run(box, "layers('landlock')\nemit(r=attempt(lambda: os.kill(os.getppid(), 9)))",
            confine=False, argv_prefix=(sys.executable, "-c", WRAPPER))
    assert r.get("parent_alive") is True
    assert denied(r["r"]) and r["r"]["error"] == "PermissionError"


@needs_seccomp
def test_seccomp_alone_denies_processes_sockets_and_neighbours(box):
    r = run(box, """
        import resource, socket, threading
        info = layers('seccomp')
        out = []
        t = threading.Thread(target=lambda: out.append(sum(range(10))))
        t.start(); t.join()
        emit(info=info, thread=out,
             fork=attempt(os.fork),
             fork_exec=attempt(fork_exec_true),
             socket=attempt(socket.socket),
             udp=attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)),
             unix=attempt(lambda: socket.socket(socket.AF_UNIX)),
             kill=attempt(lambda: os.kill(os.getppid(), 0)),
             kill_self=attempt(lambda: os.kill(os.getpid(), 0)),
             prlimit=attempt(lambda: resource.prlimit(os.getppid(), resource.RLIMIT_CPU)),
             prlimit_self=attempt(lambda: resource.prlimit(0, resource.RLIMIT_CPU)),
             setsid=attempt(os.setsid),
             nice=attempt(lambda: os.setpriority(os.PRIO_PROCESS, os.getppid(), 19)),
             chmod=attempt(lambda: (open('f', 'w').close(), os.chmod('f', 0o777),
                                    oct(os.stat('f').st_mode & 0o777))[-1]))
    """, setup=FORK_EXEC, confine=False, argv_prefix=(sys.executable, "-c", WRAPPER))
    assert r["info"]["seccomp"] == "all-threads"
    assert r["thread"] == [45]  # threads still work (clone3 -> ENOSYS -> clone)
    for key in ("fork", "fork_exec", "socket", "udp", "unix", "kill", "prlimit", "setsid", "nice"):
        assert denied(r[key]), (key, r[key])
    assert not denied(r["kill_self"]) and not denied(r["prlimit_self"])
    assert r["chmod"]["value"] == "'0o644'"  # chmod succeeds as a no-op


def test_sqlite_connect_outside_is_denied(box):
    work, outside = box
    r = run(box, """
        import sqlite3
        emit(r=attempt(lambda: sqlite3.connect(os.path.join(OUTSIDE, 'gradebook.db'))),
             mem=attempt(lambda: sqlite3.connect(':memory:')))
    """)
    assert denied(r["r"]) and denied(r["mem"])
    assert not (outside / "gradebook.db").exists()


def test_rlimit_raise_is_denied(box):
    r = run(box, """
        import resource
        emit(r=attempt(lambda: resource.setrlimit(resource.RLIMIT_AS, (-1, -1))),
             p=attempt(lambda: resource.prlimit(0, resource.RLIMIT_AS, (-1, -1))),
             now=resource.getrlimit(resource.RLIMIT_AS), info=INFO)
    """)
    assert denied(r["r"]) and denied(r["p"])
    assert r["now"] == [2048 * 2**20] * 2
    assert r["info"]["rlimits"]["RLIMIT_AS"] == 2048 * 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                    reason="capabilities matter for root on Linux")
def test_capabilities_alone_forbid_raising_hard_limits(box):
    # as root, setrlimit could raise a hard limit again; without CAP_SYS_RESOURCE it cannot
    r = run(box, """
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))
        info = layers('caps')
        emit(info=info, r=attempt(lambda: resource.setrlimit(resource.RLIMIT_AS, (-1, -1))),
             status=[l for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapBnd'))])
    """, confine=False)
    assert r["info"]["caps"] is True
    assert denied(r["r"])
    assert all(line.split()[1] == "0000000000000000" for line in r["status"])


def test_memory_bomb_raises_memoryerror(box):
    r = run(box, """
        import numpy as np
        emit(r=attempt(lambda: np.ones(10**10)), after=float(np.ones(1000).sum()))
    """)
    assert denied(r["r"]) and "MemoryError" in r["r"]["error"]
    assert r["after"] == 1000.0


def test_file_size_flood_raises_oserror(box):
    work, _ = box
    r = run(box, """
        def flood():
            with open('big.bin', 'wb') as f:
                for _ in range(100):
                    f.write(bytes(2**20))
        emit(r=attempt(flood), size=os.path.getsize('big.bin'), alive=True)
    """)
    assert denied(r["r"]) and r["r"]["error"] == "OSError"
    assert r["alive"] and r["size"] <= 64 * 2**20
    (work / "big.bin").unlink()


def test_on_violation_reports_description(box):
    # the callback itself trips the hook (re-entrancy) and raises: neither may matter
    r = run(box, """
        def boom(desc):
            VIOLATIONS.append(desc)
            open(os.path.join(OUTSIDE, 'log.txt'), 'w')
            raise RuntimeError('callback failure')
        sandbox.confine(WORK, sandbox.default_read_roots(), sandbox.Limits(), boom)
        emit(a=attempt(lambda: open(SECRET).read()),
             b=attempt(lambda: os.system('id')),
             c=attempt(lambda: os.listdir(OUTSIDE)),
             v=VIOLATIONS)
    """, confine=False)
    assert denied(r["a"]) and denied(r["b"]) and denied(r["c"])
    assert r["a"]["error"] == "PermissionError"
    v = r["v"]
    assert len(v) == 3, v
    assert v[0].startswith("open: ") and "answers.txt" in v[0] and "reading" in v[0]
    assert v[1].startswith("os.system")
    assert v[2].startswith("os.listdir")


def test_hook_survives_tampering(box):
    r = run(box, """
        import builtins, posixpath, gc
        os.path.realpath = lambda p, *a, **k: os.path.join(WORK, 'x')
        posixpath.realpath = os.path.realpath
        os.readlink = lambda p, *a, **k: WORK
        os.getcwd = lambda: WORK
        builtins.type = lambda x: str
        builtins.PermissionError = None
        sandbox.ALWAYS_DENIED = sandbox.audit.ALWAYS_DENIED = frozenset()
        sandbox.DENIED_PREFIXES = sandbox.audit.DENIED_PREFIXES = ()
        emit(read=attempt(lambda: open(SECRET).read()),
             system=attempt(lambda: os.system('true')),
             gc=attempt(lambda: len(gc.get_objects())),
             sub=attempt(lambda: __import__('_xxsubinterpreters').create()), v=VIOLATIONS)
    """)
    for key in ("read", "system", "gc", "sub"):
        assert denied(r[key]), (key, r[key])
    assert any("answers.txt" in v for v in r["v"])  # refused by the hook, not only by Landlock


def test_native_module_from_workdir_is_denied(box):
    # a compiled extension written into the work folder would run native code past the hook
    work, _ = box
    import _bisect
    import shutil
    shutil.copy(_bisect.__file__, work / Path(_bisect.__file__).name)
    r = run(box, """
        import importlib.util
        name = [n for n in os.listdir('.') if n.endswith('.so')][0]
        def load():
            spec = importlib.util.spec_from_file_location('_bisect', os.path.abspath(name))
            return importlib.util.module_from_spec(spec)
        emit(r=attempt(load), v=VIOLATIONS)
    """)
    assert denied(r["r"])
    assert any("native module" in v for v in r["v"])


# ---------------------------------------------------------------------------------------------
# what must keep working
# ---------------------------------------------------------------------------------------------

def test_numpy_and_matplotlib_work_after_confine(box):
    work, _ = box
    r = run(box, """
        import warnings
        a = np.random.default_rng(0).normal(size=(200, 50))
        u, s, vt = np.linalg.svd(a, full_matrices=False)
        np.save('s.npy', s)
        back = np.load('s.npy')
        fig, ax = plt.subplots()
        ax.plot(s)
        ax.set_title('singular values')
        fig.savefig('fig.png')
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            np.log(np.zeros(1))
            warnings.warn('just a warning')
        warnings.warn('printed warning')
        print('hello from the sandbox')
        emit(same=bool(np.allclose(back, s)), png=os.path.getsize('fig.png'),
             warnings=len(caught), info=INFO, v=VIOLATIONS)
    """, setup="""
        import numpy as np
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    """)
    assert r["same"] and r["png"] > 1000 and r["warnings"] == 2
    assert "hello from the sandbox" in r["_stdout"] and "printed warning" in r["_stderr"]
    assert r["v"] == []
    assert r["info"]["audit_hook"] is True
    assert (work / "fig.png").exists()


def test_matplotlib_imported_after_confine_works(box):
    r = run(box, """
        import numpy as np
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
        plt.plot(np.arange(10) ** 2)
        plt.xlabel('x')
        plt.savefig('late.png')
        emit(png=os.path.getsize('late.png'), v=VIOLATIONS)
    """)
    assert r["png"] > 1000
    assert r["v"] == []


def test_workdir_is_writable(box):
    work, _ = box
    r = run(box, """
        import shutil, tempfile, pathlib
        os.mkdir('sub')
        with open('sub/a.txt', 'w') as f:
            f.write('a')
        os.rename('sub/a.txt', 'sub/b.txt')
        shutil.copy('sub/b.txt', 'c.txt')
        pathlib.Path('d.txt').write_text('d')
        link = attempt(lambda: os.symlink('d.txt', 'e.txt'))
        t = tempfile.mkdtemp()
        fd, name = tempfile.mkstemp()
        os.close(fd)
        os.remove(name)
        shutil.rmtree('sub')
        emit(listing=sorted(os.listdir('.')), link=link,
             tmp_inside=t.startswith(WORK), null=attempt(lambda: open('/dev/null', 'w').write('x')),
             urandom=len(os.urandom(8)), v=VIOLATIONS)
    """)
    assert {"c.txt", "d.txt"} <= set(r["listing"]) and "sub" not in r["listing"]
    assert r["tmp_inside"] and not denied(r["null"]) and r["urandom"] == 8
    # no symbolic links, even inside the work folder: one could point the judge elsewhere
    assert denied(r["link"]) and "e.txt" not in r["listing"]
    assert r["v"] == ["os.symlink: symbolic links are not allowed while grading"]
    assert (work / "c.txt").read_text() == "a"


def test_site_packages_and_stdlib_are_readable(box):
    r = run(box, """
        import numpy, inspect, json as _json
        src = open(numpy.__file__).read()
        emit(numpy_src=len(src) > 100, listing='linalg' in os.listdir(os.path.dirname(numpy.__file__)),
             stdlib=len(inspect.getsource(_json.dumps)) > 100, v=VIOLATIONS)
    """, setup="import numpy\n")
    assert r["numpy_src"] and r["listing"] and r["stdlib"] and r["v"] == []


def test_new_imports_work_after_confine(box):
    r = run(box, """
        import fractions, decimal, cmath, statistics, zlib
        import utils.losses
        p = utils.losses.softmax([[1.0, 2.0, 3.0]])
        emit(frac=str(fractions.Fraction(1, 3) + fractions.Fraction(1, 6)),
             dec=str(decimal.Decimal('0.1') * 3), mean=statistics.mean([1, 2, 3]),
             softmax_sum=float(p.sum()), utils_file=utils.losses.__file__, v=VIOLATIONS)
    """, setup="import numpy\n")
    assert r["frac"] == "1/2" and r["dec"] == "0.3" and r["mean"] == 2
    assert abs(r["softmax_sum"] - 1.0) < 1e-9
    assert r["utils_file"].startswith(str(REPO / "utils"))
    assert r["v"] == []


def test_traceback_through_outside_code_is_not_reported(box):
    # frames from files outside the allowed folders (e.g. the runner's own code) make traceback
    # formatting read their source: refused, but not reported as a violation
    work, outside = box
    (outside / "runner_helper.py").write_text("def call(f):\n    return f()\n")
    r = run(box, """
        import traceback, warnings
        def student():
            warnings.warn('from student code', RuntimeWarning, stacklevel=2)
            return 1 / 0
        try:
            runner_helper.call(student)
        except ZeroDivisionError:
            tb = traceback.format_exc()
        emit(tb_ok='ZeroDivisionError' in tb, leaked='return f()' in tb, v=VIOLATIONS)
    """, setup="sys.path.insert(0, OUTSIDE)\nimport runner_helper\n")
    assert r["tb_ok"] and not r["leaked"]
    assert r["v"] == []


def test_confine_result_and_overhead(box):
    r = run(box, """
        import time
        t = time.perf_counter()
        roots = sandbox.default_read_roots()
        t_roots = time.perf_counter() - t
        info = sandbox.confine(WORK, roots, sandbox.Limits(memory_mb=1024), VIOLATIONS.append)
        emit(info=info, roots_ms=t_roots * 1000)
    """, setup="import numpy\n", confine=False)
    info = r["info"]
    assert info["audit_hook"] is True
    assert info["landlock"] == LANDLOCK_ABI
    assert info["rlimits"]["RLIMIT_AS"] == 1024 * 2**20
    assert info["rlimits"]["RLIMIT_CORE"] == 0
    assert info["rlimits"]["RLIMIT_NOFILE"] == 256
    if ON_LINUX_X86_64:
        assert info["seccomp"] == "all-threads"
    if sys.platform.startswith("linux") and os.geteuid() == 0:
        assert info["capabilities_dropped"] is True
    assert info["errors"] == []
    print(f"confine: {info['seconds'] * 1000:.2f} ms, default_read_roots: {r['roots_ms']:.2f} ms")


def test_confine_degrades_without_landlock(box):
    # a kernel without Landlock (or another OS): confine() goes on with the other layers
    r = run(box, """
        sandbox.kernel.landlock_abi = lambda: 0  # the kernel module asks it
        sandbox._apply_seccomp = lambda: ('', [])
        sandbox._drop_capabilities = lambda: (False, [])
        info = sandbox.confine(WORK, sandbox.default_read_roots(), sandbox.Limits(), VIOLATIONS.append)
        emit(info=info, r=attempt(lambda: open(SECRET).read()),
             w=attempt(lambda: open('ok.txt', 'w').write('ok')),
             mk=attempt(lambda: os.mkdir('d')),
             link_out=attempt(lambda: os.symlink(OUTSIDE, 'out')),
             link_up=attempt(lambda: os.symlink('../../outside', 'd/up')),
             hard=attempt(lambda: os.link(SECRET, 'hard')),
             dirfd=attempt(lambda: os.open(OUTSIDE, os.O_RDONLY)),
             dirfd_up=attempt(lambda: os.open('../outside/answers.txt', os.O_RDONLY,
                                              dir_fd=os.open('.', os.O_RDONLY))),
             spawn=attempt(lambda: os.posix_spawn('/bin/true', ['true'], {})))
    """, confine=False)
    assert r["info"]["landlock"] == 0 and r["info"]["audit_hook"] is True
    assert not denied(r["w"]) and not denied(r["mk"])
    for key in ("r", "link_out", "link_up", "hard", "dirfd", "dirfd_up", "spawn"):
        assert denied(r[key]), (key, r[key])


def test_default_read_roots_exclude_repository_and_secrets():
    roots = sandbox.default_read_roots()
    assert roots == sorted(set(roots))
    for r in roots:
        assert os.path.exists(r) and os.path.realpath(r) == r
    banned = {"/", "/work", "/root", "/home", "/tmp", str(REPO)}
    assert not banned & set(roots)
    for r in roots:
        for secret in ("solutions", "autograder", "tests"):
            s = str(REPO / secret)
            assert not (r == s or r.startswith(s + "/") or s.startswith(r.rstrip("/") + "/")), r
        assert not str(REPO).startswith(r.rstrip("/") + "/"), r  # no ancestor of the repository
    prefix = os.path.realpath(sys.prefix)
    assert any(prefix == r or prefix.startswith(r + "/") for r in roots)
    utils_dir = os.path.realpath(str(REPO / "utils"))
    assert utils_dir in roots
    assert "/usr" in roots and "/dev/null" in roots
    assert not any(r == "/etc" for r in roots)  # only selected /etc entries


# ---------------------------------------------------------------------------------------------
# the audit hook cannot be switched off from Python (issue: "the judge acts on paths the student
# controls"): nothing it calls can be replaced, no frame of it can be reached
# ---------------------------------------------------------------------------------------------

def test_refusal_traceback_shows_nothing_of_the_hook(box):
    # the hook's frame is in the traceback of every refusal: it must hold no function, table or
    # closure a student could change
    r = run(box, """
        import types
        try:
            open(SECRET)
        except PermissionError as e:
            tb = e.__traceback__
            frames = []
            while tb is not None:
                frames.append(tb.tb_frame)
                tb = tb.tb_next
        inner = frames[-1]
        values = list(inner.f_locals.values())
        emit(names=sorted(inner.f_locals),
             callables=[type(v).__name__ for v in values
                        if callable(v) and not isinstance(v, type)],
             mutable=[type(v).__name__ for v in values if isinstance(v, (dict, list, set))])
    """)
    assert r["callables"] == [] and r["mutable"] == [], r
    assert set(r["names"]) <= {"event", "args", "reason", "_PermissionError"}, r["names"]


FRAME_ATTACKS = {
    "settrace": "sys.settrace(lambda *a: None)",
    "setprofile": "sys.setprofile(lambda *a: None)",
    "current_frames": "sys._current_frames()",
    # refused silently by Python itself (the refusal is swallowed, the hook is not added)
    "addaudithook": ("(sys.addaudithook(lambda e, a: HEARD.append(e)), open(os.devnull).close(), "
                     "HEARD and 1 / 0)"),
    "threading_settrace": ("(__import__('threading').settrace(lambda *a: None), "
                           "(t := __import__('threading').Thread(target=lambda: None)).start(), t.join())"),
    "replace_code": "setattr(os.path.join, '__code__', (lambda *a: '/').__code__)",
}


@pytest.mark.parametrize("how", sorted(FRAME_ATTACKS))
def test_ways_to_reach_or_change_the_hook_are_refused_and_reported(box, how):
    r = run(box, f"""
        before, HEARD = len(VIOLATIONS), []
        r = attempt(lambda: {FRAME_ATTACKS[how]})
        emit(r=r, v=VIOLATIONS[before:], joined=os.path.join('a', 'b'))
    """)
    if how not in ("threading_settrace", "addaudithook"):  # these two refuse without raising here
        assert denied(r["r"]), r["r"]
    if how == "addaudithook":
        assert not denied(r["r"]), "the student's hook was added and heard events"
    assert r["v"], "not reported"
    assert r["joined"] == "a/b"


def test_patched_pathlib_is_never_called_by_the_hook(box):
    # pathlib's methods are Python code the student can replace; the hook reads a path object's
    # slots itself, so a patched method neither runs inside the hook nor changes its decision
    r = run(box, """
        import pathlib, sys
        seen = []

        def spy(self, *a, **k):
            seen.append([f.f_code.co_name for f in [sys._getframe(i) for i in range(1, 4)]])
            return 'ok.txt'

        pathlib.PurePath.__str__ = spy
        pathlib.PurePath.__fspath__ = spy
        pathlib.PurePath._format_parsed_parts = classmethod(spy)
        r = attempt(lambda: open(pathlib.Path(SECRET)).read())
        w = attempt(lambda: __import__('io').FileIO(pathlib.Path(WORK) / 'fine.txt', 'w').close())
        emit(r=r, w=w, in_hook=[s for s in seen if 'decide' in s or 'sandbox_audit_hook' in s])
    """)
    assert denied(r["r"]) and not denied(r["w"]), r
    assert r["in_hook"] == []


def test_code_compiled_under_a_library_name_is_still_reported(box):
    # refusals from the interpreter's own source readers are quiet; a student's code that claims
    # their file names is not one of them
    r = run(box, """
        import linecache, traceback
        before = len(VIOLATIONS)
        for name in (linecache.__file__, traceback.__file__, '/x/matplotlib/font_manager.py'):
            ns = {}
            exec(compile('def grab(p):\\n    return open(p).read()\\n', name, 'exec'), ns)
            attempt(lambda: ns['grab'](SECRET))
        emit(v=VIOLATIONS[before:])
    """)
    assert len(r["v"]) == 3, r["v"]


def test_deep_recursion_is_refused_quietly_not_reported_as_tampering(box):
    # an honest runaway recursion with a raised limit must not look like an attack
    r = run(box, """
        sys.setrecursionlimit(100000)
        before = len(VIOLATIONS)

        def down(n):
            if n == 0:
                return open(os.path.join(WORK, 'deep.txt'), 'w').close()
            return down(n - 1)

        def forever(n):
            return forever(n + 1)

        shallow = attempt(lambda: down(10))
        deep = attempt(lambda: forever(0))
        emit(shallow=shallow, deep=deep['error'], v=VIOLATIONS[before:])
    """)
    assert not denied(r["shallow"])
    assert r["deep"] in ("RecursionError", "MemoryError", "PermissionError")
    assert r["v"] == []


def test_fd_reporter_uses_no_patchable_module(box):
    # the violation report is written with C functions only: a student who patches json (or
    # anything else in Python) cannot run code while the hook is on the stack
    r = run(box, """
        import json, struct, threading
        from autograder import wire
        from autograder.sandbox.audit import fd_reporter
        rd, wr = os.pipe()
        report = fd_reporter(wr, threading.RLock())
        calls = []
        dumps, encode = json.dumps, wire.encode
        json.dumps = lambda *a, **k: calls.append('dumps') or '{}'
        wire.encode = lambda *a, **k: calls.append('encode') or b''
        report('open: "x" outside')
        json.dumps, wire.encode = dumps, encode
        hlen, plen = struct.unpack('<IQ', os.read(rd, 12))
        header = os.read(rd, hlen)
        emit(msg=wire.decode(header, b''), plen=plen, calls=calls)
    """, confine=False)
    assert r["msg"] == {"event": "violation", "what": 'open: "x" outside'} and r["plen"] == 0
    assert r["calls"] == []


def test_stat_outside_is_refused_and_its_original_cannot_be_pulled_out(box):
    # a file's size and times outside the allowed folders (the hidden tests') are not to be read
    r = run(box, """
        import pathlib, posix
        before = len(VIOLATIONS)
        emit(stat=attempt(lambda: os.stat(SECRET).st_size),
             lstat=attempt(lambda: os.lstat(SECRET).st_size),
             posix=attempt(lambda: posix.stat(SECRET).st_size),
             access=attempt(lambda: os.access(SECRET, os.R_OK)),
             exists=os.path.exists(SECRET),
             path=attempt(lambda: pathlib.Path(SECRET).stat().st_size),
             kw=attempt(lambda: os.stat.__kwdefaults__['_stat'](SECRET).st_size),
             inside=attempt(lambda: os.stat(WORK).st_mode),
             lib=attempt(lambda: os.stat(os.__file__).st_size),
             v=len(VIOLATIONS) - before)
    """)
    for key in ("stat", "lstat", "posix", "access", "path", "kw"):
        assert denied(r[key]), (key, r[key])
    assert r["exists"] is False
    assert not denied(r["inside"]) and not denied(r["lib"])
    assert r["v"] >= 6
