"""Every parameter-choice rule on every test problem at 0.1% noise, against the best λ.

The ratio is rel_error(rule) / rel_error(best λ on the grid), its median over 5 noise draws.
The bounds are what the rules achieve with some margin (docs/inverse.md has the full table,
max and median over 10 draws). The L-curve's are the widest: even taken at the stall of the
curve in its corner region (not at the sharpest bend, which undersmoothed by 5-15x on
phillips, gravity, heat and deriv2 case 3), its corner is 2-3.5x off the best λ there.
"""

import numpy as np
import pytest

import ridgeway.inverse as inv
from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse import problems as P

PROBLEMS = {
    "shaw": P.shaw,
    "phillips": P.phillips,
    "baart": P.baart,
    "foxgood": P.foxgood,
    "gravity": P.gravity,
    "heat": P.heat,
    "deriv2-1": lambda n: P.deriv2(n, 1),
    "deriv2-2": lambda n: P.deriv2(n, 2),
    "deriv2-3": lambda n: P.deriv2(n, 3),
}
# Measured medians (seeds 0-4): gcv <= 1.24, discrepancy <= 1.27, quasi <= 1.44,
# upre <= 1.21, lcurve <= 2.4 (gravity 3.44).
BOUNDS = {"gcv": 1.5, "discrepancy": 1.5, "quasi": 2.0, "upre": 1.5, "lcurve": 3.0}
KNOWN_WEAK = {("lcurve", "gravity"): 4.5}  # a corner region with no stall near the best λ


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_rules_are_near_the_best_lambda(name):
    A, b, x = PROBLEMS[name](64)
    ratios = []
    for seed in range(5):
        bn = P.add_noise(b, 1e-3, seed)
        table = inv.compare(A, bn, noise_norm=np.linalg.norm(bn - b), x_true=x)
        ratios.append(table.rel_error / table.rel_error["best"])
    median = np.median(np.column_stack(ratios), axis=1)
    for method, value in zip(table.index, median):
        if method == "best":
            continue
        bound = KNOWN_WEAK.get((method, name), BOUNDS[method])
        assert value <= bound, f"{method} on {name}: {value:.2f} > {bound}"
        assert value >= 1 - 1e-9  # nothing beats the oracle on the grid (sanity)


def test_heat_gap_safeguard_avoids_near_interpolation():
    # For this draw the (robust) GCV minimum lies just below heat's gap (λ ≈ 1e-5, dof ≈ 61
    # of 64); the floor on residual degrees of freedom sends it to the next minimum.
    A, b, x = P.heat(64)
    bn = P.add_noise(b, 1e-3, 0)
    res = inv.tikhonov(A, bn, lam="gcv")
    assert res.dof <= 64 - 6.4 + 1e-9
    assert any("near-interpolation" in note for note in res.notes)
    assert np.linalg.norm(res.x - x) / np.linalg.norm(x) < 0.1
    classical = inv.tikhonov(A, bn, lam="gcv", gcv_gamma=1.0)  # floor alone is not enough
    assert np.linalg.norm(classical.x - x) / np.linalg.norm(x) > 0.5


def test_robust_gcv_survives_flat_gcv_where_classical_fails():
    A, b, x = P.foxgood(64)
    errors = {}
    for gamma in (1.0, 0.1):
        worst = 0.0
        for seed in range(5):
            r = inv.tikhonov(A, P.add_noise(b, 1e-3, seed), gcv_gamma=gamma)
            worst = max(worst, np.linalg.norm(r.x - x) / np.linalg.norm(x))
        errors[gamma] = worst
    assert errors[1.0] > 10  # classical GCV: λ orders of magnitude too small
    assert errors[0.1] < 0.1


def test_upre_without_noise_estimates_it():
    A, b, x = P.shaw(64)
    bn = P.add_noise(b, 1e-3, 1)
    res = inv.tikhonov(A, bn, lam="upre")
    assert any("estimated" in note for note in res.notes)
    assert np.linalg.norm(res.x - x) / np.linalg.norm(x) < 0.1


@pytest.mark.parametrize(("name", "seed"), [("shaw", 6), ("foxgood", 0)])
def test_robust_upre_survives_the_draws_where_classical_upre_fails(name, seed):
    # In these draws classical UPRE (γ = 1) picks λ with ~10⁵× the best error: the predictive
    # risk it estimates is flat at small λ. The robust form stays near the best λ.
    A, b, x = getattr(P, name)(64)
    bn = P.add_noise(b, 1e-3, seed)
    delta = np.linalg.norm(bn - b)
    ratio = {}
    for gamma in (1.0, 0.1):
        table = inv.compare(A, bn, noise_norm=delta, x_true=x, gcv_gamma=gamma)
        ratio[gamma] = table.rel_error["upre"] / table.rel_error["best"]
    assert ratio[1.0] > 1e3
    assert ratio[0.1] < 2.0


def test_lcurve_without_an_admissible_corner_says_so():
    # heat, draw 3: the only corner of positive curvature is the one at its spectral gap, where
    # the fit nearly interpolates (dof ≈ 61 of 64); it is excluded, and the rule reports that
    # it fell back to the largest curvature among the admissible λ.
    A, b, _ = P.heat(64)
    res = inv.tikhonov(A, P.add_noise(b, 1e-3, 3), lam="lcurve")
    assert any("no interior corner" in note for note in res.notes)
    assert res.dof <= 64 - 6.4 + 1e-9


def test_lcurve_corner_is_the_stall_not_the_sharpest_bend():
    # phillips is smooth: its sharpest bend is where noise already shows in ‖x(λ)‖ (error ~15x
    # the best); the curve stalls further on, on the smoothing side of the bend.
    A, b, x = P.phillips(64)
    bn = P.add_noise(b, 1e-3, 0)
    res = inv.tikhonov(A, bn, lam="lcurve")
    grid = res.curve.param
    sharpest = grid[np.argmax(res.curve.values)]
    assert res.lam > 2 * sharpest
    spec = res.spectrum
    v = pc.speed(spec, np.array([res.lam / 1.05, res.lam, res.lam * 1.05]))
    assert v[1] <= min(v[0], v[2])  # a local minimum of the speed
    bend = inv.tikhonov(A, bn, lam=float(sharpest))
    assert np.linalg.norm(res.x - x) < np.linalg.norm(bend.x - x) / 3
