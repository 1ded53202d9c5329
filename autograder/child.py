"""The judge's handle on one sandboxed runner process: start it, time it, kill it."""

import os
import selectors
import shutil
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


def _folder_bytes(path, limit):
    """Total size of the files under ``path``, stopping early once past ``limit``."""
    total, stack = 0, [path]
    while stack and total <= limit:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
        except OSError:
            continue
    return total


class Child:
    """One runner process in a private, empty work folder."""

    def __init__(self, setup, mpl_dir, violations, disk_quota_mb=DISK_QUOTA_MB):
        self.workdir = tempfile.mkdtemp(prefix="grade-")
        self.violations = violations  # shared list, appended to as reports arrive
        self.disk_quota = disk_quota_mb << 20
        self._next_disk_check = 0.0
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder.runner"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=self.workdir, env=child_env(self.workdir, mpl_dir), start_new_session=True,
        )
        self._buf = bytearray()
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            self.send(dict(setup, workdir=self.workdir))
        except BaseException:
            self.kill()  # no leaked process or folder when the runner cannot even start
            raise

    def send(self, message):
        """Send a message; a runner that has gone away counts as crashed."""
        try:
            self.proc.stdin.write(wire.encode(message))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise Crashed(self.exit_reason()) from None

    def _message_ready(self):
        if len(self._buf) < 12:
            return None
        hlen, plen = struct.unpack("<IQ", self._buf[:12])
        if hlen > wire.MAX_HEADER or plen > wire.MAX_PAYLOAD:
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
            now = time.monotonic()
            if now >= self._next_disk_check:
                self._next_disk_check = now + DISK_CHECK_SECONDS
                if _folder_bytes(self.workdir, self.disk_quota) > self.disk_quota:
                    self.kill_process()
                    raise Crashed(f"it wrote more than {self.disk_quota >> 20} MB of files")
            left = deadline - now
            if left <= 0:
                raise Timeout()
            if not self._sel.select(timeout=min(left, DISK_CHECK_SECONDS)):
                continue
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                raise Crashed(self.exit_reason())
            self._buf += chunk

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
        """The last characters the student's code printed."""
        try:
            with open(os.path.join(self.workdir, "output.log"), "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - limit))
                return f.read().decode("utf-8", "replace")
        except OSError:
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
        shutil.rmtree(self.workdir, ignore_errors=True)
