"""The generated test problems against their published properties."""

import itertools

import numpy as np
import pytest

from ridgeway.inverse import problems as P

EPS = np.finfo(np.float64).eps


def svals(A):
    return np.linalg.svd(A, compute_uv=False)


def test_shaw_32_published_spectrum():
    # Hansen (1994): shaw(32) has σ₁ ≈ 2.99 and about 20 singular values above rounding.
    A, b, x = P.shaw(32)
    s = svals(A)
    assert s[0] == pytest.approx(2.9933, abs=5e-4)
    assert 18 <= np.sum(s > s[0] * 32 * EPS) <= 22
    np.testing.assert_allclose(A @ x, b)


def test_deriv2_matches_published_entries():
    # deriv2(4) as printed in MatrixDepot.jl's documentation of Hansen's problem
    A, _, _ = P.deriv2(4)
    expected = np.array(
        [
            [-0.0169271, -0.0195313, -0.0117188, -0.00390625],
            [-0.0195313, -0.0481771, -0.0351563, -0.0117188],
            [-0.0117188, -0.0351563, -0.0481771, -0.0195313],
            [-0.00390625, -0.0117188, -0.0195313, -0.0169271],
        ]
    )
    np.testing.assert_allclose(A, expected, atol=6e-8)


@pytest.mark.parametrize("case", [1, 2, 3])
def test_deriv2_singular_values_follow_green_operator(case):
    # The Green's function of d²/ds² with Dirichlet conditions has eigenvalues −1/(πk)².
    A, b, x = P.deriv2(128, case)
    k = np.arange(1, 11)
    np.testing.assert_allclose(svals(A)[:10] * (np.pi * k) ** 2, 1.0, atol=1e-2)
    np.testing.assert_allclose(A, A.T)
    assert np.linalg.norm(A @ x - b) / np.linalg.norm(b) < 1e-3  # Galerkin error only


def test_phillips_kernel_integrals_against_quadrature():
    n = 16
    A, _, _ = P.phillips(n)
    h = 12 / n
    nodes, w = np.polynomial.legendre.leggauss(40)
    phi = lambda u: np.where(np.abs(u) < 3, 1 + np.cos(np.pi * u / 3), 0.0)  # noqa: E731
    # near the diagonal, at the edge of the support (|s − t| ≈ 3) and outside it; the kernel
    # has kinks inside cells, so integrate by composite Gauss on 32 × 32 sub-cells
    for i, j in [(7, 5), (8, 0), (3, 3), (15, 0)]:
        sub = np.linspace(0, 1, 33)
        total = 0.0
        for a0, a1 in itertools.pairwise(sub):
            for c0, c1 in itertools.pairwise(sub):
                ss = -6 + h * (i + a0 + (a1 - a0) * (nodes + 1) / 2)
                tt = -6 + h * (j + c0 + (c1 - c0) * (nodes + 1) / 2)
                total += (
                    (w[:, None] * w * phi(ss[:, None] - tt)).sum()
                    * (h * (a1 - a0) / 2)
                    * (h * (c1 - c0) / 2)
                )
        assert A[i, j] == pytest.approx(total / h, rel=1e-6)


@pytest.mark.parametrize(
    ("make", "rank_lo", "rank_hi"),
    [(P.baart, 8, 14), (P.foxgood, 12, 22), (P.gravity, 28, 32), (P.heat, 28, 32)],
)
def test_numerical_rank_at_n_32(make, rank_lo, rank_hi):
    A, b, x = make(32)
    s = svals(A)
    assert rank_lo <= np.sum(s > s[0] * 32 * EPS) <= rank_hi
    assert np.linalg.norm(A @ x - b) / np.linalg.norm(b) < 5e-3


def test_heat_has_a_gap_and_is_lower_triangular():
    A, _, _ = P.heat(64)
    s = svals(A)
    assert np.allclose(np.triu(A, 1), 0)
    ratios = s[:-1] / np.maximum(s[1:], 1e-300)
    assert ratios.max() > 1e6  # the gap the parameter-choice safeguards must survive
    _, _, x5 = P.heat(64, kappa=5)
    assert np.linalg.cond(P.heat(64, kappa=5)[0]) < 1e3 < np.linalg.cond(A)
    assert x5.shape == (64,)


def test_baart_matches_exact_solution_within_discretization():
    A, b, x = P.baart(64)
    assert np.linalg.norm(A @ x - b) / np.linalg.norm(b) < 1e-4
    assert svals(A)[0] == pytest.approx(3.2285, abs=1e-3)


@pytest.mark.parametrize("example", [1, 2, 3])
def test_gravity_examples(example):
    A, b, x = P.gravity(40, example=example)
    np.testing.assert_allclose(A @ x, b)
    if example == 1:
        assert x.max() == pytest.approx(1.3, abs=0.05)  # sin(πt) + ½sin(2πt) peaks near 1.30
    elif example == 2:
        assert 1.9 < x.max() <= 2.0 and x.min() >= 0
    else:
        assert set(np.unique(x)) == {1.0, 2.0}


def test_add_noise_has_exact_relative_level(rng):
    _, b, _ = P.shaw(64)
    e = P.add_noise(b, 0.01, rng) - b
    assert np.linalg.norm(e) / np.linalg.norm(b) == pytest.approx(0.01, rel=1e-12)
    np.testing.assert_array_equal(P.add_noise(b, 1e-3, 7), P.add_noise(b, 1e-3, 7))


@pytest.mark.parametrize("level", [-0.1, np.nan, np.inf])
def test_add_noise_rejects_bad_level(level):
    with pytest.raises(ValueError, match="level must be a finite number >= 0"):
        P.add_noise(np.ones(4), level, 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: P.shaw(7), "n must be an integer >= 2 and a multiple of 2"),
        (lambda: P.phillips(10), "multiple of 4"),
        (lambda: P.deriv2(8, case=4), "case must be 1, 2 or 3"),
        (lambda: P.heat(8, kappa=-1), "kappa must be"),
        (lambda: P.gravity(8, example=5), "example must be"),
    ],
)
def test_bad_problem_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
