"""Tests for the legend keyword of utils.plotting.plot_curves (used by 06_optimizers).

The lines, labels and axes of plot_curves are tested in test_utils_perceptron.py; these tests
check only who draws the legend.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.plotting import plot_curves  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_curves_draws_a_legend_by_default(ax):
    plot_curves(ax, {"a": [3, 2, 1], "b": [1, 2, 3]}, "epoch", "loss", "T")
    legend = ax.get_legend()
    assert legend is not None, "plot_curves drew no legend by default: the default must stay legend=True"
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]


def test_plot_curves_legend_false_draws_none_but_keeps_labels(ax):
    plot_curves(ax, {"a": [3, 2, 1], "b": (np.array([0.0, 0.5]), [1.0, 2.0])}, "epoch", "loss", "T",
                logy=True, legend=False)
    assert ax.get_legend() is None, "plot_curves(..., legend=False) still drew a legend on the axes"
    handles, labels = ax.get_legend_handles_labels()  # what a figure-wide legend would collect
    assert labels == ["a", "b"] and len(handles) == 2
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title(), ax.get_yscale()) == ("epoch", "loss", "T", "log")


def test_plot_curves_underscore_names_stay_out_of_the_legend(ax):
    plot_curves(ax, {"_hidden": [1, 2]}, "x", "y", "T")
    assert ax.get_legend() is None, "a legend was drawn although every curve's name starts with _"
    plot_curves(ax, {"_hidden": [1, 2], "shown": [2, 1]}, "x", "y", "T")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["shown"]
