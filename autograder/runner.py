"""The child process that runs one student's code: ``python -I -m autograder.runner``.

It talks to the judge over its original stdin/stdout (messages from ``wire``); the student's code
sees stdin at /dev/null and its output going to a capped log. Order of events:

1. read the setup message: cells to run, functions to watch for delegation, sandbox settings;
2. import numpy, matplotlib (Agg) and every ``utils`` module while nothing is confined;
3. wrap the course's own implementations of the taught functions so a call is noticed;
4. confine the process (``sandbox.confine``): rlimits, Landlock where the kernel has it, an audit
   hook; from here on it cannot read the course, write outside its work folder, spawn, signal or
   connect, and every attempt is reported to the judge;
5. run the cells, reporting the start and end of each (the judge times them);
6. answer call requests until stdin closes: run the student's function on the inputs sent and
   send the outputs back as plain arrays, or the exception it raised.

Nothing here is trusted by the judge: a student can tamper with this process, but can only spoil
their own answers, because the expected outputs never enter it.
"""

import os
import sys
import traceback

OUTPUT_CAP = 200_000  # characters of print/warning output kept per process


class _CappedWriter:
    """A text stream that writes to a file descriptor until a cap, then drops the rest."""

    def __init__(self, fd, cap):
        self._fd, self._left, self._dropped = fd, cap, False
        self.encoding, self.errors = "utf-8", "replace"

    def write(self, s):
        if not isinstance(s, str):
            s = str(s)
        if self._left > 0:
            part = s[: self._left]
            self._left -= len(part)
            try:
                os.write(self._fd, part.encode("utf-8", "replace"))
            except OSError:
                self._left = 0
        elif not self._dropped:
            self._dropped = True
            try:
                os.write(self._fd, b"\n[output truncated by the grader]\n")
            except OSError:
                pass
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return self._fd

    def writable(self):
        return True


def _student_traceback(exc):
    """Format an exception's frames from the student's cells: where it was raised, not what it says.

    Returns (frames text, message). Only ``<cell ...>`` frames are looked up (their source is in
    linecache), so no other file is read while formatting. The judge decides how much of the
    message a student may see.
    """
    frames = [traceback.FrameSummary(f.f_code.co_filename, lineno, f.f_code.co_name)
              for f, lineno in traceback.walk_tb(exc.__traceback__) if f.f_code.co_filename.startswith("<cell")]
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a student's __str__ may raise
        message = ""
    return "".join(traceback.format_list(frames[-5:]))[-2000:], message[:3000]


def _make_wrapper(original, dotted, called):
    def wrapper(*args, **kwargs):
        called.add(dotted)
        return original(*args, **kwargs)

    return wrapper


def _watch_taught(taught, called):
    """Replace the course's implementations of taught functions with wrappers that record calls."""
    import importlib

    for name, dotted in taught.items():
        modname, attr = dotted.rsplit(".", 1)
        module = importlib.import_module(modname)
        original = getattr(module, attr)
        wrapper = _make_wrapper(original, dotted, called)

        wrapper.__name__, wrapper.__doc__ = original.__name__, original.__doc__
        wrapper.__module__, wrapper.__qualname__ = original.__module__, original.__qualname__
        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").split(".")[0] != "utils":
                continue
            for key, val in list(vars(mod).items()):
                if val is original:
                    setattr(mod, key, wrapper)


def _no_data_sets():
    """Make the data loaders fail fast: graded functions get their inputs from the judge, and a
    cell of the student's that loads a data set would only spend the notebook's time."""
    import utils.data

    def refuse(*args, **kwargs):
        raise RuntimeError("data sets are not loaded while grading: graded functions receive their "
                           "inputs from the grader, so the rest of this cell did not run")

    for name in dir(utils.data):
        if name.startswith("load_"):
            setattr(utils.data, name, refuse)


UNAUDITED = {  # calls the kernel layers refuse but Python's audit hooks never see: report them too
    "os": ("pidfd_open", "setsid", "setpgid", "setpgrp"),
    "posix": ("pidfd_open", "setsid", "setpgid", "setpgrp"),
    "signal": ("pidfd_send_signal",),
    "_signal": ("pidfd_send_signal",),
}


def _refuse_unaudited(on_violation):
    """Replace functions that escape the audit hook with ones that report and refuse."""
    import importlib

    def refuser(name):
        def refused(*args, **kwargs):
            on_violation(f"{name}() refused")
            raise PermissionError(f"{name}() is not allowed while grading")
        return refused

    for modname, names in UNAUDITED.items():
        try:
            module = importlib.import_module(modname)
        except ImportError:
            continue
        for name in names:
            if hasattr(module, name):
                setattr(module, name, refuser(f"{modname}.{name}"))


def _resolve(value, raw, apply_update):
    """Replace {"__out__": [index, item, update]} by the raw result of an earlier call (see spec.Out);
    ``apply_update`` is spec.apply_update (spec is imported only once the runner has its setup)."""
    if isinstance(value, dict):
        if set(value) == {"__out__"}:
            index, item, update = value["__out__"]
            return apply_update(raw[index] if item is None else raw[index][item], update)
        return {k: _resolve(v, raw, apply_update) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, raw, apply_update) for v in value]
    return value


def main():
    # the protocol keeps the original pipes; the student's code gets /dev/null and a log
    proto_in, proto_out = os.dup(0), os.dup(1)
    from autograder import wire

    setup = wire.read_blocking(proto_in)
    workdir = setup["workdir"]
    os.chdir(workdir)
    log_fd = os.open(os.path.join(workdir, "output.log"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    sys.stdout = sys.stderr = _CappedWriter(log_fd, OUTPUT_CAP)

    def send(message):
        try:
            wire.write(proto_out, message)
        except OSError:
            os._exit(3)

    # imports the student's code may use, done before confinement
    import pkgutil
    import warnings

    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.show = lambda *a, **k: None
    import utils

    for mod in pkgutil.walk_packages(utils.__path__, "utils."):
        __import__(mod.name)
    from autograder import sandbox, spec

    called = set()
    _watch_taught(setup.get("taught", {}), called)
    _no_data_sets()

    reported = []

    def on_violation(description):
        if len(reported) < 50:
            reported.append(description)
            send({"event": "violation", "what": description[:500]})

    limits = sandbox.Limits(**setup.get("limits", {}))
    read_roots = setup.get("read_roots") or sandbox.default_read_roots(include_utils=False)
    layers = sandbox.confine(workdir, read_roots, limits, on_violation)
    _refuse_unaudited(on_violation)
    send({"event": "confined", "layers": {k: v for k, v in layers.items() if k != "rlimits"}})
    warnings.simplefilter("default")

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    skip = set(setup.get("skip", []))
    import linecache

    for index, (label, code) in enumerate(setup["cells"]):
        if index in skip:
            continue
        send({"event": "cell_start", "index": index})
        error = None
        filename = f"<cell {label}>"
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        try:
            exec(compile(code, filename, "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - a student's cell may raise anything
            frames, message = _student_traceback(exc)
            error = f"{frames}{type(exc).__name__}: {message}"[-3000:]
        plt.close("all")
        send({"event": "cell_done", "index": index, "error": error})
    send({"event": "ready"})

    while True:
        try:
            request = wire.read_blocking(proto_in)
        except EOFError:
            os._exit(0)
        results, raw = [], []
        for c in request["calls"]:
            fn = namespace.get(c["function"])
            raw.append(None)
            if not callable(fn):
                results.append({"missing": True})
                continue
            called.clear()
            try:
                args = _resolve(c["args"], raw, spec.apply_update)
                kwargs = _resolve(c["kwargs"], raw, spec.apply_update)
                value = fn(*args, **kwargs)
                raw[-1] = value
                out = {"value": spec.to_plain(spec.select(value, c.get("send", True), args))}
            except BaseException as exc:  # noqa: BLE001
                frames, message = _student_traceback(exc)
                out = {"error": type(exc).__name__, "traceback": frames, "message": message}
            if called:
                out["delegated"] = sorted(called)
            try:
                wire.encode(out)
            except Exception as exc:  # noqa: BLE001 - an output we cannot send
                out = {"error": "TypeError", "traceback": f"the grader cannot read the returned value: {exc}"}
            results.append(out)
        send({"event": "results", "results": results})


if __name__ == "__main__":
    main()
