"""The judge's handle on one sandboxed runner process: start it, time it, kill it."""

import os
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import time

from . import wire


class Timeout(Exception):
    """The runner did not answer before the deadline."""


class Crashed(Exception):
    """The runner's process ended, or sent something unreadable."""


def child_env(workdir, mpl_dir):
    """The environment a runner gets: nothing of the instructor's, one thread per process."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": workdir,
        "TMPDIR": workdir,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": mpl_dir,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


MAX_VIOLATIONS = 50  # reports kept per submission; the runner's own cap is not to be trusted
DISK_QUOTA_MB = 512  # all files in a runner's work folder together (judge.Limits.disk_mb)
DISK_CHECK_SECONDS = 0.5
MAX_ENTRIES = 20_000  # files and folders in a work folder: each costs disk (and the scan time)
SETUP_SECONDS = 60  # to hand the runner its setup message


def _folder_usage(path, limit, max_entries=MAX_ENTRIES):
    """(bytes, entries) under ``path``, folders counted like files; stops early once past a limit.
    Never follows a link and holds at most two descriptors, however many folders there are (the
    pending ones are kept as paths relative to the top, opened one at a time with O_NOFOLLOW)."""
    total, count = 0, 0
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        top = os.open(path, flags)
    except OSError:
        return 0, 0
    try:
        stack = ["."]
        while stack and total <= limit and count <= max_entries:
            rel = stack.pop()
            try:
                fd = os.open(rel, flags, dir_fd=top)
            except OSError:
                continue
            try:
                with os.scandir(fd) as it:
                    for entry in it:
                        count += 1
                        try:
                            st = entry.stat(follow_symlinks=False)
                        except OSError:
                            continue
                        total += st.st_blocks * 512
                        if entry.is_dir(follow_symlinks=False) and count <= max_entries:
                            stack.append(entry.name if rel == "." else rel + "/" + entry.name)
            except OSError:
                pass
            finally:
                os.close(fd)
    finally:
        os.close(top)
    return total, count


def remove_tree(path, max_steps=1_000_000):
    """Remove a folder the student's process filled, whatever it holds: no recursion (a chain of
    thousands of nested folders is fine), no link followed, one descriptor at a time (it walks
    down into a folder and back up through its ``..``), a bounded number of steps. Returns True
    when the folder is gone."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    depth, steps = 0, 0
    try:
        while steps < max_steps:
            steps += 1
            try:
                with os.scandir(fd) as it:
                    entries = list(it)
            except OSError:
                entries = []
            child = None
            for entry in entries:
                steps += 1
                try:
                    if entry.is_dir(follow_symlinks=False):
                        try:
                            os.rmdir(entry.name, dir_fd=fd)
                        except OSError:
                            child = os.open(entry.name, flags, dir_fd=fd)
                            break
                    else:
                        os.unlink(entry.name, dir_fd=fd)
                except OSError:
                    pass
            if child is not None:
                os.close(fd)
                fd, depth = child, depth + 1
                continue
            if depth == 0:
                break
            parent = os.open("..", flags, dir_fd=fd)  # back up; the emptied folder goes next round
            os.close(fd)
            fd, depth = parent, depth - 1
    except OSError:
        pass
    finally:
        os.close(fd)
    try:
        os.rmdir(path)
    except FileNotFoundError:
        return True
    except OSError:
        pass
    return not os.path.lexists(path)


class Child:
    """One runner process in a private, empty work folder."""

    def __init__(self, setup, mpl_dir, violations, disk_quota_mb=DISK_QUOTA_MB):
        self.workdir = tempfile.mkdtemp(prefix="grade-")
        self.violations = violations  # shared list, appended to as reports arrive
        self.disk_quota = disk_quota_mb << 20
        self._next_disk_check = 0.0
        self.removed = True
        # the runner's printed output goes to a file the judge made, outside the work folder, and
        # the judge reads it through its own descriptor: nothing is opened by a name the student
        # could have turned into a link or a FIFO
        self.log = tempfile.TemporaryFile(prefix="grade-log-")
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder.runner"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=self.workdir, env=child_env(self.workdir, mpl_dir), start_new_session=True,
            pass_fds=(self.log.fileno(),),
        )
        self.removed = False
        self._buf = bytearray()
        os.set_blocking(self.proc.stdin.fileno(), False)  # every write has a deadline
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            self.send(dict(setup, workdir=self.workdir, log_fd=self.log.fileno()),
                      time.monotonic() + SETUP_SECONDS)
        except BaseException:
            self.kill()  # no leaked process or folder when the runner cannot even start
            raise

    def send(self, message, deadline):
        """Send a message before ``deadline`` (time.monotonic()), reading whatever the runner sends
        meanwhile; raise Timeout when it does not take it in time, Crashed when it has gone away.
        A runner that stops reading can never block the judge."""
        view = memoryview(wire.encode(message))
        fd = self.proc.stdin.fileno()
        sel = selectors.DefaultSelector()
        sel.register(fd, selectors.EVENT_WRITE)
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            while view:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout()
                for key, _ in sel.select(timeout=min(left, DISK_CHECK_SECONDS)):
                    if key.fd == fd:
                        try:
                            view = view[os.write(fd, view[:1 << 16]):]
                        except BlockingIOError:
                            pass
                        except OSError:
                            raise Crashed(self.exit_reason()) from None
                    else:
                        self._read_some()
                self._check_disk()
        finally:
            sel.close()

    def _read_some(self):
        chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
        if not chunk:
            raise Crashed(self.exit_reason())
        self._buf += chunk
        if len(self._buf) > 12 + wire.MAX_RESULT_HEADER + wire.MAX_RESULT_PAYLOAD:
            raise Crashed("the runner sent an oversized message")

    def _check_disk(self):
        now = time.monotonic()
        if now < self._next_disk_check:
            return
        self._next_disk_check = now + DISK_CHECK_SECONDS
        size, entries = _folder_usage(self.workdir, self.disk_quota)
        if size > self.disk_quota or entries > MAX_ENTRIES:
            self.kill_process()
            what = (f"more than {self.disk_quota >> 20} MB of files" if size > self.disk_quota
                    else f"more than {MAX_ENTRIES} files and folders")
            raise Crashed(f"it wrote {what}")

    def _message_ready(self):
        if len(self._buf) < 12:
            return None
        hlen, plen = struct.unpack("<IQ", self._buf[:12])
        if hlen > wire.MAX_RESULT_HEADER or plen > wire.MAX_RESULT_PAYLOAD:
            raise Crashed("the runner sent an oversized message")
        end = 12 + hlen + plen
        if len(self._buf) < end:
            return None
        header, payload = bytes(self._buf[12:12 + hlen]), bytes(self._buf[12 + hlen:end])
        del self._buf[:end]
        try:
            return wire.decode(header, payload)
        except wire.ProtocolError as e:
            raise Crashed(str(e)) from None

    def recv(self, deadline):
        """Return the next message other than a violation report; raise Timeout or Crashed."""
        while True:
            msg = self._message_ready()
            if msg is not None:
                if not isinstance(msg, dict):
                    raise Crashed("the runner sent a malformed message")
                if msg.get("event") == "violation":
                    if len(self.violations) < MAX_VIOLATIONS:
                        self.violations.append(str(msg.get("what", ""))[:500])
                    continue
                return msg
            self._check_disk()
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            if not self._sel.select(timeout=min(left, DISK_CHECK_SECONDS)):
                continue
            self._read_some()

    def cpu_seconds(self):
        """CPU time the runner has used so far (user + system), or None where /proc is missing."""
        try:
            with open(f"/proc/{self.proc.pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def exit_reason(self):
        """Describe how the process ended, waiting briefly for it to do so."""
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return "the runner stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " (out of memory?)" if name == "SIGKILL" else ""
            return f"the process was killed by {name}{hint}"
        return f"the process exited with code {code}"

    def output_tail(self, limit=2000):
        """The last characters the student's code printed (read through the judge's descriptor)."""
        try:
            fd = self.log.fileno()
            size = os.fstat(fd).st_size
            start = max(0, size - limit)
            return os.pread(fd, size - start, start).decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def kill_process(self):
        """Kill the runner and everything in its session."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()

    def kill(self):
        """Kill the runner and everything in its session, and remove its work folder."""
        self.kill_process()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._sel.close()
        try:
            self.log.close()
        except OSError:
            pass
        if not self.removed:
            self.removed = remove_tree(self.workdir)
        return self.removed
