"""Choosing λ from the spectral data: GCV, L-curve, discrepancy, quasi-optimality, UPRE.

Every criterion is a closed form in the filter factors fᵢ = σᵢ²/(σᵢ² + λ²) of one
:class:`~ridgeway.inverse.result.Spectrum` (a view of the spectral core's spectrum at
l2 = λ²: ρ, η, dof and tr(A_λ²) are the core's ``rss``, ``penalty_norm``, ``df`` and
``trace_hat_squared``; GCV is :func:`ridgeway.selection.gcv.gcv`), so a whole grid of λ
costs O(k) per λ:

- residual  ρ(λ)² = Σ ((1 − fᵢ)βᵢ)² + floor,    seminorm  η(λ)² = Σ (fᵢβᵢ/σᵢ)²,
- degrees of freedom  dof(λ) = Σ fᵢ + n_free (the null space of L is fitted exactly);
- GCV      G(λ) = ρ² / (m − dof)², robust: ×(γ + (1 − γ)Σfᵢ²/m)     (minimize)
- UPRE     U(λ) = ρ² + 2s² dof − m s²,  s² = δ²/m; robust: + (1/γ − 1)s²Σfᵢ²  (minimize)
- quasi    Q(λ) = ‖λ dx/dλ‖ = (Σ (fᵢ(1 − fᵢ)βᵢ/σᵢ)²)^{1/2}        (minimize)
- L-curve  the corner of (log ρ, log η): see :mod:`ridgeway.inverse.lcurve`
- discrepancy  ρ(λ) = δ                                            (root; ρ increases with λ)

The grid runs from σ₁ down to max(σ_k, 16·ε·σ₁), geometrically: below that the criteria only
see rounding errors. The grid optimum is refined by a bounded 1-D search between its two
neighbours; the refined λ is kept only if it is at least as good as the grid point.

Where the textbook rule fails, the code does this (and says so in ``notes``):

- Flat GCV (foxgood, baart, shaw): classical GCV then often picks λ far too small; ``choose``
  uses Lukas' robust GCV with γ = 0.1 by default (γ = 1 is classical GCV).
- UPRE blind to small-σ errors (shaw, foxgood): the predictive risk it estimates is flat at
  small λ, and in single noise draws classical UPRE picked λ with 10⁵× the best error; the
  same γ gives its robust form (see :func:`upre`), which stays within 3× in every draw.
- Gaps in the spectrum (heat): every rule but discrepancy only considers λ leaving at least
  max(5, m/10) residual degrees of freedom, so no rule settles where the fit nearly
  interpolates and the noise estimate rests on a handful of values.

- A criterion minimized at the small end of the grid (flat GCV on baart, or noise below the
  rounding level) is reported with a note: the value is still the rule's answer.
- The L-curve may have several corners (heat has a gap in its singular values; some problems
  have a spurious corner where the curve meets the rounding level), and its sharpest corner
  undersmooths smooth solutions: :mod:`ridgeway.inverse.lcurve` says how the corner is chosen
  (the stall of the curve in its convex corner region) and what happens without one.
- Discrepancy needs δ; if δ is below the smallest attainable residual (‖b̄‖ outside the
  range of A), the smallest λ on the grid is used; if δ ≥ ‖b̄‖ the largest, each with a note.
- UPRE needs the noise variance; without δ it is estimated from the GCV fit as
  ρ(λ_gcv)²/(m − dof(λ_gcv)) (Wahba 1990), with a note.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from ridgeway.inverse.lcurve import corner, curvature, speed
from ridgeway.inverse.result import Curve, Spectrum
from ridgeway.selection.gcv import gcv as selection_gcv

__all__ = [
    "choose",
    "curvature",
    "dof",
    "gcv",
    "lambda_grid",
    "quasi",
    "residual_norm",
    "solution_norm",
    "speed",
    "upre",
]

GRID_SIZE = 200
_EPS = np.finfo(np.float64).eps


def lambda_grid(spec: Spectrum, size: int = GRID_SIZE) -> np.ndarray:
    """Geometric λ grid from max(σ_k, 16εσ₁) to σ₁, ascending."""
    s = spec.sigma[spec.sigma > 0]
    if s.size == 0:
        raise ValueError("A must not be zero (all singular values vanish)")
    lo = max(s[-1], 16 * _EPS * s[0])
    if lo >= s[0]:
        lo = s[0] * 1e-3  # a single singular value: still give the criteria a range
    return np.geomspace(lo, s[0], size)


def _l2(lams: np.ndarray) -> np.ndarray:
    """ridgeway's l2 = λ² for the core's spectrum (DESIGN §1)."""
    return np.asarray(lams, dtype=np.float64) ** 2


def residual_norm(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """ρ(λ) = ‖Ax(λ) − b‖ on a grid."""
    return np.sqrt(spec.core.rss(_l2(lams))[:, 0])


def solution_norm(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """η(λ) = ‖L(x(λ) − x₀)‖ on a grid."""
    return spec.core.penalty_norm(_l2(lams))[:, 0]


def dof(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """Effective number of parameters: trace of the influence matrix."""
    return spec.core.df(_l2(lams))


def gcv(spec: Spectrum, lams: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """G(λ) = ρ²/(m − dof)², or Lukas' robust GCV (γ + (1 − γ)μ₂)·G for γ < 1.

    The one GCV of :mod:`ridgeway.selection.gcv` in the texts' normalisation (divided by m).
    μ₂ = tr(A_λ²)/m. γ = 1 is classical GCV; smaller γ penalizes the small λ at which a flat
    GCV function lets random noise components decide (M. A. Lukas, Inverse Problems 22
    (2006) 1883–1902). Infinite where the fit interpolates (m − dof = 0).
    """
    values = selection_gcv(spec.core, _l2(lams), gamma)[:, 0] / spec.n_rows
    return np.where(np.isnan(values), np.inf, values)


def upre(spec: Spectrum, lams: np.ndarray, noise_var: float, gamma: float = 1.0) -> np.ndarray:
    """U(λ) = ρ² + 2s²·dof − m s², or robust UPRE U + (1/γ − 1)s²·μ₂m for γ < 1.

    U is an unbiased estimate of the predictive risk ‖A(x(λ) − x)‖². That risk is flat at
    small λ on severely ill-posed problems (it does not see errors along directions of tiny
    σ), so in single noise draws the minimum can jump to λ orders of magnitude too small. The
    robust form is the UPRE analogue of Lukas' robust GCV: it weighs the risk by γ and adds
    (1 − γ)s²·tr(A_λ²), the variance of the fit, which grows where noise components enter
    (scaled by 1/γ so that γ = 1 is classical UPRE).
    """
    l2 = _l2(lams)
    values = spec.core.rss(l2)[:, 0] + 2 * noise_var * spec.core.df(l2)
    values = values - spec.n_rows * noise_var
    if gamma < 1:
        values = values + (1 / gamma - 1) * noise_var * spec.core.trace_hat_squared(l2)
    return values


def quasi(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """Q(λ) = ‖λ dx/dλ‖ = (Σ (σᵢλ²βᵢ/(σᵢ² + λ²)²)²)^{1/2} (quasi-optimality)."""
    s2, l2 = spec.sigma[:, None] ** 2, _l2(lams)[None, :]
    terms = (spec.sigma * spec.beta)[:, None] * l2 / (s2 + l2) ** 2  # fᵢ(1 − fᵢ)βᵢ/σᵢ
    return np.sqrt((terms**2).sum(axis=0))


def _refine(
    func: Callable[[np.ndarray], np.ndarray], grid: np.ndarray, i: int, admissible: np.ndarray
) -> float:
    """Minimize func between grid[i]'s admissible neighbours (in log λ); keep grid[i] if better."""
    lo_i = i - 1 if i > 0 and admissible[i - 1] else i
    hi_i = i + 1 if i + 1 < grid.size and admissible[i + 1] else i
    best = float(grid[i])
    if hi_i == lo_i:
        return best
    res = minimize_scalar(
        lambda t: float(func(np.array([np.exp(t)]))[0]),
        bounds=(np.log(grid[lo_i]), np.log(grid[hi_i])),
        method="bounded",
        options={"xatol": 1e-6},
    )
    cand = float(np.exp(res.x))
    return cand if func(np.array([cand]))[0] <= func(np.array([best]))[0] else best


def _admissible(spec: Spectrum, grid: np.ndarray) -> np.ndarray:
    """λ that leave at least max(5, m/10) residual degrees of freedom to estimate the noise."""
    left = spec.n_rows - dof(spec, grid)
    ok = left >= max(5.0, 0.1 * spec.n_rows)
    return ok if ok.any() else np.ones_like(ok)


def _argbest(
    method: str, values: np.ndarray, admissible: np.ndarray, grid: np.ndarray, maximize: bool
) -> tuple[int, tuple[str, ...]]:
    score = -values if maximize else values
    i_all = int(np.argmin(score))
    i = int(np.argmin(np.where(admissible, score, np.inf)))
    notes: tuple[str, ...] = ()
    if i != i_all:
        notes += (
            f"{method}: the unrestricted optimum λ = {grid[i_all]:.3g} leaves fewer than "
            "max(5, m/10) residual degrees of freedom (near-interpolation); "
            f"used λ = {grid[i]:.3g}",
        )
    if i == 0:
        notes += (
            f"{method}: optimum at the smallest λ of the grid ({grid[0]:.3g}); the criterion "
            "may be flat or the noise below the rounding level",
        )
    elif i == grid.size - 1:
        notes += (f"{method}: optimum at the largest λ of the grid ({grid[-1]:.3g})",)
    return i, notes


def _discrepancy(spec: Spectrum, grid: np.ndarray, delta: float) -> tuple[float, tuple[str, ...]]:
    lo_res = residual_norm(spec, grid[:1])[0]
    hi_res = residual_norm(spec, grid[-1:])[0]
    if delta <= lo_res:
        note = (
            f"discrepancy: noise norm {delta:.3g} is below the smallest residual on the grid "
            f"({lo_res:.3g}); used the smallest λ"
        )
        return float(grid[0]), (note,)
    if delta >= hi_res:
        note = (
            f"discrepancy: noise norm {delta:.3g} is above the residual at the largest λ "
            f"({hi_res:.3g}); used the largest λ"
        )
        return float(grid[-1]), (note,)
    t = brentq(
        lambda t: residual_norm(spec, np.array([np.exp(t)]))[0] - delta,
        np.log(grid[0]),
        np.log(grid[-1]),
        xtol=1e-10,
    )
    return float(np.exp(t)), ()


def choose(
    spec: Spectrum,
    method: str,
    noise_norm: float | None = None,
    grid: np.ndarray | None = None,
    gcv_gamma: float = 0.1,
) -> tuple[float, Curve, tuple[str, ...]]:
    """λ by ``method``, with the curve it was chosen on and any safeguard notes."""
    grid = lambda_grid(spec) if grid is None else grid
    res, sol = residual_norm(spec, grid), solution_norm(spec, grid)
    admissible = _admissible(spec, grid)
    notes: tuple[str, ...] = ()
    target = None
    if method == "discrepancy":
        if noise_norm is None:
            raise ValueError("lam='discrepancy' needs noise_norm or noise_level")
        lam, notes = _discrepancy(spec, grid, noise_norm)
        values, name, target = res, "residual_norm", noise_norm
    elif method == "lcurve":
        i, by, values, notes = corner(spec, grid, admissible)
        name = "curvature"
        if by == "speed":
            lam = _refine(lambda x: speed(spec, x), grid, i, admissible)
        else:
            lam = _refine(lambda x: -curvature(spec, x), grid, i, admissible)
    else:
        if method == "gcv":
            func = lambda x: gcv(spec, x, gcv_gamma)  # noqa: E731
        elif method == "quasi":
            func = lambda x: quasi(spec, x)  # noqa: E731
        elif method == "upre":
            noise_var, notes = _noise_variance(spec, grid, noise_norm, gcv_gamma)
            func = lambda x: upre(spec, x, noise_var, gcv_gamma)  # noqa: E731
        else:
            raise ValueError(f"unknown parameter-choice method {method!r}")
        values, name = func(grid), method
        i, more = _argbest(method, values, admissible, grid, maximize=False)
        notes += more
        lam = _refine(func, grid, i, admissible)
    curve = Curve(
        param=grid,
        values=values,
        criterion=name,
        residual_norm=res,
        solution_norm=sol,
        target=target,
    )
    return lam, curve, notes


def _noise_variance(
    spec: Spectrum, grid: np.ndarray, noise_norm: float | None, gcv_gamma: float
) -> tuple[float, tuple[str, ...]]:
    if noise_norm is not None:
        return noise_norm**2 / spec.n_rows, ()
    admissible = _admissible(spec, grid)
    values = np.where(admissible, gcv(spec, grid, gcv_gamma), np.inf)
    lam = grid[int(np.argmin(values))]
    rho2 = residual_norm(spec, np.array([lam]))[0] ** 2
    var = rho2 / max(spec.n_rows - dof(spec, np.array([lam]))[0], 1.0)
    return var, (f"upre: noise variance estimated from the GCV fit ({var:.3g})",)
