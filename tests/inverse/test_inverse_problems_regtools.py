"""The test problems are Regularization Tools 4.1's matrices, entry by entry.

Each reference below is a plain loop over the entries, written from the formulas regtools
documents for that problem (its discretization, its quadrature, its index conventions), so the
vectorized code is checked against an independent evaluation to 1e-12.
"""

import math

import numpy as np
import pytest

from ridgeway.inverse import problems as P


def _baart_reference(n):
    hs, ht = math.pi / (2 * n), math.pi / n

    def s_integral(i, t):  # ∫ exp(s cos t) ds over s-cell i, exact
        co = math.cos(t)
        if abs(t - math.pi / 2) < 1e-15:
            return hs
        return (math.exp((i + 1) * hs * co) - math.exp(i * hs * co)) / co

    A = np.empty((n, n))
    for i in range(n):
        for j in range(n):  # Simpson in t over cell j
            f = [s_integral(i, (j + a) * ht) for a in (0.0, 0.5, 1.0)]
            A[i, j] = (f[0] + 4 * f[1] + f[2]) / (3 * math.sqrt(2))
    g = [1.0] + [math.sinh(k * hs / 2) / (k * hs / 2) for k in range(1, 2 * n + 1)]
    b = np.array([(g[2 * i] + 4 * g[2 * i + 1] + g[2 * i + 2]) for i in range(n)])
    b *= math.sqrt(hs) / 3
    x = np.array([math.cos(j * ht) - math.cos((j + 1) * ht) for j in range(n)]) / math.sqrt(ht)
    return A, b, x


def _phillips_reference(n):
    h, n4, c = 12 / n, n // 4, math.pi / 3
    row = np.zeros(n)
    cos = [math.cos(k * 4 * math.pi / n) for k in range(-1, n4 + 1)]
    for k in range(n4):
        row[k] = h + 9 / (h * math.pi**2) * (2 * cos[k + 1] - cos[k] - cos[k + 2])
    row[n4] = h / 2 + 9 / (h * math.pi**2) * (math.cos(4 * math.pi / n) - 1)
    A = np.array([[row[abs(i - j)] for j in range(n)] for i in range(n)])

    def F(t):
        return (
            t * (6 - abs(t) / 2)
            + ((3 - abs(t) / 2) * math.sin(c * t) - 2 / c * (math.cos(c * t) - 1)) / c
        )

    b = np.zeros(n)
    for i in range(n // 2 + 1, n + 1):
        t1 = -6 + i * h
        b[i - 1] = F(t1) - F(t1 - h)
        b[n - i] = b[i - 1]
    x = np.zeros(n)
    for k in range(n4):
        x[2 * n4 + k] = h + (math.sin(c * (k + 1) * h) - math.sin(c * k * h)) / c
        x[2 * n4 - 1 - k] = x[2 * n4 + k]
    return A, b / math.sqrt(h), x / math.sqrt(h)


def _gravity_reference(n, example):
    t = [(j + 0.5) / n for j in range(n)]
    A = np.array([[(1 / n) * 0.25 / (0.25**2 + (t[i] - t[j]) ** 2) ** 1.5 for j in range(n)]
                  for i in range(n)])  # fmt: skip
    nt, nn = math.floor(n / 3 + 0.5), math.floor(7 * n / 8 + 0.5)
    if example == 1:
        x = np.array([math.sin(math.pi * tj) + 0.5 * math.sin(2 * math.pi * tj) for tj in t])
    elif example == 2:
        x = np.array(
            [2 * i / nt if i <= nt else ((2 * nn - nt) - i) / (nn - nt) if i <= nn
             else (n - i) / (n - nn) for i in range(1, n + 1)]
        )  # fmt: skip
    else:
        x = np.array([2.0 if i <= nt else 1.0 for i in range(1, n + 1)])
    return A, A @ x, x


def _deriv2_reference(n, case):
    h = 1 / n
    A = np.empty((n, n))
    for i in range(1, n + 1):
        A[i - 1, i - 1] = h * h * ((i * i - i + 0.25) * h - (i - 2 / 3))
        for j in range(1, i):
            A[i - 1, j - 1] = A[j - 1, i - 1] = h * h * (j - 0.5) * ((i - 0.5) * h - 1)
    sq = math.sqrt(h)
    if case == 1:
        b = [
            h * sq * (i - 0.5) * ((i * i + (i - 1) ** 2) * h * h / 2 - 1) / 6
            for i in range(1, n + 1)
        ]
        x = [h * sq * (i - 0.5) for i in range(1, n + 1)]
    else:
        ee = 1 - math.e
        b = [(math.exp(i * h) - math.exp((i - 1) * h) + ee * (i - 0.5) * h * h - h) / sq
             for i in range(1, n + 1)]  # fmt: skip
        x = [(math.exp(i * h) - math.exp((i - 1) * h)) / sq for i in range(1, n + 1)]
    return A, np.array(b), np.array(x)


def _assert_same(ours, reference, rtol=1e-12):
    for got, want in zip(ours, reference):
        scale = np.abs(want).max()
        np.testing.assert_allclose(got, want, rtol=0, atol=rtol * scale)


@pytest.mark.parametrize("n", [8, 32, 64])
def test_baart_is_regtools_simpson(n):
    _assert_same(P.baart(n), _baart_reference(n))


def test_baart_gauss_option_is_the_exact_galerkin_matrix():
    simpson, gauss = P.baart(64)[0], P.baart(64, quadrature="gauss")[0]
    rel = np.abs(simpson - gauss).max() / np.abs(gauss).max()
    assert 1e-10 < rel < 1e-6  # Simpson's rule error, not a different problem
    with pytest.raises(ValueError, match="quadrature must be"):
        P.baart(8, quadrature="simpson")


@pytest.mark.parametrize("n", [8, 64])
def test_phillips_is_regtools(n):
    _assert_same(P.phillips(n), _phillips_reference(n))


@pytest.mark.parametrize("n", [10, 64, 100])
@pytest.mark.parametrize("example", [1, 2, 3])
def test_gravity_is_regtools(n, example):
    _assert_same(P.gravity(n, example), _gravity_reference(n, example))


@pytest.mark.parametrize("case", [1, 2])
def test_deriv2_is_regtools(case):
    _assert_same(P.deriv2(32, case), _deriv2_reference(32, case))
