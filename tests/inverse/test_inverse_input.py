"""Bad input gets a clear error naming the argument."""

import numpy as np
import pytest

import ridgeway.inverse as inv
from ridgeway.inverse import problems as P


@pytest.fixture
def problem():
    A, b, _ = P.shaw(16)
    return A, b


def test_incompatible_shapes(problem):
    A, b = problem
    with pytest.raises(
        ValueError, match=r"b must be a 1-D array with one entry per row of A \(16\)"
    ):
        inv.tikhonov(A, b[:-1])
    with pytest.raises(ValueError, match="x0 must be a 1-D array with one entry per column"):
        inv.tikhonov(A, b, x0=np.zeros(3))
    with pytest.raises(ValueError, match="A must be 2-D"):
        inv.tikhonov(b, b)


def test_L_with_wrong_columns(problem):
    A, b = problem
    with pytest.raises(ValueError, match="L must be a matrix with 16 columns"):
        inv.tikhonov(A, b, L=np.eye(15))
    with pytest.raises(ValueError, match="L must be None, 'identity', 'diff1', 'diff2'"):
        inv.tikhonov(A, b, L="diff3")


def test_negative_noise(problem):
    A, b = problem
    with pytest.raises(ValueError, match="noise_level must be a finite number >= 0"):
        inv.tikhonov(A, b, lam="discrepancy", noise_level=-0.01)
    with pytest.raises(ValueError, match="noise_norm must be a finite number >= 0"):
        inv.tikhonov(A, b, lam="discrepancy", noise_norm=np.nan)
    with pytest.raises(ValueError, match="not both"):
        inv.tikhonov(A, b, noise_norm=1.0, noise_level=0.1)
    with pytest.raises(ValueError, match="needs noise_norm or noise_level"):
        inv.tikhonov(A, b, lam="discrepancy")


def test_nan_and_inf(problem):
    A, b = problem
    bad = A.copy()
    bad[2, 3] = np.nan
    with pytest.raises(ValueError, match="A must not contain NaN"):
        inv.tikhonov(bad, b)
    with pytest.raises(ValueError, match="b must not contain NaN"):
        inv.tikhonov(A, np.where(np.arange(16) == 4, np.inf, b))
    L = np.eye(16)
    L[0, 0] = np.nan
    with pytest.raises(ValueError, match="L must not contain NaN"):
        inv.tikhonov(A, b, L=L)


@pytest.mark.parametrize(
    ("lam", "err"), [(-1.0, ValueError), ("aic", ValueError), (None, TypeError)]
)
def test_bad_lam(problem, lam, err):
    A, b = problem
    with pytest.raises(err, match="lam must be"):
        inv.tikhonov(A, b, lam=lam)


def test_other_arguments(problem):
    A, b = problem
    with pytest.raises(ValueError, match="solver must be one of"):
        inv.tikhonov(A, b, solver="qr")
    with pytest.raises(ValueError, match=r"gcv_gamma must be a number in \(0, 1\]"):
        inv.tikhonov(A, b, gcv_gamma=0.0)
    centering = np.eye(16) - 1 / 16  # A·1 = 0, and 1 spans the null space of diff1
    with pytest.raises(ValueError, match="L and A must not share a null-space direction"):
        inv.tikhonov(centering, b, L="diff1", lam=0.1)
    with pytest.raises(ValueError, match="k must be"):
        inv.tsvd(A, b, k=0)


@pytest.mark.parametrize(
    "bad, error, message",
    [(lambda b: b.astype(str), TypeError, r"b must be an array of real numbers; got dtype <U"),
     (lambda b: b + 0j, ValueError, r"b must be real; got complex dtype complex128"),
     (lambda b: np.array([*b[:-1], "1"], dtype=object), TypeError, r"real numbers; got entry '"),
     (lambda b: np.r_[b[:-1], 1j], ValueError, r"b must be real; got complex dtype"),
     (lambda b: "abc", TypeError, r"b must be an array of real numbers; got str")],
)  # fmt: skip
def test_rhs_must_be_real_numbers(problem, bad, error, message):
    # issue 10: strings were parsed and complex b cast with a warning; now refused
    A, b = problem
    with pytest.raises(error, match=message):
        inv.tikhonov(A, bad(b), lam=1e-3)
    with pytest.raises(error, match=message):
        inv.tikhonov(A, bad(b))


def test_rhs_of_real_objects_accepted(problem):
    A, b = problem
    x = inv.tikhonov(A, b.astype(object), lam=1e-3).x
    np.testing.assert_array_equal(x, inv.tikhonov(A, b, lam=1e-3).x)
