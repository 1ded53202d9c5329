"""Confine the runner process that executes a student's code.

The judge (parent) never trusts the runner (child): it sends inputs, reads back plain npz arrays and
compares them with the reference itself. This module is what the runner calls, inside its private
work folder, just before the student's code runs. :func:`confine` is irreversible and stacks
independent layers, each applied only where the platform supports it (detect and degrade, never
crash):

1. **rlimits**: address space, CPU seconds, largest file, open files, no core files (and a small
   process count when not root); ``SIGXFSZ`` is ignored, so writing past the size limit raises
   ``OSError`` instead of killing the process.
2. **Landlock** (Linux >= 5.13, via ctypes): the kernel refuses to open anything outside the read
   roots (read-only) and the work folder (read-write, but no executing, no device nodes). Nothing
   may be executed. From ABI 4 every TCP bind/connect is refused; from ABI 6 the process cannot
   signal processes outside its own domain (e.g. the judge) nor reach abstract UNIX sockets.
3. **Capabilities** (Linux): when the runner is root, every capability is dropped (effective,
   permitted, inheritable, ambient and bounding sets), so uid 0 no longer bypasses file modes,
   raises hard rlimits, creates device nodes, loads kernel modules, mounts, etc.
4. **seccomp** (Linux x86_64, all threads): no new processes (fork/vfork/clone without
   ``CLONE_THREAD``; clone3 answers ENOSYS so glibc falls back to clone for threads), no execve,
   no sockets at all, no ptrace or process_vm_*, no mount/namespace/module/kexec/bpf/io_uring
   calls, no signals/prlimit/priority changes aimed at other processes, no leaving the process
   group (setsid/setpgid), no device nodes, no TIOCSTI; chmod/chown become silent no-ops.
5. **An audit hook** (``sys.addaudithook``, cannot be removed from Python): refuses, with a
   ``PermissionError`` and a report to ``on_violation``, opens and file-system operations outside
   the allowed folders and every process, network, ctypes, sqlite, rlimit and similar event.

Kernel layers 2-4 are the security boundary; the hook is a tripwire that gives clear errors and
reports attempts. See the module's tests for what each layer is shown to block.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .audit import ALWAYS_DENIED, DENIED_PREFIXES, _make_hook, guard_stat  # noqa: F401 (tests use them)
from .kernel import (  # noqa: F401
    _apply_landlock, _apply_rlimits, _apply_seccomp, _drop_capabilities, landlock_abi,
)

__all__ = ["Limits", "confine", "default_read_roots"]


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048  # RLIMIT_AS
    cpu_seconds: int = 300  # RLIMIT_CPU (soft = hard); a backstop, the judge enforces wall-clock
    file_size_mb: int = 64  # RLIMIT_FSIZE: largest file the child can write
    open_files: int = 256  # RLIMIT_NOFILE


# /etc holds secrets that uid 0 can read even without capabilities (/etc/shadow, ssh host keys),
# so only these entries are granted instead of the whole folder.
ETC_ENTRIES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group",
    "nsswitch.conf", "host.conf", "fonts", "mime.types", "os-release", "lsb-release",
    "debian_version", "matplotlibrc", "locale.alias", "locale.conf", "papersize",
)
DEV_FILES = ("/dev/null", "/dev/urandom", "/dev/zero")
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin")
FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
    "/Library/Fonts", "/System/Library/Fonts", "/opt/X11/share/fonts",
)
MAC_DIRS = ("/System/Library/Frameworks", "/usr/share/zoneinfo", "/var/db/timezone")



# --------------------------------------------------------------------------------------------
# read roots
# --------------------------------------------------------------------------------------------

def _real(p) -> str | None:
    try:
        p = os.path.realpath(os.path.expanduser(os.fspath(p)))
    except (TypeError, ValueError, OSError):
        return None
    return p if os.path.exists(p) else None


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _package_dir(name: str) -> str | None:
    """The real folder of an installed package, without importing it when possible."""
    mod = sys.modules.get(name)
    paths = list(getattr(mod, "__path__", None) or []) if mod is not None else []
    if not paths:
        try:
            import importlib.util

            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError, AttributeError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            paths = list(spec.submodule_search_locations)
    for p in paths:
        r = _real(p)
        if r and os.path.isdir(r):
            return r
    return None


def _forbidden() -> tuple[set[str], set[str]]:
    """(folders that must not be granted nor have a granted ancestor, folders whose inside is off
    limits). The repository root itself is in the first set only: its .venv and utils/ may be
    granted, solutions/, autograder/ and tests/ may not."""
    exact = {"/", "/work", "/root", "/home", "/tmp", "/var/tmp", "/private/tmp", "/Users"}
    secret: set[str] = set()
    repos = {Path(__file__).resolve().parents[2]}  # autograder/sandbox/__init__.py -> the repository
    utils_dir = _package_dir("utils")
    if utils_dir:
        repos.add(Path(utils_dir).parent)
    for repo in repos:
        exact.add(str(repo))
        for sub in ("solutions", "autograder", "tests"):
            secret.add(str(repo / sub))
    exact |= secret
    return {os.path.realpath(p) for p in exact} | exact, {os.path.realpath(p) for p in secret} | secret


def default_read_roots(include_utils: bool = True) -> list[str]:
    """What a confined Python + numpy + matplotlib process needs to read (see module doc).

    ``include_utils=False`` leaves out the course's ``utils`` folder (when it lives outside
    site-packages, as in an editable install): a runner that imported every utils module before
    confinement does not need it, and a student then cannot re-load the reference from source.
    """
    cands: list[str] = [sys.prefix, sys.base_prefix, sys.exec_prefix,
                        getattr(sys, "base_exec_prefix", sys.exec_prefix)]
    for p in sys.path:
        if p and os.path.basename(os.path.normpath(p)) in ("site-packages", "dist-packages"):
            cands.append(p)
    utils_dir = _package_dir("utils")
    if utils_dir and include_utils:
        cands.append(utils_dir)
    mpl = sys.modules.get("matplotlib")
    mpl_dir = _package_dir("matplotlib")
    if mpl is not None and hasattr(mpl, "get_data_path"):
        try:
            cands.append(mpl.get_data_path())
        except Exception:
            pass
    elif mpl_dir:
        cands.append(os.path.join(mpl_dir, "mpl-data"))
    # matplotlib's font-list cache (read-only), so a figure made after confine() needs no rebuild
    if mpl is not None and hasattr(mpl, "get_cachedir"):
        try:
            cands.append(mpl.get_cachedir())
        except Exception:
            pass
    elif os.environ.get("MPLCONFIGDIR"):
        cands.append(os.environ["MPLCONFIGDIR"])
    else:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        cands.append(os.path.join(xdg, "matplotlib"))
    cands += SYSTEM_DIRS
    etc = _real("/etc")
    if etc:
        cands += [os.path.join(etc, e) for e in ETC_ENTRIES]
    cands += DEV_FILES
    cands += FONT_DIRS
    if sys.platform == "darwin":
        cands += MAC_DIRS

    exact, secret = _forbidden()
    roots: list[str] = []
    for c in cands:
        r = _real(c)
        if r is None:
            continue
        if any(f == r or f.startswith(r.rstrip("/") + "/") for f in exact):
            continue  # granting r would grant a forbidden folder
        if any(_is_within(r, s) for s in secret):
            continue
        roots.append(r)
    # dedupe and drop roots already inside another root
    roots = sorted(set(roots))
    out: list[str] = []
    for r in roots:
        if not any(_is_within(r, o) and os.path.isdir(o) for o in out):
            out.append(r)
    return out


# --------------------------------------------------------------------------------------------
# confine
# --------------------------------------------------------------------------------------------

def _task_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


def _prepare_environment(workdir: str, allowed) -> tuple[dict, list[str]]:
    """Point temporary files (and matplotlib's config, if it is not imported yet) at the work
    folder and drop sys.path entries that would only be unreadable."""
    info: dict = {}
    os.environ["TMPDIR"] = workdir
    try:
        import tempfile

        tempfile.tempdir = workdir
    except Exception:
        pass
    if "matplotlib" not in sys.modules and not os.environ.get("MPLCONFIGDIR"):
        # matplotlib imported after confine(): its config/cache folder must be writable, and a
        # copy of the existing font list spares a font scan (and its refused fc-list call)
        d = os.path.join(workdir, ".matplotlib")
        try:
            os.makedirs(d, exist_ok=True)
            xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"),
                                                                   ".cache")
            cache = os.path.join(xdg, "matplotlib")
            if os.path.isdir(cache):
                import shutil

                for name in os.listdir(cache):
                    if name.startswith("fontlist-") and name.endswith(".json"):
                        shutil.copyfile(os.path.join(cache, name), os.path.join(d, name))
            os.environ["MPLCONFIGDIR"] = d
        except OSError:
            pass
    removed = []
    kept = []
    for p in sys.path:
        if isinstance(p, str) and p and os.path.isabs(p) and os.path.isdir(p) \
                and not allowed(os.path.realpath(p)):
            removed.append(p)
        else:
            kept.append(p)
    if removed:
        sys.path[:] = kept
    info["sys_path_removed"] = removed
    return info, []


def confine(workdir: str, read_roots: list[str], limits: Limits = Limits(),
            on_violation=None) -> dict:
    """Confine the current process, irreversibly.

    ``workdir``: the only folder the process may change (read-write). ``read_roots``: folders or
    files it may read (see :func:`default_read_roots`). ``on_violation(description)`` is called
    before each refusal made by the audit hook (not for refusals made by the kernel).

    Call it from the main thread, before starting any other thread: Landlock and the dropped
    capabilities apply to the calling thread and whatever it starts later, not to threads that
    already exist (``threads`` in the result counts the tasks present; seccomp covers them all).

    Returns ``{'landlock': abi_or_0, 'audit_hook': True, 'rlimits': {...}, 'capabilities_dropped':
    bool, 'seccomp': 'all-threads' | 'this-thread' | '', 'threads': int, 'errors': [...],
    'seconds': float}``.
    """
    t0 = time.perf_counter()
    wd = os.path.realpath(os.fspath(workdir))
    if not os.path.isdir(wd):
        raise ValueError(f"work folder {workdir!r} does not exist")
    roots: list[str] = []
    for r in read_roots:
        rr = _real(r)
        if rr and rr not in roots:
            roots.append(rr)
    root_dirs = tuple(r.rstrip("/") + "/" for r in roots if os.path.isdir(r)) + (wd + "/",)
    root_files = {r for r in roots if not os.path.isdir(r)}

    def allowed(p: str) -> bool:
        return p in root_files or (p + "/").startswith(root_dirs)

    summary: dict = {"landlock": 0, "audit_hook": False, "rlimits": {},
                     "capabilities_dropped": False, "seccomp": "", "threads": 1, "errors": []}
    errors: list[str] = summary["errors"]

    # 1. rlimits
    summary["rlimits"], errs = _apply_rlimits(limits)
    errors += errs
    info, _ = _prepare_environment(wd, allowed)
    summary.update(info)
    if sys.platform.startswith("linux"):
        summary["threads"] = _task_count()
        try:
            import ctypes  # noqa: F401  (imported now: once the hook is in, ctypes is dead)
        except ImportError:
            errors.append("ctypes unavailable: kernel layers skipped")
        else:
            # 2. Landlock
            try:
                summary["landlock"], errs = _apply_landlock(wd, roots)
                errors += errs
            except Exception as e:
                errors.append(f"landlock: {e!r}")
            # 3. capabilities
            try:
                summary["capabilities_dropped"], errs = _drop_capabilities()
                errors += errs
            except Exception as e:
                errors.append(f"capabilities: {e!r}")
            # 4. seccomp
            try:
                summary["seccomp"], errs = _apply_seccomp()
                errors += errs
            except Exception as e:
                errors.append(f"seccomp: {e!r}")
    # 5. the audit hook, last: confine's own ctypes calls above would trip it
    protected = guard_stat()
    sys.addaudithook(_make_hook(wd, roots, on_violation, protected))
    summary["audit_hook"] = True
    summary["limits"] = asdict(limits)
    summary["seconds"] = time.perf_counter() - t0
    return summary
