"""Messages between the judge and a sandboxed runner: a JSON header plus arrays as .npz bytes.

Arrays cross as plain data: ``np.load(..., allow_pickle=False)`` never runs code, so nothing a
student's process sends can execute in the judge. Every read is bounded in size.
"""

import io
import json
import os
import struct
import zipfile

import numpy as np

MAX_HEADER = 1 << 26  # 64 MiB of JSON (a setup message holds every cell's code)
MAX_PAYLOAD = 1 << 28  # 256 MiB of arrays, stored (never compressed) in the npz
# What the judge accepts from a runner: results are small (a case's outputs), and the judge grades
# several students at once, so one of them must not make it hold gigabytes (a JSON header becomes
# many times its size in Python objects). tests/test_wire.py checks the references fit with room.
MAX_RESULT_HEADER = 1 << 20  # 1 MiB of JSON
MAX_RESULT_PAYLOAD = 1 << 25  # 32 MiB of arrays


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


def _flatten(tree, arrays):
    if isinstance(tree, np.ndarray):
        arrays.append(tree)
        return {"__array__": len(arrays) - 1}
    if isinstance(tree, (list, tuple)):
        return {"__list__": [_flatten(v, arrays) for v in tree]}
    if isinstance(tree, dict):
        return {"__dict__": {str(k): _flatten(v, arrays) for k, v in tree.items()}}
    if tree is None or isinstance(tree, (str, bool, int, float)):
        return tree
    if isinstance(tree, np.generic):
        arrays.append(np.asarray(tree))
        return {"__array__": len(arrays) - 1}
    raise TypeError(f"cannot send a {type(tree).__name__}")


def _unflatten(tree, arrays):
    if isinstance(tree, dict):
        if "__array__" in tree:
            return arrays[f"a{int(tree['__array__'])}"]
        if "__list__" in tree:
            return [_unflatten(v, arrays) for v in tree["__list__"]]
        if "__dict__" in tree:
            return {k: _unflatten(v, arrays) for k, v in tree["__dict__"].items()}
        raise ProtocolError("unknown object in message")
    return tree


def encode(message):
    """Encode a message (JSON-able values and numpy arrays, nested) to bytes."""
    arrays = []
    header = json.dumps(_flatten(message, arrays)).encode()
    buf = io.BytesIO()
    if arrays:
        np.savez(buf, **{f"a{i}": a for i, a in enumerate(arrays)})
    payload = buf.getvalue()
    return struct.pack("<IQ", len(header), len(payload)) + header + payload


def _check_npz(payload):
    """Refuse an npz whose members are compressed or claim more bytes than the message holds:
    ``encode`` only writes stored members, so anything else was forged (a decompression bomb)."""
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise ProtocolError("too many arrays")
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED or info.file_size > len(payload):
                raise ProtocolError("compressed or oversized array")


def decode(header, payload):
    """Decode a message from its two parts, refusing anything but plain arrays."""
    try:
        tree = json.loads(header)
        if payload:
            _check_npz(payload)
            with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        else:
            arrays = {}
        return _unflatten(tree, arrays)
    except ProtocolError:
        raise
    except Exception as e:  # malformed JSON, npz, or a pickled (object) array
        raise ProtocolError(f"malformed message: {type(e).__name__}: {e}") from None


def write(fd, message):
    """Write one message to a file descriptor."""
    data = encode(message)
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_blocking(fd):
    """Read one message from a file descriptor, blocking (the runner's side)."""
    def exact(n):
        chunks, left = [], n
        while left:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other side closed the channel")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    hlen, plen = struct.unpack("<IQ", exact(12))
    if hlen > MAX_HEADER or plen > MAX_PAYLOAD:
        raise ProtocolError("message too large")
    return decode(exact(hlen), exact(plen))
