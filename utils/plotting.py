"""Plotting helpers shared by the notebooks: decision regions of 2-D classifiers and curves.

Each helper draws on a matplotlib ``Axes`` it is given and returns it, so a notebook lays out its
own figure (``fig, axes = plt.subplots(1, 3)``) and calls a helper per panel.
"""

import numpy as np

__all__ = ["plot_decision_boundary", "plot_curves", "CLASS_COLORS"]

CLASS_COLORS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple")  # class k


def plot_decision_boundary(ax, predict, X, y, title=None, resolution=200, padding=0.5,
                           xlabel="$x_1$", ylabel="$x_2$"):
    """Shade what a 2-D binary classifier predicts around a data set, and draw the data on top.

    Inputs:
    - ax: the matplotlib Axes to draw on.
    - predict: callable mapping points of shape (M, 2) to shape (M,): class labels in {0, 1}, or
      probabilities of class 1 (shaded by value). The line where it crosses 0.5 is drawn in black.
    - X: data, shape (N, 2); y: labels in {0, 1}, shape (N,), coloured and marked per class.
    - title: the panel's title; xlabel, ylabel: axis labels.
    - resolution: grid points along each axis; padding: margin around the data, in data units.

    Returns ax.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])  # (M, 2)
    z = np.asarray(predict(grid), dtype=np.float64).reshape(g1.shape)
    ax.contourf(g1, g2, z, levels=np.linspace(0.0, 1.0, 11), cmap="coolwarm", alpha=0.35, extend="both")
    if z.min() < 0.5 < z.max():
        ax.contour(g1, g2, z, levels=[0.5], colors="k", linewidths=1.5)
    for k, marker in zip(np.unique(y), "os^vD"):
        pts = X[y == k]
        ax.scatter(pts[:, 0], pts[:, 1], s=22, marker=marker, color=CLASS_COLORS[int(k) % len(CLASS_COLORS)],
                   edgecolors="k", linewidths=0.5, label=f"class {k}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax


def plot_curves(ax, curves, xlabel, ylabel, title, logy=False, marker=None, legend=True):
    """Plot one or more named curves, such as losses or error counts per epoch, with a legend.

    Inputs:
    - ax: the matplotlib Axes to draw on.
    - curves: dict {name: values}; values is a sequence (plotted at x = 1, 2, ...) or a pair
      (x, values).
    - xlabel, ylabel, title: the labels of the axes and the panel's title.
    - logy: use a logarithmic y axis; marker: a matplotlib marker for every point (e.g. "o").
    - legend: draw a legend on ax (names starting with "_" stay out of it). False leaves it to the
      caller, e.g. one legend for a whole figure: fig.legend(*ax.get_legend_handles_labels()).

    Returns ax.
    """
    for name, values in curves.items():
        if isinstance(values, tuple) and len(values) == 2:
            xs, ys = values
        else:
            ys = values
            xs = np.arange(1, len(ys) + 1)
        ax.plot(xs, ys, label=name, marker=marker)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend and any(not str(name).startswith("_") for name in curves):  # names starting with _ stay out
        ax.legend()
    ax.grid(True, alpha=0.3)
    return ax

