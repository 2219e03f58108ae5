"""The core's standard form of Γ and the full spectrum the inverse layer reads."""

import dataclasses

import numpy as np
import pytest

import ridgeway.inverse as inv
from ridgeway import operators
from ridgeway.inverse import problems
from ridgeway.inverse.decomposition import Decomposition, tikhonov_problem
from ridgeway.solvers.spectral.routes import SVDRoute
from ridgeway.solvers.spectral.standard_form import standard_form


@pytest.mark.parametrize("n", [50, 600])
def test_general_form_keeps_every_penalized_direction(n):
    # diff2's smallest singular values are ~ (π/n)²·‖Γ‖: an eigh of ΓᵀΓ (squared) loses them
    gamma = operators.difference(n, 2)
    form = standard_form(gamma, n)
    assert form.kind == "general" and form.n_penalized == n - 2 and form.n_null == 2
    G = gamma.toarray()
    np.testing.assert_allclose((G @ form.T).T @ (G @ form.T), np.eye(n - 2), atol=1e-9)
    assert np.abs(G @ form.N).max() <= 1e-12


@pytest.mark.parametrize("L", [None, "diff1", "tall"])
def test_svd_route_solves_the_inverse_problem(rng, L):
    A, b, _ = problems.shaw(30)
    b = problems.add_noise(b, 1e-3, rng)
    Lm = {None: None, "diff1": operators.difference(30, 1),
          "tall": rng.standard_normal((35, 30))}[L]  # fmt: skip
    x0 = rng.standard_normal(30)
    lam = 0.05
    solution = SVDRoute().solve(tikhonov_problem(A, b, Lm, x0, lam))
    result = inv.tikhonov(A, b, L=Lm, lam=lam, x0=x0)
    np.testing.assert_allclose(result.x, np.ravel(solution.coef), rtol=1e-9, atol=1e-10)
    assert result.l2 == pytest.approx(lam**2)
    assert solution.converged  # the core's certificate holds for the inverse's solution


def test_full_spectrum_keeps_rounding_level_singular_values():
    A, b, _ = problems.shaw(32)
    sf = Decomposition(A, b)
    s = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(sf.spectrum.sigma, s[s > 0], rtol=1e-6, atol=1e-15)
    assert sf.spectrum.sigma.min() < 1e-14 * s[0]  # the ridge routes would drop these
    floor = b @ b - sf.spectrum.beta @ sf.spectrum.beta
    assert sf.spectrum.floor == pytest.approx(max(floor, 0.0), abs=1e-12 * (b @ b))


def test_inverse_spectrum_is_a_read_only_view():
    spec = inv.Spectrum(sigma=np.array([2.0, 1.0]), beta=np.array([1.0, 1.0]), floor=0.5,
                        n_rows=3, n_free=1)  # fmt: skip
    assert spec.n_rows == 3 and spec.n_free == 1 and spec.floor == 0.5
    np.testing.assert_allclose(spec.core.df(np.array([1.0])), [1 + 0.8 + 0.5])
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.sigma = np.zeros(2)


def test_old_standard_form_path_warns_and_still_works():
    A, b, _ = problems.shaw(16)
    with pytest.warns(DeprecationWarning, match="Decomposition"):
        from ridgeway.inverse.standard_form import StandardForm
    np.testing.assert_allclose(StandardForm(A, b).solution(0.1), Decomposition(A, b).solution(0.1))
