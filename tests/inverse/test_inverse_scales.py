"""Issue 10 item 6 for inverse problems: the Tikhonov answer follows the units of A (x/c and
λ·c for A·c) while its squares are representable; beyond, A and λ are refused by name
instead of returning x = 0 or overflowing."""

import numpy as np
import pytest

from ridgeway import inverse


@pytest.fixture
def system(rng):
    A = rng.standard_normal((30, 10))
    b = A @ rng.standard_normal(10) + 0.01 * rng.standard_normal(30)
    return A, b


@pytest.mark.parametrize("c", [1e-140, 1e140])
@pytest.mark.parametrize("lam", [0.1, "gcv", "lcurve"])
def test_solution_follows_the_units_of_A(system, c, lam):
    A, b = system
    reference = inverse.tikhonov(A, b, lam=lam)
    scaled = inverse.tikhonov(A * c, b, lam=lam if isinstance(lam, str) else lam * c)
    np.testing.assert_allclose(scaled.x * c, reference.x, rtol=1e-8)
    np.testing.assert_allclose(scaled.lam, reference.lam * c, rtol=1e-8)


@pytest.mark.parametrize("c, message", [(1e300, "A is too large"), (1e-300, "A is too small")])
@pytest.mark.parametrize("lam", [1.0, "gcv"])
def test_unrepresentable_A_is_refused(system, c, message, lam):
    A, b = system
    with pytest.raises(ValueError, match=message):
        inverse.tikhonov(A * c, b, lam=lam if isinstance(lam, str) else lam * c)


def test_lam_whose_square_overflows_is_refused(system):
    with pytest.raises(ValueError, match="lam must be at most"):
        inverse.tikhonov(*system, lam=1e300)
