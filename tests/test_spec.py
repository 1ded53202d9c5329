"""The comparison and message format the judge relies on."""

import numpy as np
import pytest

from autograder import spec, wire


def test_compare_outputs_accepts_tiny_relative_error():
    r = np.array([1e6, 2e6])
    assert spec.compare_outputs(r * (1 + 1e-9), r) is None


def test_compare_outputs_scales_tolerance_with_values():
    r = np.array([1e-9, 2e-9])
    assert spec.compare_outputs(r * 1.01, r) is not None  # 1% off is wrong, even when tiny


@pytest.mark.parametrize("student, expected_word", [
    (np.ones((3, 2)), "shape"),
    (np.array([np.nan, 1.0]), "nan"),
    (np.array([1.0, 2.5]), "off by"),
    ([np.ones(2)], "array"),
    (None, "None"),
])
def test_compare_outputs_rejects_and_says_why(student, expected_word):
    msg = spec.compare_outputs(spec.to_plain(student), np.array([1.0, 2.0]))
    assert msg is not None and expected_word in msg, msg


def test_compare_outputs_requires_float32_to_stay_float32():
    r = np.ones(3, dtype=np.float32)
    assert "dtype" in spec.compare_outputs(np.ones(3), r)


def test_compare_outputs_checks_tuples_item_by_item():
    r = [np.array(1.0), np.ones(2)]
    assert spec.compare_outputs([np.array(1.0), np.ones(2)], r) is None
    assert "item 1" in spec.compare_outputs([np.array(1.0), np.zeros(2)], r)
    assert "tuple of 2" in spec.compare_outputs([np.array(1.0)], r)


def test_to_plain_refuses_objects():
    class Liar:
        def __eq__(self, other):
            return True
    with pytest.raises(TypeError):
        spec.to_plain(Liar())


def test_to_plain_strips_ndarray_subclasses():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, bool)
    x = np.zeros(3).view(Sneaky)
    assert type(spec.to_plain(x)) is np.ndarray


def test_wire_round_trip():
    msg = {"a": [np.arange(3.0), {"b": np.float32(2)}], "c": "text", "d": None}
    data = wire.encode(msg)
    import struct
    hlen, plen = struct.unpack("<IQ", data[:12])
    back = wire.decode(data[12:12 + hlen], data[12 + hlen:])
    assert np.array_equal(back["a"][0], np.arange(3.0)) and back["c"] == "text" and back["d"] is None
    assert back["a"][1]["b"].dtype == np.float32


def test_wire_refuses_pickled_arrays():
    import io
    buf = io.BytesIO()
    np.savez(buf, a0=np.array([object()], dtype=object))
    with pytest.raises(wire.ProtocolError):
        wire.decode(b'{"__array__": 0}', buf.getvalue())


def test_out_feeds_an_earlier_result_to_a_later_call():
    from autograder.judge import call_all

    def forward(x):
        return 2 * x, {"x": x, "note": object()}  # a cache that could never cross the wire

    def backward(dout, cache):
        return 2 * dout + 0 * cache["x"]

    calls = [spec.call("forward", np.arange(3.0), send=0),
             spec.call("backward", np.ones(3), spec.Out(0, 1))]
    outcomes = call_all({"forward": forward, "backward": backward}, calls)
    assert np.array_equal(outcomes[0]["value"], [0.0, 2.0, 4.0])
    assert np.array_equal(outcomes[1]["value"], [2.0, 2.0, 2.0])


def test_runner_resolves_out_placeholders_like_the_judge():
    from autograder.runner import _resolve

    raw = [(1, {"k": 2}), None]
    assert _resolve([{"__out__": [0, 1, None]}, {"a": {"__out__": [0, None, None]}}], raw,
                    spec.apply_update) == [{"k": 2}, {"a": raw[0]}]


def test_out_update_sets_keys_of_an_earlier_dict_result_in_judge_and_runner():
    from autograder.judge import _plain_arg, call_all
    from autograder.runner import _resolve

    def step(x, param):
        return x + 1, {**param, "count": param.get("count", 0) + 1}

    def peek(param):
        return np.array([param["count"], 1.0 if param["mode"] == "test" else 0.0])

    out = spec.Out(0, 1, update={"mode": "test"})
    calls = [spec.call("step", np.zeros(2), {"mode": "train"}, send=1), spec.call("peek", out)]
    outcomes = call_all({"step": step, "peek": peek}, calls)
    assert np.array_equal(outcomes[1]["value"], [1.0, 1.0])
    assert outcomes[0]["value"]["mode"] == "train"  # the earlier result itself is not changed

    raw = [step(np.zeros(2), {"mode": "train"})]
    assert _resolve(_plain_arg(out), raw, spec.apply_update) == {"mode": "test", "count": 1}
    with pytest.raises(TypeError, match="dict"):
        _resolve(_plain_arg(spec.Out(0, 0, update={"mode": "test"})), raw, spec.apply_update)


def test_case_functions_include_those_used_from_inside():
    """A loss built from graded layers depends on them: a hang there must skip this case too."""
    c = spec.case("a net", spec.call("mlp_loss", 1), spec.call("mlp_loss", 2), uses=("relu_forward", "affine_forward"))
    assert c.functions == ["affine_forward", "mlp_loss", "relu_forward"]
    assert spec.case("plain", spec.call("softmax", 1)).functions == ["softmax"]


def test_send_args_judges_the_arguments_as_the_call_left_them():
    from autograder.judge import _encode_call, call_all

    def shifts_in_place(x):
        x -= x.max()
        return float(np.exp(x).sum())

    def keeps(x):
        return float(np.exp(x - x.max()).sum())

    c = spec.call("f", np.array([1.0, 3.0]), send=spec.ARGS)
    assert _encode_call(c)["send"] == spec.ARGS  # reaches the runner as it is
    kept = call_all({"f": keeps}, [c])[0]["value"]
    shifted = call_all({"f": shifts_in_place}, [c])[0]["value"]
    assert np.array_equal(kept[0], [1.0, 3.0])
    assert spec.compare_outputs(shifted, kept, 1e-6, "the arguments")  # a message: they differ
    assert spec.select(5.0, spec.ARGS, (1, 2)) == [1, 2]
