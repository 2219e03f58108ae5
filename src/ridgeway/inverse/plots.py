"""Plots of an inverse solve: Picard plot, L-curve, criterion curve, solution vs truth.

Each function returns a matplotlib Figure built on the Agg canvas (no pyplot, no global
state, no display needed); save it with ``fig.savefig(path)``. matplotlib is imported only
when a plot is drawn.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeway.inverse.result import TikhonovResult

__all__ = ["criterion_plot", "gcv_plot", "lcurve_plot", "picard_plot", "solution_plot"]


def _figure(figsize: tuple[float, float] = (5.5, 4.0)) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def picard_plot(result: TikhonovResult) -> Any:
    """σᵢ, |uᵢᵀb| and |uᵢᵀb|/σᵢ against i, with the chosen λ: the discrete Picard condition."""
    spec = result.spectrum
    if spec is None:
        raise ValueError("result has no spectrum (an LSQR/CGLS result); use a direct solve")
    i = np.arange(1, spec.sigma.size + 1)
    fig = _figure()
    ax = fig.add_subplot()
    ax.semilogy(i, spec.sigma, ".-", label="σᵢ")
    ax.semilogy(i, np.abs(spec.beta), "x", label="|uᵢᵀb|")
    with np.errstate(divide="ignore"):
        ax.semilogy(i, np.abs(spec.beta) / spec.sigma, "o", mfc="none", label="|uᵢᵀb|/σᵢ")
    ax.axhline(result.lam, color="k", ls=":", label=f"λ = {result.lam:.3g}")
    ax.set_xlabel("i")
    ax.set_title("Picard plot")
    ax.legend()
    return fig


def lcurve_plot(result: TikhonovResult) -> Any:
    """log ‖L(x − x₀)‖ against log ‖Ax − b‖ over the λ grid, with the chosen point marked."""
    curve = _curve(result)
    fig = _figure()
    ax = fig.add_subplot()
    ax.loglog(curve.residual_norm, curve.solution_norm, "-")
    ax.loglog(
        [result.residual_norm],
        [result.solution_norm],
        "o",
        color="C3",
        label=f"{result.method}: λ = {result.lam:.3g}",
    )
    ax.set_xlabel("residual norm ‖Ax − b‖")
    ax.set_ylabel("solution (semi)norm ‖L(x − x₀)‖")
    ax.set_title("L-curve")
    ax.legend()
    return fig


def criterion_plot(result: TikhonovResult) -> Any:
    """The criterion λ was chosen on (GCV, UPRE, quasi, curvature, residual) against λ."""
    curve = _curve(result)
    fig = _figure()
    ax = fig.add_subplot()
    values = np.asarray(curve.values, dtype=float)
    positive = np.all(values[np.isfinite(values)] > 0)
    (ax.loglog if positive else ax.semilogx)(curve.param, values, "-")
    ax.axvline(result.lam, color="C3", ls="--", label=f"λ = {result.lam:.3g}")
    if curve.target is not None:
        ax.axhline(curve.target, color="k", ls=":", label="noise norm")
    ax.set_xlabel("λ" if curve.param_name == "lam" else curve.param_name)
    ax.set_ylabel(curve.criterion)
    ax.set_title(f"{curve.criterion} curve")
    ax.legend()
    return fig


def gcv_plot(result: TikhonovResult) -> Any:
    """The GCV curve (alias of :func:`criterion_plot` for a GCV result)."""
    return criterion_plot(result)


def solution_plot(result: TikhonovResult, x_true: Any = None, t: Any = None) -> Any:
    """The solution (and the truth, if given) against the grid t (default 0..n−1)."""
    x = result.x
    t = np.arange(x.size) if t is None else np.asarray(t)
    fig = _figure()
    ax = fig.add_subplot()
    if x_true is not None:
        ax.plot(t, np.asarray(x_true), "k-", lw=1, label="exact")
    ax.plot(t, x, "C0.-", ms=3, label=f"{result.method} (λ = {result.lam:.3g})")
    ax.set_title("solution")
    ax.legend()
    return fig


def _curve(result: TikhonovResult):
    if result.curve is None:
        raise ValueError("result has no curve (λ was given to an iterative solver)")
    return result.curve
