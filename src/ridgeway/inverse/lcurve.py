"""The L-curve (log ρ(λ), log η(λ)): its curvature, its speed, and where its corner is.

Both are closed forms in the filter factors of one :class:`~ridgeway.inverse.result.Spectrum`
(O(k) per λ). With t = log λ, X = log ρ and Y = log η:

- curvature κ = (X'Y'' − X''Y')/(X'² + Y'²)^{3/2}, positive where the curve bends like an L;
- speed v = (X'² + Y'²)^{1/2}, how fast the curve moves per unit of log λ.

**How the corner is chosen.** The textbook corner is the point of largest curvature
(Hansen & O'Leary 1993). It is found reliably, but on problems whose attainable error is small
(phillips, gravity, heat, deriv2 case 3) it lies where the noise already makes up a visible
part of ‖x(λ)‖ and undersmooths by 5–30× in error (measured: docs/inverse.md; Hanke 1996
explains why). Adaptive pruning (Hansen, Jensen & Rodriguez 2007), Regińska's min ρη and
the discrete TSVD corner were measured too and do no better, because they locate the same
bend. What does better is to look at how the curve is *traversed*: in its corner region the
L-curve stalls (its speed has a minimum: the V-curve of Frommer & Maass 1999), and that stall
sits on the smoothing side of the bend. So:

1. the *corner region* is the run of admissible λ around the sharpest interior local maximum
   of κ (κ > 0, not the first or last grid point) on which κ stays positive: the convex bend;
2. in it, the stalls are the local minima of v that move at most twice as slowly as the
   slowest point of the region (others are mere wiggles); the stall of largest λ is the
   corner (the others precede it on the noise-dominated side);
3. without a stall, the point of largest curvature is kept.

Ill-defined corners: an L-curve without an admissible interior curvature peak (heat, whose
only sharp bend is at its spectral gap, where the fit interpolates) falls back to the largest
κ among the admissible λ, grows its convex region from there and proceeds as above, with a
note. Corners at either end of the grid (the rounding-level tail, the flat large-λ end) are
never taken as the sharpest peak.
"""

from __future__ import annotations

import numpy as np

from ridgeway.inverse.result import Spectrum
from ridgeway.selection import lcurve

__all__ = ["corner", "curvature", "speed"]

STALL_FACTOR = 2.0  # a stall moves at most this many times the region's slowest speed


def curvature(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """Signed curvature of the L-curve (log ρ, log η) at each λ (positive at a corner).

    With t = log λ: fᵢ' = −2fᵢ(1 − fᵢ), fᵢ'' = 4fᵢ(1 − fᵢ)(1 − 2fᵢ), so ρ², η² and their first two
    t-derivatives are sums over the spectrum; X = ½log ρ², Y = ½log η², and
    κ = (X'Y'' − X''Y')/(X'² + Y'²)^{3/2}, sign chosen so that the corner of the L is positive
    (:func:`ridgeway.selection.lcurve.curvature` on the core spectrum at l2 = λ²).
    """
    return lcurve.curvature(spec.core, np.asarray(lams, dtype=np.float64) ** 2)[:, 0]


def speed(spec: Spectrum, lams: np.ndarray) -> np.ndarray:
    """‖d(log ρ, log η)/d log λ‖: how fast the L-curve moves at each λ."""
    return lcurve.speed(spec.core, np.asarray(lams, dtype=np.float64) ** 2)[:, 0]


def _sharpest(kappa: np.ndarray, admissible: np.ndarray) -> tuple[int, tuple[str, ...]]:
    interior = np.arange(1, kappa.size - 1)
    is_peak = (kappa[interior] >= kappa[interior - 1]) & (kappa[interior] > kappa[interior + 1])
    peaks = interior[is_peak & (kappa[interior] > 0) & admissible[interior]]
    if peaks.size:
        return int(peaks[np.argmax(kappa[peaks])]), ()
    i = int(np.argmax(np.where(admissible, kappa, -np.inf)))
    note = (
        "lcurve: no interior corner (local maximum of positive curvature) among the admissible "
        "λ; started from the largest κ"
    )
    return i, (note,)


def _convex_region(kappa: np.ndarray, admissible: np.ndarray, i: int) -> tuple[int, int]:
    lo = hi = i
    while lo > 0 and kappa[lo - 1] > 0 and admissible[lo - 1]:
        lo -= 1
    while hi < kappa.size - 1 and kappa[hi + 1] > 0 and admissible[hi + 1]:
        hi += 1
    return lo, hi


def corner(
    spec: Spectrum, grid: np.ndarray, admissible: np.ndarray
) -> tuple[int, str, np.ndarray, tuple[str, ...]]:
    """Index of the corner on ``grid``, which criterion it optimizes there, κ, and notes.

    The criterion is "speed" (a stall: refine by minimizing the speed) or "curvature" (no
    stall: refine by maximizing κ).
    """
    kappa = curvature(spec, grid)
    i, notes = _sharpest(kappa, admissible)
    lo, hi = _convex_region(kappa, admissible, i)
    v = speed(spec, grid)
    inner = np.arange(max(lo, 1), min(hi, grid.size - 2) + 1)
    is_min = (v[inner] <= v[inner - 1]) & (v[inner] < v[inner + 1])
    stalls = inner[is_min & (v[inner] <= STALL_FACTOR * v[lo : hi + 1].min())]
    if stalls.size:
        return int(stalls[-1]), "speed", kappa, notes
    return i, "curvature", kappa, notes
