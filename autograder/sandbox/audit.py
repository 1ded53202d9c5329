"""The audit-hook layer of the sandbox: a tripwire that refuses and reports, in Python.

``sys.addaudithook`` hooks cannot be removed from Python. The hook refuses file access outside the
allowed folders and every process, network, ctypes, sqlite and rlimit event, reporting each attempt
to the judge. It is not a security boundary on its own (see ``autograder.sandbox``), but nothing a
student's code can reach changes what it decides:

- it calls no Python code the student could replace: everything it uses is a C function or an
  immutable value bound when it is built (paths given as ``pathlib`` objects are read through the
  slots' own descriptors, reports are written by ``fd_reporter`` with C functions only);
- its tables are frozensets and tuples, and no frame of it is ever visible: the hook that raises
  deletes its only reference to the checker first, so a traceback shows nothing of it, and
  tracers, profilers, ``sys._current_frames`` and replacing a function's ``__code__`` are refused;
- what it keeps quiet (the interpreter's own source lookups for tracebacks) is recognised by the
  identity of the library's code objects, never by a file name a student can compile code under.
"""

from __future__ import annotations

import os
import sys

# Native modules that give Python code a foreign-function interface without ctypes' audit events.
DENIED_IMPORTS = frozenset({"_cffi_backend", "_xxsubinterpreters", "_xxinterpchannels",
                            "_xxinterpqueues", "_interpreters", "_interpchannels",
                            "_interpqueues"})


# --------------------------------------------------------------------------------------------
# layer 5: the audit hook
# --------------------------------------------------------------------------------------------

ALWAYS_DENIED = frozenset({
    "subprocess.Popen", "os.system", "os.fork", "os.forkpty", "pty.spawn", "os.kill",
    "os.killpg", "signal.pthread_kill", "sqlite3.connect", "sqlite3.connect/handle",
    "sqlite3.enable_load_extension", "sqlite3.load_extension", "resource.setrlimit",
    "resource.prlimit", "os.startfile", "os.startfile/2", "webbrowser.open", "urllib.Request",
    "sys.remote_exec", "os.setuid", "os.setgid", "os.setreuid", "os.setregid", "os.setresuid",
    "os.setresgid", "cpython.PyInterpreterState_New", "gc.get_objects", "gc.get_referrers",
    "gc.get_referents", "os.add_dll_directory", "ensurepip.bootstrap",
})
# events refused always: frames of the sandbox could be reached through a tracer, a profiler or
# another thread's stack, and a function whose code is replaced changes what it does
# (another audit hook would be handed the sandbox's frames as the arguments of sys._getframe)
FRAME_EVENTS = frozenset({"sys.settrace", "sys.setprofile", "sys._current_frames",
                          "sys.addaudithook"})
DENIED_PREFIXES = (
    "socket.", "ctypes.", "ftplib.", "smtplib.", "poplib.", "imaplib.", "nntplib.",
    "telnetlib.", "http.client.", "winreg.", "_winapi.", "msvcrt.", "syslog.", "os.exec",
    "os.spawn", "os.posix_spawn", "_xxsubinterpreters.", "_interpreters.",
)

# Refusals met while the interpreter's own helpers are on the stack are not reported (still refused):
# tracebacks and warnings reading the source of frames that live outside the allowed folders
# (linecache and tokenize, called from traceback, warnings or inspect), matplotlib's font search
# looking into home folders. They are recognised by their code objects (see ``_quiet_code``).


def _code_objects(modules):
    """Every code object of the functions and methods defined in ``modules``, nested ones too."""
    import types

    found, seen = [], set()

    def add(code):
        if id(code) in seen:
            return
        seen.add(id(code))
        found.append(code)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                add(const)

    def visit(obj, depth=0):
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, property):
            for f in (obj.fget, obj.fset, obj.fdel):
                if f is not None:
                    visit(f, depth)
            return
        code = getattr(obj, "__code__", None) if isinstance(obj, types.FunctionType) else None
        if code is not None:
            add(code)
        elif isinstance(obj, type) and depth < 3:
            for v in list(vars(obj).values()):
                visit(v, depth + 1)

    for module in modules:
        for value in list(vars(module).values()):
            if getattr(value, "__module__", None) == module.__name__:
                visit(value)
    return tuple(found)


def _quiet_code():
    """(code objects whose refusals are not reported, of them the source readers): the library
    code that shows a stack or searches for fonts, by identity."""
    import importlib

    def load(names):
        mods = []
        for n in names:
            mod = sys.modules.get(n)
            if mod is None and not n.startswith("matplotlib"):
                try:
                    mod = importlib.import_module(n)
                except ImportError:
                    mod = None
            if mod is not None:
                mods.append(mod)
        return mods

    readers = _code_objects(load(("linecache", "tokenize")))
    callers = _code_objects(load(("traceback", "warnings", "inspect")))
    others = _code_objects(load(("matplotlib.font_manager",)))
    return readers, callers, others


def fd_reporter(fd, lock=None):
    """A violation reporter for the audit hook that writes a ``wire`` message to ``fd`` using C
    functions only (no json, numpy or other module the student's code could patch)."""
    import _json
    import struct

    _enc, _pack, _write, _len = _json.encode_basestring_ascii, struct.pack, os.write, len
    _str, _type = str, type
    _lock = lock
    head, tail = '{"__dict__": {"event": "violation", "what": ', "}}"  # wire's form of a dict

    def report(description):
        if _type(description) is not _str:
            return
        header = (head + _enc(description) + tail).encode("ascii")
        data = _pack("<IQ", _len(header), 0) + header
        if _lock is not None:
            _lock.acquire()
        try:
            view = memoryview(data)
            while _len(view):
                view = view[_write(fd, view):]
        except OSError:
            pass
        finally:
            if _lock is not None:
                _lock.release()

    return report


_REAL_LSTAT, _REAL_READLINK = os.lstat, os.readlink  # bound before guard_stat wraps them
REFUSED_EVENT = "sandbox.refused"  # raised by stand-ins for calls that escape the audit (the runner's)
STAT_EVENT = "sandbox.stat"  # raised by the wrappers of ``guard_stat`` (os.stat has no event)


def guard_stat():
    """Route ``os.stat``, ``os.lstat`` and ``os.access`` (which Python does not audit) through an
    audit event, so that the hook refuses them outside the allowed folders: a file's size and
    times outside (the hidden tests') are nobody's business. The originals are kept only in the
    wrappers' keyword defaults, which the hook refuses to show; returns the wrappers' code objects
    for ``_make_hook(protected=...)``."""
    import posix

    _audit = sys.audit

    def stat(path, *, dir_fd=None, follow_symlinks=True, _stat=os.stat, _audit=_audit):
        _audit(STAT_EVENT, path, dir_fd, follow_symlinks)
        return _stat(path, dir_fd=dir_fd, follow_symlinks=follow_symlinks)

    def lstat(path, *, dir_fd=None, _lstat=os.lstat, _audit=_audit):
        _audit(STAT_EVENT, path, dir_fd, False)
        return _lstat(path, dir_fd=dir_fd)

    def access(path, mode, *, dir_fd=None, effective_ids=False, follow_symlinks=True, _access=os.access,
               _audit=_audit):
        _audit(STAT_EVENT, path, dir_fd, follow_symlinks)
        return _access(path, mode, dir_fd=dir_fd, effective_ids=effective_ids, follow_symlinks=follow_symlinks)

    for fn in (stat, lstat, access):
        fn.__module__ = "os"
        for module in (os, posix):
            setattr(module, fn.__name__, fn)
    return (stat.__code__, lstat.__code__, access.__code__)


def _make_hook(workdir: str, read_roots: list[str], on_violation, protected=()):
    """Build the audit hook. Everything it uses is bound here, so that later changes to modules,
    builtins or the sandbox module's globals cannot change its decisions; it never calls code
    that the student could have replaced (``on_violation`` included: give it ``fd_reporter``).
    ``protected``: code objects of functions whose defaults hold something the student must not
    get (``guard_stat``'s originals): reading those functions' defaults is refused."""
    import _thread
    import pathlib
    import stat as _stat
    import types

    _type, _str, _bytes, _int, _issubclass, _len = type, str, bytes, int, issubclass, len
    _range, _reversed = range, reversed
    always_denied, denied_prefixes, denied_imports = ALWAYS_DENIED, DENIED_PREFIXES, DENIED_IMPORTS
    _Exception, _PermissionError = Exception, PermissionError
    _lstat, _readlink, _getcwd = _REAL_LSTAT, _REAL_READLINK, os.getcwd
    _getframe = sys._getframe
    _ident = _thread.get_ident
    _enc = sys.getfilesystemencoding()
    _bdecode, _sjoin, _bjoin = bytes.decode, "".join, b"".join
    _DirEntry = os.DirEntry
    _path_types = (pathlib.PosixPath, pathlib.PurePosixPath)
    # pathlib's own methods are Python code a student can patch: read its slots through their
    # descriptors (C) instead, and join the parts here
    _slots = pathlib.PurePath.__dict__
    _get_str, _get_drv = _slots["_str"].__get__, _slots["_drv"].__get__
    _get_root, _get_parts = _slots["_root"].__get__, _slots["_parts"].__get__
    _list, _tuple_t = list, tuple
    _FunctionType = types.FunctionType
    quiet_readers, quiet_callers, quiet_others = _quiet_code()
    reader_ids = frozenset(id(c) for c in quiet_readers)
    caller_ids = frozenset(id(c) for c in quiet_callers)
    quiet_ids = frozenset(id(c) for c in quiet_others) | reader_ids
    protected_ids = frozenset(id(c) for c in protected)
    keep_alive = (quiet_readers, quiet_callers, quiet_others, tuple(protected))  # ids stay unique
    frame_events = FRAME_EVENTS
    _RecursionError, _MemoryError = RecursionError, MemoryError
    S_IFMT, S_IFLNK, S_IFDIR = 0o170000, _stat.S_IFLNK, _stat.S_IFDIR
    WFLAGS = (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
    O_PATH = getattr(os, "O_PATH", 0)
    ON_LINUX = sys.platform.startswith("linux")
    DEFAULT_DIR_FDS = (None, -1, -100)

    wd = workdir.rstrip("/") or "/"
    wd_inside = (wd + "/",)
    root_dirs, root_files = [], set()
    for r in read_roots:
        (root_dirs.append(r.rstrip("/") + "/") if os.path.isdir(r) else root_files.add(r))
    root_dirs_t = tuple(root_dirs)
    read_dirs_t = tuple(root_dirs) + wd_inside
    root_files_f = frozenset(root_files)
    root_files_t = tuple(root_files)
    write_files_f = frozenset({"/dev/null"})
    busy: set = set()  # threads reporting right now (the only mutable state, never exposed)

    # ---- paths ---------------------------------------------------------------------------
    def text(p):
        """An exact str for a path argument, None for fds/None, False if not understood."""
        t = _type(p)
        if t is _str:
            return p
        if p is None or _issubclass(t, _int):
            return None
        if t is _bytes:
            return _bdecode(p, _enc, "surrogateescape")
        if t is _DirEntry:
            return text(p.path)
        if t in _path_types:
            return path_text(p)
        if _issubclass(t, _str):
            return _sjoin((p,))
        if _issubclass(t, _bytes):
            return _bdecode(_bjoin((p,)), _enc, "surrogateescape")
        return False

    def path_text(p):
        try:
            s = _get_str(p)
            if _type(s) is _str:
                return s
        except AttributeError:
            pass
        try:
            drv, root, parts = _get_drv(p), _get_root(p), _get_parts(p)
        except AttributeError:
            return False
        if _type(drv) is not _str or _type(root) is not _str or _type(parts) is not _list:
            return False
        for part in parts:
            if _type(part) is not _str:
                return False
        if drv or root:
            return (drv + root + "/".join(parts[1:])) or "."
        return "/".join(parts) or "."

    def realpath(path, follow=True, base=None):
        """Absolute, symlink-free version of a path, resolved like the kernel would: ``path`` is
        absolute, or relative to ``base``, a folder already known to be free of links (the
        kernel's own name for the current folder or a descriptor's), whose parts are not looked
        at again: a chain of nested folders costs one step per call, not one per level."""
        todo = path.split("/")
        todo.reverse()
        if not follow:
            while todo and todo[0] in ("", "."):
                del todo[0]
            if todo and todo[0] != "..":
                last = todo.pop(0)
                rest = "/".join(_reversed(todo))
                parent = realpath(rest if base is not None else "/" + rest, True, base)
                return (parent.rstrip("/") + "/" + last) if parent is not None else None
        done: list = [] if base is None else [p for p in base.split("/") if p]
        hops = 0
        while todo:
            name = todo.pop()
            if name == "" or name == ".":
                continue
            if name == "..":
                if done:
                    done.pop()
                continue
            cand = "/" + "/".join(done) + ("/" if done else "") + name
            try:
                mode = _lstat(cand).st_mode
            except _Exception:
                done.append(name)
                continue
            if mode & S_IFMT != S_IFLNK:
                done.append(name)
                continue
            hops += 1
            if hops > 40:
                return None
            try:
                target = _readlink(cand)
            except _Exception:
                return None
            if _type(target) is not _str:
                return None
            if target.startswith("/"):
                done = []
            parts = target.split("/")
            parts.reverse()
            todo.extend(parts)
        return "/" + "/".join(done)

    def fd_dir(fd):
        if not ON_LINUX or _type(fd) is not _int:
            return None
        try:
            d = _readlink("/proc/self/fd/" + _str(fd))
        except _Exception:
            return None
        return d if _type(d) is _str and d.startswith("/") else None

    def resolve(p, dir_fd=None, follow=True):
        """(resolved path or None, printable name). None: cannot be checked."""
        s = text(p)
        if s is None or s is False:
            return None, "?"
        if not s.startswith("/"):
            if dir_fd in DEFAULT_DIR_FDS:
                base = _getcwd()
            else:
                base = fd_dir(dir_fd)
                if base is None:
                    return None, s
            if _type(base) is not _str or not base.startswith("/"):
                return None, s
            return realpath(s, follow, base), s
        return realpath(s, follow), s

    def readable(rp):
        return rp in root_files_f or (rp + "/").startswith(read_dirs_t)

    def inside_work(rp):  # strictly inside the work folder
        return rp.startswith(wd_inside)

    def check_read(p, dir_fd=None, follow=True):
        if p is None:
            p = "."
        t = text(p)
        if t is None:
            return None  # an fd
        if t is False:
            return "path of an unsupported type"
        rp, name = resolve(t, dir_fd, follow)
        if rp is None or not readable(rp):
            return f"{name!r}: outside the allowed folders"
        return None

    def check_write(p, dir_fd=None, follow=True, allow_dev_null=False):
        t = text(p)
        if t is None:
            return None
        if t is False:
            return "path of an unsupported type"
        rp, name = resolve(t, dir_fd, follow)
        if rp is None:
            return f"{name!r}: cannot be checked"
        if allow_dev_null and rp in write_files_f:
            return None
        if not inside_work(rp):
            return f"{name!r}: changes outside the work folder"
        return None

    def arg(args, i):
        return args[i] if _len(args) > i else None

    # ---- handlers ----------------------------------------------------------------------------
    def h_open(args):
        path, mode, flags = arg(args, 0), arg(args, 1), arg(args, 2)
        t = text(path)
        if t is None:
            return None
        if t is False:
            return "path of an unsupported type"
        write = False
        if _type(mode) is _str:
            for c in "wax+":
                if c in mode:
                    write = True
        if _type(flags) is _int and flags & WFLAGS:
            write = True
        os_open = mode is None  # os.open: may carry a dir_fd we cannot see
        if os_open and not t.startswith("/") and ".." in t.split("/"):
            return f"{t!r}: relative path with '..' in os.open"
        rp, name = resolve(t)
        if rp is None:
            return f"{name!r}: cannot be checked"
        if write:
            if rp not in write_files_f and not inside_work(rp):
                return f"{name!r}: writing outside the work folder"
        elif not readable(rp):
            return f"{name!r}: reading outside the allowed folders"
        if os_open and rp != wd and not inside_work(rp):
            try:  # a directory fd could serve as dir_fd for relative opens the hook cannot follow
                if _lstat(rp).st_mode & S_IFMT == S_IFDIR:
                    return f"{name!r}: directory handle outside the work folder"
            except _Exception:
                pass
            if _type(flags) is _int and O_PATH and flags & O_PATH:
                return f"{name!r}: O_PATH handle outside the work folder"
        return None

    def h_read0(args):
        return check_read(arg(args, 0))

    def h_chdir(args):
        return check_read(arg(args, 0))

    def h_glob(args):
        pattern, root_dir, dir_fd = arg(args, 0), arg(args, 2), arg(args, 3)
        t = text(pattern)
        if t is None or t is False:
            return None if t is None else "pattern of an unsupported type"
        literal = []
        for part in t.split("/"):
            if "*" in part or "?" in part or "[" in part:
                break
            literal.append(part)
        lit = "/".join(literal) or ("/" if t.startswith("/") else ".")
        if lit.startswith("/"):
            return check_read(lit)
        if root_dir is not None:
            rt = text(root_dir)
            if rt is False or rt is None:
                return "root_dir of an unsupported type"
            return check_read(rt.rstrip("/") + "/" + lit)
        return check_read(lit, dir_fd)

    def h_glob_old(args):  # glob.glob: only absolute patterns (root_dir comes with glob.glob/2)
        t = text(arg(args, 0))
        if _type(t) is _str and t.startswith("/"):
            return h_glob((t, None, None, None))
        return None

    def h_pathlib_glob(args):
        return check_read(arg(args, 0))

    def mod(idx, dir_idx=None, follow=True):
        def h(args):
            return check_write(arg(args, idx), arg(args, dir_idx) if dir_idx is not None else None,
                               follow)
        return h

    def h_rename(args):
        return (check_write(arg(args, 0), arg(args, 2), follow=False)
                or check_write(arg(args, 1), arg(args, 3), follow=False))

    def h_link(args):
        return (check_write(arg(args, 0), arg(args, 2), follow=True)
                or check_write(arg(args, 0), arg(args, 2), follow=False)
                or check_write(arg(args, 1), arg(args, 3), follow=False))

    def h_symlink(args):  # a symlink in the work folder could point the judge elsewhere
        return "symbolic links are not allowed while grading"

    def h_truncate(args):
        return check_write(arg(args, 0))

    def h_xattr_read(args):
        return check_read(arg(args, 0))

    def h_shutil(name):
        def h(args):
            if name in ("copyfile", "copymode", "copystat", "copytree"):
                return check_read(arg(args, 0)) or check_write(arg(args, 1))
            if name == "move":
                return (check_write(arg(args, 0), follow=False)
                        or check_write(arg(args, 1), follow=False))
            if name == "rmtree":
                return check_write(arg(args, 0), arg(args, 1), follow=False)
            if name == "make_archive":
                return (check_write(arg(args, 0)) or check_read(arg(args, 2)))
            if name == "unpack_archive":
                return check_read(arg(args, 0)) or check_write(
                    arg(args, 1) if arg(args, 1) is not None else ".")
            for a in args:  # anything else: every path argument must be in the work folder
                t = text(a)
                if _type(t) is _str and t:
                    r = check_write(t)
                    if r:
                        return r
            return None
        return h

    def h_import(args):
        name, filename = arg(args, 0), arg(args, 1)
        if _type(name) is _str and name in denied_imports:
            return "this native module is not allowed"
        if filename is None:
            return None
        t = text(filename)
        if _type(t) is not _str:
            return "native module path of an unsupported type"
        rp, _ = resolve(t)
        if rp is None or inside_work(rp) or not (
                rp in root_files_f or (rp + "/").startswith(root_dirs_t)):
            return f"native module {t!r}: only installed packages may be loaded"
        return None

    def h_refused(args):  # raised by the runner's stand-ins for calls Python does not audit
        name = arg(args, 0)
        return (name if _type(name) is _str else "?") + "() refused"

    def h_setattr(args):  # a function whose code is replaced no longer does what it did
        name = arg(args, 1)
        if _type(arg(args, 0)) is _FunctionType and _type(name) is _str and name == "__code__":
            return "replacing a function's __code__ is not allowed while grading"
        return None

    def h_getattr(args):  # the originals that guard_stat's wrappers keep in their defaults
        obj, name = arg(args, 0), arg(args, 1)
        if _type(name) is _str and (name == "__defaults__" or name == "__kwdefaults__") \
                and _type(obj) is _FunctionType and id(obj.__code__) in protected_ids:
            return "the grader's own functions are not to be taken apart"
        return None

    ancestors_of = read_dirs_t + root_files_t

    def h_stat(args):
        p = arg(args, 0)
        t = text(p)
        if t is None:
            return None  # an fd
        if t is False:
            return "path of an unsupported type"
        rp, name = resolve(t, arg(args, 1), arg(args, 2) is not False)
        if rp is None:
            return f"{name!r}: cannot be checked"
        if readable(rp):
            return None
        inside = rp.rstrip("/") + "/"
        for allowed in ancestors_of:  # the folders above an allowed one: harmless, and Python walks them
            if allowed.startswith(inside):
                return None
        return f"{name!r}: outside the allowed folders"

    def h_ioctl(args):
        req = arg(args, 1)
        if _type(req) is _int and (req & 0xFFFFFFFF) in (0x5412, 0x541C):
            return "terminal injection ioctl"
        return None

    handlers = {}
    handlers.update({
        "open": h_open,
        "os.listdir": h_read0, "os.scandir": h_read0, "os.fwalk": h_read0,
        "os.chdir": h_chdir,
        "glob.glob": h_glob_old, "glob.glob/2": h_glob,
        "pathlib.Path.glob": h_pathlib_glob, "pathlib.Path.rglob": h_pathlib_glob,
        "os.chmod": mod(0, 2), "os.chown": mod(0, 3), "os.chflags": mod(0),
        "os.lchflags": mod(0, None, False), "os.remove": mod(0, 1, False),
        "os.rmdir": mod(0, 1, False), "os.mkdir": mod(0, 2, False), "os.utime": mod(0, 3),
        "os.rename": h_rename, "os.link": h_link, "os.symlink": h_symlink,
        "os.truncate": h_truncate, "os.setxattr": mod(0), "os.removexattr": mod(0),
        "os.getxattr": h_xattr_read, "os.listxattr": h_xattr_read,
        "tempfile.mkstemp": mod(0, None, False), "tempfile.mkdtemp": mod(0, None, False),
        "import": h_import, "fcntl.ioctl": h_ioctl, "object.__setattr__": h_setattr,
        "object.__getattr__": h_getattr, STAT_EVENT: h_stat, REFUSED_EVENT: h_refused,
    })
    for n in ("copyfile", "copymode", "copystat", "copytree", "move", "rmtree", "chown",
              "make_archive", "unpack_archive", "register_archive_format"):
        handlers["shutil." + n] = h_shutil(n)
    handler_names = _tuple_t(handlers)  # immutable from here on; the dict itself is dropped
    handler_funcs = _tuple_t(handlers[n] for n in handler_names)
    handler_set = frozenset(handler_names)
    _index = handler_names.index
    del handlers

    # ---- reporting ---------------------------------------------------------------------------
    def quiet():
        """Denials caused by the interpreter's own helpers (tracebacks and warnings reading the
        source of frames outside the allowed folders) are denied without being reported. The
        helpers are known by their code objects, not by file names."""
        try:
            f = _getframe(3)
            for _ in _range(12):
                if f is None:
                    break
                cid = id(f.f_code)
                if cid in quiet_ids:
                    if cid not in reader_ids:
                        return True
                    # the first caller outside linecache/tokenize must be traceback or warnings
                    g = f.f_back
                    while g is not None:
                        gid = id(g.f_code)
                        if gid not in reader_ids:
                            return gid in caller_ids
                        g = g.f_back
                    return False
                f = f.f_back
        except _Exception:
            pass
        return False

    def report(desc):
        if on_violation is None:
            return
        me = _ident()
        if me in busy:  # an event raised by on_violation itself
            return
        if quiet():
            return
        busy.add(me)
        try:
            on_violation(desc)
        except _Exception:
            pass
        finally:
            busy.discard(me)

    def decide(event, args):
        """None to allow the event, or the reason to refuse it (reported unless the refusal
        comes from a recursion or memory limit, which is the student's bug, not an attack)."""
        if _type(event) is not _str:
            return None
        if event in handler_set:
            failed = None
            try:
                reason = handler_funcs[_index(event)](args)
            except (_RecursionError, _MemoryError) as e:  # fail closed, quietly
                reason, failed = None, _type(e).__name__
            except _Exception as e:  # fail closed
                reason = "could not be checked (" + _type(e).__name__ + ")"
            if failed is not None:
                return event + ": could not be checked (" + failed + ")"
            if reason is None:
                return None
        elif event in always_denied or event in frame_events or event.startswith(denied_prefixes):
            reason = "not allowed in the sandbox"
        else:
            return None
        desc = event + ": " + reason
        try:
            report(desc)
        except (_RecursionError, _MemoryError):
            pass
        return desc

    # The hook that Python calls. When it refuses, its frame ends up in the traceback a student
    # can inspect: it deletes its reference to ``decide`` first, so that frame shows nothing but
    # the event, its arguments and the reason.
    def sandbox_audit_hook(event, args, _decide=decide, _PermissionError=PermissionError,
                           _keep=keep_alive):
        reason = _decide(event, args)
        if reason is None:
            return
        del _decide, _keep
        raise _PermissionError(1, "sandbox: " + reason)

    return sandbox_audit_hook
