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


CELL_FILE = "<cell {}>"  # the file name each cell is compiled under (its index in the setup)


def _student_traceback(exc, ncells):
    """Where an exception was raised in the student's cells, not what it says: up to five
    ``[cell index, line]`` pairs, innermost last, and the exception's message.

    Only frames of files named like a cell the judge sent count. The judge formats them with its
    own copy of the source; it decides whether the message may be shown (never in a hidden case).
    """
    frames = []
    for f, lineno in traceback.walk_tb(exc.__traceback__):
        name = f.f_code.co_filename
        if type(name) is str and name.startswith("<cell ") and name.endswith(">"):
            index = name[6:-1]
            if index.isdigit() and int(index) < ncells and type(lineno) is int:
                frames.append([int(index), lineno])
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a student's __str__ may raise
        message = ""
    return frames[-5:], message[:3000] if type(message) is str else ""


class DelegatedError(Exception):
    """Raised by the course's implementation of a function while the assignment teaching it is
    graded: the student's code must not call it."""


def _make_stub(dotted, called):
    def stub(*args, **kwargs):
        called.add(dotted)
        raise DelegatedError(f"{dotted} is not available while this assignment is graded: it is "
                             "what the assignment asks you to write")

    return stub


def _utils_modules():
    return [m for name, m in list(sys.modules.items())
            if m is not None and (name == "utils" or name.startswith("utils."))]


def _replace_everywhere(original, stub, modules):
    """Put ``stub`` wherever the utils modules keep ``original``: module attributes, class
    attributes, module-level dicts, lists and tuples, functions' defaults and closures."""
    import types

    def swap(value):
        if value is original:
            return stub
        if isinstance(value, staticmethod) and value.__func__ is original:
            return staticmethod(stub)
        return value

    def fix_function(fn):
        if fn.__defaults__ and any(d is original for d in fn.__defaults__):
            fn.__defaults__ = tuple(swap(d) for d in fn.__defaults__)
        if fn.__kwdefaults__:
            for k, v in list(fn.__kwdefaults__.items()):
                if v is original:
                    fn.__kwdefaults__[k] = stub
        for cell in fn.__closure__ or ():
            try:
                if cell.cell_contents is original:
                    cell.cell_contents = stub
            except ValueError:  # an empty cell
                pass

    for mod in modules:
        for key, value in list(vars(mod).items()):
            new = swap(value)
            if new is not value:
                setattr(mod, key, new)
            elif isinstance(value, dict):
                for k, v in list(value.items()):
                    if v is original:
                        value[k] = stub
            elif isinstance(value, list):
                value[:] = [swap(v) for v in value]
            elif isinstance(value, tuple) and any(v is original for v in value):
                setattr(mod, key, tuple(swap(v) for v in value))
            elif isinstance(value, types.FunctionType) and value.__module__ == mod.__name__:
                fix_function(value)
            elif isinstance(value, type) and value.__module__ == mod.__name__:
                for k, v in list(vars(value).items()):
                    new = swap(v)
                    if new is not v:
                        setattr(value, k, new)
                    elif isinstance(v, (staticmethod, classmethod)):
                        fix_function(v.__func__) if isinstance(v.__func__, types.FunctionType) else None
                    elif isinstance(v, types.FunctionType):
                        fix_function(v)


def _stub_taught(taught, called):
    """Replace the course's implementations of the functions this assignment teaches, and every
    alias of them across ``utils`` (the same object anywhere, or a function of the same name in
    another utils module), by stubs that record the call and raise. The originals are left
    nowhere in the process: no closure, code object or copy of them can be pulled out.

    Returns the names of what was stubbed. (Call it before any student code runs.)"""
    import importlib
    import types

    modules = _utils_modules()
    targets = {}
    for dotted in taught.values():
        names = [dotted] if isinstance(dotted, str) else list(dotted)
        for name in names:
            modname, attr = name.rsplit(".", 1)
            original = getattr(importlib.import_module(modname), attr, None)
            if isinstance(original, types.FunctionType):
                targets[id(original)] = (name, original)
                # the same function under its own name in another utils module (04's sigmoid lives
                # in utils.perceptron and utils.layers)
                for mod in modules:
                    twin = vars(mod).get(original.__name__)
                    if isinstance(twin, types.FunctionType) and twin.__module__ == mod.__name__:
                        targets.setdefault(id(twin), (f"{mod.__name__}.{twin.__name__}", twin))
    for name, original in targets.values():
        stub = _make_stub(name, called)
        stub.__name__, stub.__qualname__ = original.__name__, original.__qualname__
        stub.__module__, stub.__doc__ = original.__module__, original.__doc__
        _replace_everywhere(original, stub, modules)
    stubbed = sorted(name for name, _ in targets.values())
    targets.clear()
    return stubbed


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


def _refuse_unaudited():
    """Replace functions that escape the audit hook with ones that raise an audit event: the hook
    refuses and reports it. The stand-ins hold nothing (no reporter a student could take apart)."""
    import importlib

    from autograder.sandbox.audit import REFUSED_EVENT

    def refuser(name, _audit=sys.audit, _event=REFUSED_EVENT):
        def refused(*args, **kwargs):
            _audit(_event, name)
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
    # the protocol keeps the original pipes; the student's code gets /dev/null and the log file
    # the judge made (outside the work folder) and handed over as a descriptor
    proto_in, proto_out = os.dup(0), os.dup(1)
    import threading

    from autograder import wire

    setup = wire.read_blocking(proto_in)
    workdir = setup["workdir"]
    os.chdir(workdir)
    log_fd = setup["log_fd"]
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    sys.stdout = sys.stderr = _CappedWriter(log_fd, OUTPUT_CAP)
    channel = threading.RLock()  # violation reports and answers never interleave

    def send(message):
        data = wire.encode(message)
        with channel:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(proto_out, view):]
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
    _stub_taught(setup.get("taught", {}), called)
    _no_data_sets()
    limits = sandbox.Limits(**setup.get("limits", {}))
    read_roots = setup.get("read_roots") or sandbox.default_read_roots(include_utils=False)
    # the reporter is handed straight to the hook: no frame of the runner holds it, so the
    # student's code (which can walk up to this frame) cannot take it apart
    layers = sandbox.confine(workdir, read_roots, limits, sandbox.audit.fd_reporter(proto_out, channel))
    _refuse_unaudited()
    send({"event": "confined", "layers": {k: v for k, v in layers.items() if k != "rlimits"}})
    warnings.simplefilter("default")

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    skip = set(setup.get("skip", []))
    import linecache

    ncells = len(setup["cells"])
    for index, (label, code) in enumerate(setup["cells"]):
        if index in skip:
            continue
        send({"event": "cell_start", "index": index})
        error = None
        filename = CELL_FILE.format(index)
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        try:
            exec(compile(code, filename, "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - a student's cell may raise anything
            frames, message = _student_traceback(exc, ncells)
            error = {"error": type(exc).__name__, "frames": frames, "message": message}
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
                frames, message = _student_traceback(exc, ncells)
                out = {"error": type(exc).__name__, "frames": frames, "message": message}
            if called:
                out["delegated"] = sorted(called)
            try:
                wire.encode(out)
            except Exception:  # noqa: BLE001 - an output we cannot send
                out = {"error": "TypeError", "unsendable": True}
            results.append(out)
        send({"event": "results", "results": results})


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # noqa: BLE001 - never print a traceback of the runner (it would read
        os._exit(4)  # the runner's source, outside the sandbox); the judge sees the exit code
