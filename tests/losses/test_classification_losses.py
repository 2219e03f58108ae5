"""Finite-difference checks of every classification loss: gradient and curvature in z."""

import numpy as np
import pytest

from ridgeway.losses.hinge import HingeLoss
from ridgeway.losses.logistic import LogisticLoss
from ridgeway.losses.multinomial import MultinomialLoss
from ridgeway.losses.squared_hinge import SquaredHingeLoss


def _targets(loss, rng, n):
    if isinstance(loss, LogisticLoss):
        return rng.integers(0, 2, n).astype(float)
    return rng.choice([-1.0, 1.0], n)


def _away_from_kinks(y, z):
    """Move points off yz = 1 so that one-sided differences agree."""
    bad = np.abs(y * z - 1.0) < 1e-3
    return np.where(bad, z + 0.01, z)


@pytest.mark.parametrize("loss", [LogisticLoss(), SquaredHingeLoss(), HingeLoss()])
def test_binary_gradient_matches_finite_differences(loss, rng, h=1e-6):
    y = _targets(loss, rng, 50)
    z = _away_from_kinks(y, 3 * rng.standard_normal(50))
    numeric = (loss.pointwise(y, z + h) - loss.pointwise(y, z - h)) / (2 * h)
    np.testing.assert_allclose(loss.gradient(y, z), numeric, atol=1e-6)


@pytest.mark.parametrize("loss", [LogisticLoss(), SquaredHingeLoss()])
def test_binary_curvature_matches_finite_differences(loss, rng, h=1e-6):
    y = _targets(loss, rng, 50)
    z = _away_from_kinks(y, 3 * rng.standard_normal(50))
    numeric = (loss.gradient(y, z + h) - loss.gradient(y, z - h)) / (2 * h)
    np.testing.assert_allclose(loss.curvature(y, z), numeric, atol=1e-5)


def test_hinge_has_no_curvature():
    with pytest.raises(TypeError, match="not twice differentiable"):
        HingeLoss().curvature(np.ones(2), np.zeros(2))


def test_logistic_is_stable_for_huge_predictors():
    loss = LogisticLoss()
    z = np.array([-800.0, 800.0])
    values = loss.pointwise(np.array([1.0, 0.0]), z)
    np.testing.assert_allclose(values, [800.0, 800.0])
    assert np.all(np.isfinite(loss.gradient(np.zeros(2), z)))


def test_multinomial_gradient_and_curvature(rng, h=1e-6, k=4):
    loss = MultinomialLoss()
    y = np.eye(k)[rng.integers(0, k, 30)]
    z = 2 * rng.standard_normal((30, k))
    grad = loss.gradient(y, z)
    curv = loss.curvature(y, z)
    for c in range(k):
        e = np.zeros(k)
        e[c] = h
        numeric = (loss.pointwise(y, z + e) - loss.pointwise(y, z - e)) / (2 * h)
        np.testing.assert_allclose(grad[:, c], numeric, atol=1e-7)
        numeric_curv = (loss.gradient(y, z + e) - loss.gradient(y, z - e)) / (2 * h)
        np.testing.assert_allclose(curv[:, :, c], numeric_curv, atol=1e-6)


def test_multinomial_is_shift_invariant(rng):
    loss = MultinomialLoss()
    y = np.eye(3)[rng.integers(0, 3, 10)]
    z = rng.standard_normal((10, 3))
    np.testing.assert_allclose(loss.pointwise(y, z + 5.0), loss.pointwise(y, z))
