"""The kernel's layers of the sandbox: rlimits, Landlock, capabilities and seccomp (Linux).

Each ``_apply_*`` returns what it achieved and a list of errors instead of raising, so a platform
without the feature degrades to the layers it has. See ``autograder.sandbox`` for the whole.
"""

from __future__ import annotations

import os
import sys

# RLIMIT_NPROC when the runner is not root (it counts every task of the uid, threads included,
# so it must leave room for numpy's BLAS threads; for root the kernel ignores it).
NPROC_WHEN_NOT_ROOT = 256

# --------------------------------------------------------------------------------------------
# layer 1: rlimits
# --------------------------------------------------------------------------------------------

def _apply_rlimits(limits) -> tuple[dict, list[str]]:
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
        # the work folder: everything but executing, creating device nodes (as root, a block
        # device node for the disk would read any file) and creating symlinks, FIFOs and sockets
        # (a symlink or a FIFO where the judge expects a file would make it read elsewhere or block)
        work = handled & ~(FS_EXECUTE | FS_MAKE_CHAR | FS_MAKE_BLOCK | FS_MAKE_SYM | FS_MAKE_FIFO
                           | FS_MAKE_SOCK)
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
