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

__all__ = ["Limits", "confine", "default_read_roots"]


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048  # RLIMIT_AS
    cpu_seconds: int = 300  # RLIMIT_CPU (soft = hard); a backstop, the judge enforces wall-clock
    file_size_mb: int = 64  # RLIMIT_FSIZE: largest file the child can write
    open_files: int = 256  # RLIMIT_NOFILE


# RLIMIT_NPROC when the runner is not root (it counts every task of the uid, threads included,
# so it must leave room for numpy's BLAS threads; for root the kernel ignores it).
NPROC_WHEN_NOT_ROOT = 256

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

# Native modules that give Python code a foreign-function interface without ctypes' audit events.
DENIED_IMPORTS = frozenset({"_cffi_backend", "_xxsubinterpreters", "_xxinterpchannels",
                            "_xxinterpqueues", "_interpreters", "_interpchannels",
                            "_interpqueues"})


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
    repos = {Path(__file__).resolve().parents[1]}
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
# layer 1: rlimits
# --------------------------------------------------------------------------------------------

def _apply_rlimits(limits: Limits) -> tuple[dict, list[str]]:
    applied: dict[str, int] = {}
    errors: list[str] = []
    try:
        import resource
    except ImportError:
        return applied, ["rlimits: no resource module on this platform"]
    mb = 1024 * 1024
    wanted = [
        ("RLIMIT_AS", limits.memory_mb * mb),
        ("RLIMIT_CPU", limits.cpu_seconds),
        ("RLIMIT_FSIZE", limits.file_size_mb * mb),
        ("RLIMIT_NOFILE", limits.open_files),
        ("RLIMIT_CORE", 0),
    ]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        wanted.append(("RLIMIT_NPROC", NPROC_WHEN_NOT_ROOT))
    for name, value in wanted:
        res = getattr(resource, name, None)
        if res is None:
            continue
        try:
            soft, hard = resource.getrlimit(res)
            v = int(value)
            if hard != resource.RLIM_INFINITY and v > hard and os.geteuid() != 0:
                v = hard
            resource.setrlimit(res, (v, v))
            applied[name] = v
        except (ValueError, OSError) as e:
            errors.append(f"rlimits: {name}: {e}")
    try:
        import signal

        if hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    except (ValueError, OSError) as e:  # ValueError: not the main thread
        errors.append(f"rlimits: SIGXFSZ: {e}")
    return applied, errors


# --------------------------------------------------------------------------------------------
# ctypes helpers (Linux)
# --------------------------------------------------------------------------------------------

_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        import ctypes

        lib = ctypes.CDLL(None, use_errno=True)
        lib.syscall.restype = ctypes.c_long
        lib.prctl.restype = ctypes.c_int
        _LIBC = lib
    return _LIBC


def _syscall(nr: int, *args) -> tuple[int, int]:
    import ctypes

    cargs = [a if not isinstance(a, int) else ctypes.c_long(a) for a in args]
    ctypes.set_errno(0)
    r = _libc().syscall(ctypes.c_long(nr), *cargs)
    return r, ctypes.get_errno()


def _prctl(option: int, a2: int = 0, a3: int = 0, a4: int = 0, a5: int = 0) -> tuple[int, int]:
    import ctypes

    ctypes.set_errno(0)
    r = _libc().prctl(ctypes.c_int(option), ctypes.c_ulong(a2), ctypes.c_ulong(a3),
                      ctypes.c_ulong(a4), ctypes.c_ulong(a5))
    return r, ctypes.get_errno()


PR_SET_NO_NEW_PRIVS = 38


def _no_new_privs() -> bool:
    return _prctl(PR_SET_NO_NEW_PRIVS, 1)[0] == 0


# --------------------------------------------------------------------------------------------
# layer 2: Landlock
# --------------------------------------------------------------------------------------------

SYS_landlock_create_ruleset = 444
SYS_landlock_add_rule = 445
SYS_landlock_restrict_self = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV


def landlock_abi() -> int:
    """The Landlock ABI version the kernel offers, 0 when there is none."""
    if not sys.platform.startswith("linux"):
        return 0
    try:
        r, _ = _syscall(SYS_landlock_create_ruleset, None, 0, LANDLOCK_CREATE_RULESET_VERSION)
    except Exception:
        return 0
    return r if r > 0 else 0


def _landlock_fs_rights(abi: int) -> int:
    rights = (1 << 13) - 1  # EXECUTE .. MAKE_SYM (ABI 1)
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def _apply_landlock(workdir: str, read_roots: list[str]) -> tuple[int, list[str]]:
    """Restrict the calling thread (and every process/thread it creates later). Returns the ABI
    used (0 when Landlock is unavailable) and the problems met."""
    abi = landlock_abi()
    if abi <= 0:
        return 0, []
    import ctypes

    class RulesetAttr(ctypes.Structure):
        _fields_ = [("handled_access_fs", ctypes.c_uint64),
                    ("handled_access_net", ctypes.c_uint64),
                    ("scoped", ctypes.c_uint64)]

    class PathBeneath(ctypes.Structure):
        _pack_ = 1
        _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

    errors: list[str] = []
    handled = _landlock_fs_rights(abi)
    attr = RulesetAttr(handled, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    if not _no_new_privs():
        return 0, ["landlock: prctl(PR_SET_NO_NEW_PRIVS) failed"]
    ruleset, err = _syscall(SYS_landlock_create_ruleset, ctypes.byref(attr), size, 0)
    if ruleset < 0:
        return 0, [f"landlock: create_ruleset failed: {os.strerror(err)}"]
    try:
        read_dir = FS_READ_FILE | FS_READ_DIR
        # the work folder: everything but executing and creating device nodes (as root, a block
        # device node for the disk would read any file)
        work = handled & ~(FS_EXECUTE | FS_MAKE_CHAR | FS_MAKE_BLOCK)
        rules = [(r, None) for r in read_roots] + [(workdir, work)]
        for path, rights in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError as e:
                errors.append(f"landlock: cannot open {path}: {e.strerror}")
                continue
            try:
                is_dir = _fd_is_dir(fd)
                if rights is None:
                    rights = read_dir if is_dir else FS_READ_FILE
                    if path == "/dev/null":
                        rights |= FS_WRITE_FILE
                if not is_dir:
                    rights &= FILE_RIGHTS
                rights &= handled
                pb = PathBeneath(rights, fd)
                r, err = _syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
                                  ctypes.byref(pb), 0)
                if r < 0:
                    errors.append(f"landlock: add_rule {path}: {os.strerror(err)}")
            finally:
                os.close(fd)
        r, err = _syscall(SYS_landlock_restrict_self, ruleset, 0)
        if r < 0:
            return 0, errors + [f"landlock: restrict_self failed: {os.strerror(err)}"]
    finally:
        os.close(ruleset)
    return abi, errors


def _fd_is_dir(fd: int) -> bool:
    import stat

    return stat.S_ISDIR(os.fstat(fd).st_mode)


# --------------------------------------------------------------------------------------------
# layer 3: capabilities
# --------------------------------------------------------------------------------------------

PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
# NOROOT | NOROOT_LOCKED | NO_SETUID_FIXUP | NO_SETUID_FIXUP_LOCKED | KEEP_CAPS_LOCKED
_SECUREBITS = 0x2F


def _drop_capabilities() -> tuple[bool, list[str]]:
    """Empty every capability set of the calling thread. True when the thread ends up with no
    capability at all (also when it had none)."""
    if not sys.platform.startswith("linux"):
        return False, []
    import ctypes

    errors: list[str] = []
    if os.geteuid() == 0:
        _prctl(PR_SET_SECUREBITS, _SECUREBITS)  # best effort
    for cap in range(64):
        r, err = _prctl(PR_CAPBSET_DROP, cap)
        if r != 0:
            if err == 22:  # EINVAL: past the last capability
                break
            if err == 1:  # EPERM: no CAP_SETPCAP, the bounding set cannot shrink
                break
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    hdr = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    lib = _libc()
    ctypes.set_errno(0)
    if lib.capset(ctypes.byref(hdr), data) != 0:
        errors.append(f"capabilities: capset failed: {os.strerror(ctypes.get_errno())}")
    check = (Data * 2)()
    hdr = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    if lib.capget(ctypes.byref(hdr), check) != 0:
        return False, errors + ["capabilities: capget failed"]
    empty = all(d.effective == 0 and d.permitted == 0 and d.inheritable == 0 for d in check)
    return empty, errors


# --------------------------------------------------------------------------------------------
# layer 4: seccomp (x86_64)
# --------------------------------------------------------------------------------------------

AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
SYS_seccomp_x86_64 = 317
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
CLONE_THREAD = 0x00010000
EPERM, EACCES, ENOSYS, EOPNOTSUPP = 1, 13, 38, 95

# x86_64 syscall numbers -> what to do with them
_X86_64_RULES: dict[int, str] = {}
for _names, _action in (
    # no new processes, no programs
    ((57, 58), "eperm"),  # fork, vfork
    ((56,), "clone"),  # clone: threads only
    ((435,), "enosys"),  # clone3: glibc falls back to clone
    ((59, 322), "eperm"),  # execve, execveat
    # no network, no IPC sockets (pathname UNIX sockets are not covered by Landlock ABI 7)
    ((41, 53), "eacces"),  # socket, socketpair
    # other processes
    ((101, 310, 311, 424, 434, 438, 200), "eperm"),
    # ptrace, process_vm_readv/writev, pidfd_send_signal, pidfd_open, pidfd_getfd, tkill
    ((62, 234, 129, 297), "self_pid"),  # kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo
    ((302, 203, 142, 144, 314), "self_or_zero"),  # prlimit64, sched_set{affinity,param,...}
    ((141,), "setpriority"),
    ((251,), "ioprio_set"),
    ((109, 112), "eperm"),  # setpgid, setsid: stay in the judge's process group
    # the machine
    ((165, 166, 155, 161, 272, 308, 428, 429, 430, 431, 432, 433, 442, 467), "eperm"),
    # mount, umount2, pivot_root, chroot, unshare, setns, new mount API, open_tree_attr
    ((175, 313, 176, 246, 320, 169, 167, 168, 172, 173, 163, 170, 171, 164, 227, 305, 179,
      153, 103, 212, 300), "eperm"),
    # modules, kexec, reboot, swap, iopl/ioperm, acct, host/domain names, clocks, quotactl,
    # vhangup, syslog, lookup_dcookie, fanotify_init
    ((321, 298, 323, 425, 426, 427, 248, 249, 250, 134, 303, 304), "eperm"),
    # bpf, perf_event_open, userfaultfd, io_uring_*, add_key, request_key, keyctl, uselib,
    # name_to_handle_at, open_by_handle_at
    ((133,), "mknod"),
    ((259,), "mknodat"),
    ((16,), "ioctl"),
    ((90, 91, 268, 452, 92, 93, 94, 260), "fake_ok"),
    # chmod, fchmod, fchmodat, fchmodat2, chown, fchown, lchown, fchownat: succeed, do nothing
    ((188, 189, 190, 197, 198, 199, 463, 466), "enotsup"),  # set/remove xattr
):
    for _nr in _names:
        _X86_64_RULES[_nr] = _action
del _names, _action, _nr


def _seccomp_program(pid: int) -> list[tuple[int, int, int, int]]:
    LD = 0x20  # BPF_LD | BPF_W | BPF_ABS
    JEQ, JSET = 0x15, 0x45  # BPF_JMP | BPF_JEQ/BPF_JSET | BPF_K
    AND = 0x54  # BPF_ALU | BPF_AND | BPF_K
    RET = 0x06
    ARG = [16 + 8 * i for i in range(6)]  # low 32 bits of args[i] (little endian)
    prog: list[list] = []
    labels: dict[str, int] = {}

    def ins(code, k=0, jt=0, jf=0):
        prog.append([code, jt, jf, k])

    def label(name):
        labels[name] = len(prog)

    ins(LD, 4)  # arch
    ins(JEQ, AUDIT_ARCH_X86_64, 0, "kill")
    ins(LD, 0)  # nr
    ins(JSET, 0x40000000, "enosys", 0)  # x32 ABI
    for nr, action in sorted(_X86_64_RULES.items()):
        ins(JEQ, nr, action, 0)
    ins(RET, SECCOMP_RET_ALLOW)  # not listed: allowed
    label("clone")
    ins(LD, ARG[0])
    ins(JSET, CLONE_THREAD, "allow", "eperm")
    label("self_pid")
    ins(LD, ARG[0])
    ins(JEQ, pid, "allow", "eperm")
    label("self_or_zero")
    ins(LD, ARG[0])
    ins(JEQ, 0, "allow", 0)
    ins(JEQ, pid, "allow", "eperm")
    label("setpriority")  # only PRIO_PROCESS (0) of this process
    ins(LD, ARG[0])
    ins(JEQ, 0, 0, "eperm")
    ins(LD, ARG[1])
    ins(JEQ, 0, "allow", 0)
    ins(JEQ, pid, "allow", "eperm")
    label("ioprio_set")  # only IOPRIO_WHO_PROCESS (1) of this process
    ins(LD, ARG[0])
    ins(JEQ, 1, 0, "eperm")
    ins(LD, ARG[1])
    ins(JEQ, 0, "allow", 0)
    ins(JEQ, pid, "allow", "eperm")
    label("ioctl")
    ins(LD, ARG[1])
    ins(JEQ, 0x5412, "eperm", 0)  # TIOCSTI
    ins(JEQ, 0x541C, "eperm", "allow")  # TIOCLINUX
    for name, arg in (("mknod", ARG[1]), ("mknodat", ARG[2])):
        label(name)  # no character or block devices
        ins(LD, arg)
        ins(AND, 0o170000)
        ins(JEQ, 0o020000, "eperm", 0)
        ins(JEQ, 0o060000, "eperm", "allow")
    # BPF jumps only forward: every verdict comes last
    label("allow")
    ins(RET, SECCOMP_RET_ALLOW)
    label("kill")
    ins(RET, SECCOMP_RET_KILL_PROCESS)
    for name, value in (("eperm", EPERM), ("eacces", EACCES), ("enosys", ENOSYS),
                        ("enotsup", EOPNOTSUPP), ("fake_ok", 0)):
        label(name)
        ins(RET, SECCOMP_RET_ERRNO | value)

    out = []
    for i, (code, jt, jf, k) in enumerate(prog):
        if isinstance(jt, str):
            jt = labels[jt] - i - 1
        if isinstance(jf, str):
            jf = labels[jf] - i - 1
        if not (0 <= jt <= 255 and 0 <= jf <= 255):
            raise AssertionError("seccomp program: jump out of range")
        out.append((code, jt, jf, k & 0xFFFFFFFF))
    return out


def _apply_seccomp() -> tuple[str, list[str]]:
    """Install the filter on every thread (TSYNC) or, failing that, this thread.
    Returns 'all-threads', 'this-thread' or '' (not applied)."""
    if not sys.platform.startswith("linux") or os.uname().machine not in ("x86_64", "amd64"):
        return "", []
    if sys.maxsize < 2**32:
        return "", []
    import ctypes

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    ins = _seccomp_program(os.getpid())
    arr = (SockFilter * len(ins))(*[SockFilter(*x) for x in ins])
    fprog = SockFprog(len(ins), arr)
    if not _no_new_privs():
        return "", ["seccomp: prctl(PR_SET_NO_NEW_PRIVS) failed"]
    r, err = _syscall(SYS_seccomp_x86_64, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                      ctypes.byref(fprog))
    if r == 0:
        return "all-threads", []
    errors = [f"seccomp: TSYNC failed ({'thread ' + str(r) if r > 0 else os.strerror(err)})"]
    r, err = _prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog))
    if r == 0:
        return "this-thread", errors
    return "", errors + [f"seccomp: {os.strerror(err)}"]


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
DENIED_PREFIXES = (
    "socket.", "ctypes.", "ftplib.", "smtplib.", "poplib.", "imaplib.", "nntplib.",
    "telnetlib.", "http.client.", "winreg.", "_winapi.", "msvcrt.", "syslog.", "os.exec",
    "os.spawn", "os.posix_spawn", "_xxsubinterpreters.", "_interpreters.",
)

# Refusals met while these files are on the stack are not reported (still refused): tracebacks and
# warnings reading the source of frames that live outside the allowed folders, matplotlib's font
# search looking into home folders and calling fc-list.
QUIET_CALLERS = ("/linecache.py", "/tokenize.py", "/matplotlib/font_manager.py")
# linecache/tokenize are quiet only when the interpreter's traceback, warnings or inspect machinery
# called them (showing a stack): a student calling linecache.getlines() directly is still reported
SOURCE_READERS = ("/linecache.py", "/tokenize.py")
SOURCE_READER_CALLERS = ("/traceback.py", "/warnings.py", "/inspect.py")


def _make_hook(workdir: str, read_roots: list[str], on_violation):
    """Build the audit hook. Everything it uses is bound here, so that later changes to modules,
    builtins or the sandbox module's globals cannot change its decisions; it never calls code
    that the student could have replaced."""
    import _thread
    import pathlib
    import stat as _stat

    _type, _str, _bytes, _int, _issubclass, _len = type, str, bytes, int, issubclass, len
    _range, _reversed = range, reversed
    always_denied, denied_prefixes, denied_imports = ALWAYS_DENIED, DENIED_PREFIXES, DENIED_IMPORTS
    quiet_files = QUIET_CALLERS
    readers, reader_callers = SOURCE_READERS, SOURCE_READER_CALLERS
    _Exception, _PermissionError = Exception, PermissionError
    _lstat, _readlink, _getcwd = os.lstat, os.readlink, os.getcwd
    _getframe = sys._getframe
    _ident = _thread.get_ident
    _enc = sys.getfilesystemencoding()
    _bdecode, _sjoin, _bjoin = bytes.decode, "".join, b"".join
    _DirEntry = os.DirEntry
    _path_types = (pathlib.PosixPath, pathlib.PurePosixPath)
    _path_str = pathlib.PurePath.__str__
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
    write_files_f = frozenset({"/dev/null"})
    handlers: dict = {}
    busy: set = set()

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
            s = _path_str(p)
            return s if _type(s) is _str else (_sjoin((s,)) if _issubclass(_type(s), _str) else False)
        if _issubclass(t, _str):
            return _sjoin((p,))
        if _issubclass(t, _bytes):
            return _bdecode(_bjoin((p,)), _enc, "surrogateescape")
        return False

    def realpath(path, follow=True):
        """Absolute, symlink-free version of an absolute path, resolved like the kernel would."""
        todo = path.split("/")
        todo.reverse()
        if not follow:
            while todo and todo[0] in ("", "."):
                del todo[0]
            if todo and todo[0] != "..":
                last = todo.pop(0)
                parent = realpath("/" + "/".join(_reversed(todo)))
                return (parent.rstrip("/") + "/" + last) if parent is not None else None
        done: list = []
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
            s2 = base.rstrip("/") + "/" + s
        else:
            s2 = s
        return realpath(s2, follow), s

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

    def h_symlink(args):
        target, dst, dir_fd = arg(args, 0), arg(args, 1), arg(args, 2)
        r = check_write(dst, dir_fd, follow=False)
        if r:
            return r
        t = text(target)
        if _type(t) is not _str:
            return "link target of an unsupported type"
        if ".." in t.split("/"):
            return f"link target {t!r} contains '..'"
        if t.startswith("/"):
            rp = realpath(t)
            if rp is None or not inside_work(rp):
                return f"link target {t!r}: outside the work folder"
        return None

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

    def h_ioctl(args):
        req = arg(args, 1)
        if _type(req) is _int and (req & 0xFFFFFFFF) in (0x5412, 0x541C):
            return "terminal injection ioctl"
        return None

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
        "import": h_import, "fcntl.ioctl": h_ioctl,
    })
    for n in ("copyfile", "copymode", "copystat", "copytree", "move", "rmtree", "chown",
              "make_archive", "unpack_archive", "register_archive_format"):
        handlers["shutil." + n] = h_shutil(n)
    get_handler = handlers.get

    # ---- reporting ---------------------------------------------------------------------------
    def quiet():
        """Denials caused by the interpreter's own helpers (tracebacks and warnings reading the
        source of frames outside the allowed folders) are denied without being reported."""
        try:
            f = _getframe(3)
            for _ in _range(12):
                if f is None:
                    break
                fn = f.f_code.co_filename
                if _type(fn) is _str and fn.endswith(quiet_files):
                    if not fn.endswith(readers):
                        return True
                    # the first caller outside linecache/tokenize must be traceback or warnings
                    g = f.f_back
                    while g is not None:
                        gn = g.f_code.co_filename
                        if not (_type(gn) is _str and gn.endswith(readers)):
                            return _type(gn) is _str and gn.endswith(reader_callers)
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

    def sandbox_audit_hook(event, args):
        h = get_handler(event)
        if h is None:
            if event in always_denied or event.startswith(denied_prefixes):
                reason = "not allowed in the sandbox"
            else:
                return
        else:
            try:
                reason = h(args)
            except _Exception as e:  # fail closed
                reason = f"could not be checked ({_type(e).__name__})"
            if reason is None:
                return
        desc = event + ": " + reason
        report(desc)
        raise _PermissionError(1, "sandbox: " + desc)

    return sandbox_audit_hook


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
    sys.addaudithook(_make_hook(wd, roots, on_violation))
    summary["audit_hook"] = True
    summary["limits"] = asdict(limits)
    summary["seconds"] = time.perf_counter() - t0
    return summary
