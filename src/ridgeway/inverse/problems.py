"""The standard test problems of discrete ill-posed problems, as Regularization Tools defines them.

Each is a first-kind Fredholm (or Volterra) integral equation ∫ K(s, t) f(t) dt = g(s),
discretized exactly as in P. C. Hansen's Regularization Tools 4.1 (Numer. Algorithms 6 (1994)
1–35 and 46 (2007) 189–194) — the literature's benchmark, so published numbers computed with
regtools' matrices are reproduced — and returns ``(A, b, x_exact)``. Two discretizations occur:

- *midpoint quadrature* (foxgood, gravity, heat, shaw): A_ij = h·K(s_i, t_j) at the midpoints
  of n equal cells, x_j = f(t_j);
- *Galerkin with orthonormal box functions* (baart, deriv2, phillips): with χ_i/√h the
  normalized indicator of cell i, A_ij = (1/√(h_s h_t)) ∫∫_{cells} K, x_j = (1/√h_t) ∫_{cell j} f,
  b_i = (1/√h_s) ∫_{cell i} g, in closed form where the kernel allows. baart integrates one
  variable exactly and the other by Simpson's rule per cell, as regtools does;
  ``baart(n, quadrature="gauss")`` uses 12-point Gauss–Legendre per cell instead, exact to
  rounding (it differs from regtools' matrix by ~1e-8 relative, Simpson's error).

Where the published problem defines b from g (baart, deriv2, foxgood, phillips), ``b`` is that
discretized g, so ``A @ x_exact`` differs from ``b`` by the discretization error, as in the
original; elsewhere b = A x_exact.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "add_noise",
    "baart",
    "deriv2",
    "foxgood",
    "gravity",
    "heat",
    "phillips",
    "shaw",
]

_GAUSS_ORDER = 12


def _check_n(n: int, *, multiple: int = 1, minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer; got {n!r}")
    if n < minimum or n % multiple:
        extra = f" and a multiple of {multiple}" if multiple > 1 else ""
        raise ValueError(f"n must be an integer >= {minimum}{extra}; got {n}")
    return int(n)


def _cell_integrals(func: Callable[[np.ndarray], np.ndarray], edges: np.ndarray) -> np.ndarray:
    """∫ func over each cell [edges[i], edges[i+1]] by Gauss–Legendre quadrature."""
    nodes, weights = np.polynomial.legendre.leggauss(_GAUSS_ORDER)
    left, right = edges[:-1, None], edges[1:, None]
    half = (right - left) / 2
    points = left + half * (nodes + 1)
    return (func(points) * weights).sum(axis=1) * half[:, 0]


def _midpoints(lo: float, hi: float, n: int) -> tuple[np.ndarray, float]:
    h = (hi - lo) / n
    return lo + h * (np.arange(n) + 0.5), h


def shaw(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-dimensional image restoration (C. B. Shaw, 1972); n even.

    K(s,t) = (cos s + cos t)² (sin u / u)², u = π(sin s + sin t), s, t ∈ [−π/2, π/2];
    f(t) = 2 exp(−6(t − 0.8)²) + exp(−2(t + 0.5)²). Midpoint rule; b = A x.
    """
    n = _check_n(n, multiple=2)
    t, h = _midpoints(-np.pi / 2, np.pi / 2, n)
    s = t[:, None]
    u = np.pi * (np.sin(s) + np.sin(t))
    sinc = np.sinc(u / np.pi)  # numpy's sinc(x) = sin(πx)/(πx): stable at u = 0
    A = h * (np.cos(s) + np.cos(t)) ** 2 * sinc**2
    x = 2 * np.exp(-6 * (t - 0.8) ** 2) + np.exp(-2 * (t + 0.5) ** 2)
    return A, A @ x, x


def _phillips_second_antiderivative(x: np.ndarray) -> np.ndarray:
    """G with G'' = φ, G(0) = G'(0) = 0, for φ(x) = 1 + cos(πx/3) on |x| < 3, else 0."""
    c = np.pi / 3
    ax = np.minimum(np.abs(x), 3.0)
    inside = ax**2 / 2 + (1 - np.cos(c * ax)) / c**2
    # beyond the support G is linear with slope G'(3) = 3
    return inside + 3.0 * (np.abs(x) - ax)


def phillips(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Phillips' test problem (D. L. Phillips, 1962); n a multiple of 4.

    K(s,t) = φ(s − t), f(t) = φ(t), g(s) = (6 − |s|)(1 + ½cos(πs/3)) + (9/2π) sin(π|s|/3),
    with φ(x) = 1 + cos(πx/3) for |x| < 3 and 0 otherwise, s, t ∈ [−6, 6]. Galerkin with box
    functions; the cell double integrals of φ(s − t) are exact (second differences of G).
    """
    n = _check_n(n, multiple=4, minimum=4)
    h = 12.0 / n
    d = (np.arange(n)[:, None] - np.arange(n)) * h
    G = _phillips_second_antiderivative
    A = (G(d + h) - 2 * G(d) + G(d - h)) / h
    c = np.pi / 3
    # cell integrals in closed form on s ≥ 0 (both functions are even): antiderivatives
    # of g(s) = (6 − s)(1 + ½cos cs) + (9/2π) sin cs and of φ(t) = 1 + cos ct on [0, 3]
    right = h * np.arange(1, n // 2 + 1)

    def g_antiderivative(s: np.ndarray) -> np.ndarray:
        return s * (6 - s / 2) + ((3 - s / 2) * np.sin(c * s) - 2 / c * (np.cos(c * s) - 1)) / c

    half_b = np.diff(g_antiderivative(np.concatenate([[0.0], right])))
    half_x = np.where(
        right <= 3 + 1e-12, h + np.diff(np.sin(c * np.concatenate([[0.0], right]))) / c, 0.0
    )
    b = np.concatenate([half_b[::-1], half_b]) / np.sqrt(h)
    x = np.concatenate([half_x[::-1], half_x]) / np.sqrt(h)
    return A, b, x


def _deriv2_solution(case: int) -> tuple[Callable, Callable]:
    if case == 1:
        return (lambda t: t), (lambda s: (s**3 - s) / 6)
    if case == 2:
        e = np.e
        return np.exp, (lambda s: np.exp(s) + (1 - e) * s - 1)
    f3 = lambda t: np.where(t < 0.5, t, 1 - t)  # noqa: E731
    g3 = lambda s: np.where(  # noqa: E731
        s < 0.5, (4 * s**3 - 3 * s) / 24, (-4 * s**3 + 12 * s**2 - 9 * s + 1) / 24
    )
    return f3, g3


def deriv2(n: int = 64, case: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Computation of the second derivative: K is the Green's function of d²/ds² on [0, 1].

    K(s,t) = s(t − 1) for s < t and t(s − 1) for s ≥ t. Case 1: f(t) = t,
    g(s) = (s³ − s)/6; case 2: f(t) = eᵗ, g(s) = eˢ + (1 − e)s − 1; case 3 (n even):
    f(t) = t for t < ½ and 1 − t after, g the matching piecewise cubic. Galerkin with box
    functions, the kernel integrals in closed form. The operator's singular values are
    1/(πk)², which the matrix reproduces for k ≪ n.
    """
    n = _check_n(n, multiple=2 if case == 3 else 1)
    if case not in (1, 2, 3):
        raise ValueError(f"case must be 1, 2 or 3; got {case!r}")
    h = 1.0 / n
    left = h * np.arange(n)
    mid = left + h / 2
    # Off the diagonal cells lie wholly on one side of s = t and the kernel factorizes:
    # (1/h)∫∫ s(t − 1) = h·s̄(t̄ − 1) with cell midpoints s̄, t̄.
    lo, hi = np.minimum.outer(mid, mid), np.maximum.outer(mid, mid)
    A = h * lo * (hi - 1)
    # On a diagonal cell [a, a+h]², ∫∫ min·max = (h·m)² and ∫∫ min = a h² + h³/3.
    np.fill_diagonal(A, h * (mid**2 - left - h / 3))
    f, g = _deriv2_solution(case)
    edges = np.linspace(0.0, 1.0, n + 1)
    x = _cell_integrals(f, edges) / np.sqrt(h)
    b = _cell_integrals(g, edges) / np.sqrt(h)
    return A, b, x


def baart(n: int = 64, quadrature: str = "regtools") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Baart's problem (M. L. Baart, 1982); n even.

    K(s,t) = exp(s cos t), s ∈ [0, π/2], t ∈ [0, π]; f(t) = sin t, g(s) = 2 sinh(s)/s.
    Galerkin with box functions: the s-integral of the kernel is exact; the t-integral (and
    b's s-integral) by Simpson's rule per cell (``quadrature="regtools"``, regtools' matrix)
    or by 12-point Gauss–Legendre (``"gauss"``, exact to rounding).
    """
    n = _check_n(n, multiple=2)
    if quadrature not in ("regtools", "gauss"):
        raise ValueError(f"quadrature must be 'regtools' or 'gauss'; got {quadrature!r}")
    hs, ht = np.pi / (2 * n), np.pi / n
    s_edges, t_edges = np.linspace(0, np.pi / 2, n + 1), np.linspace(0, np.pi, n + 1)
    if quadrature == "regtools":  # Simpson: ends and midpoint of each cell, weights 1, 4, 1
        nodes, weights = np.array([-1.0, 0.0, 1.0]), np.array([1.0, 4.0, 1.0]) / 3
        t = ht * (np.arange(n)[:, None] + (nodes + 1) / 2)
        t[n // 2 - 1, 2] = t[n // 2, 0] = np.pi / 2  # cos t = 0 exactly at the centre
    else:
        nodes, weights = np.polynomial.legendre.leggauss(_GAUSS_ORDER)
        t = t_edges[:-1, None] + ht / 2 * (nodes + 1)  # (n, q) points in each t-cell
    c = np.where(np.abs(t - np.pi / 2) < 1e-15, 0.0, np.cos(t))[None, :, :]
    lo = s_edges[:-1, None, None]
    # ∫ exp(s c) ds over [lo, lo + h_s] = exp(lo c)·expm1(h_s c)/c, and h_s at c = 0
    safe_c = np.where(c == 0, 1.0, c)
    s_int = np.where(c == 0, hs, np.exp(lo * c) * np.expm1(hs * c) / safe_c)
    A = (s_int * weights).sum(axis=2) * (ht / 2) / np.sqrt(hs * ht)
    x = (np.cos(t_edges[:-1]) - np.cos(t_edges[1:])) / np.sqrt(ht)

    def g(s: np.ndarray) -> np.ndarray:
        safe = np.where(s == 0, 1.0, s)
        return np.where(s == 0, 2.0, 2 * np.sinh(safe) / safe)

    if quadrature == "regtools":
        ends = g(s_edges)
        b = (ends[:-1] + 4 * g(s_edges[:-1] + hs / 2) + ends[1:]) * hs / 6 / np.sqrt(hs)
    else:
        b = _cell_integrals(g, s_edges) / np.sqrt(hs)
    return A, b, x


def foxgood(n: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fox and Goodwin's severely ill-posed problem (Baker 1977, p. 665).

    K(s,t) = √(s² + t²), f(t) = t, g(s) = ((1 + s²)^{3/2} − s³)/3 on [0, 1]; midpoint rule,
    b = g(s_i). The data do not satisfy the discrete Picard condition at the small singular
    values (b carries the quadrature error).
    """
    n = _check_n(n)
    t, h = _midpoints(0.0, 1.0, n)
    A = h * np.sqrt(t[:, None] ** 2 + t**2)
    b = ((1 + t**2) ** 1.5 - t**3) / 3
    return A, b, t.copy()


def gravity(
    n: int = 64, example: int = 1, a: float = 0.0, b: float = 1.0, depth: float = 0.25
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-dimensional gravity surveying: a mass f(t) at depth d, field g(s) at the surface.

    K(s,t) = d (d² + (s − t)²)^{−3/2}, t ∈ [0, 1], s ∈ [a, b]; midpoint rule, b = A x.
    Example 1: f(t) = sin(πt) + ½ sin(2πt); 2: piecewise linear through (0, 0), (⅓, 2),
    (⅞, 1), (1, 0); 3: piecewise constant, 2 on [0, ⅓) and 1 after.
    """
    n = _check_n(n)
    if example not in (1, 2, 3):
        raise ValueError(f"example must be 1, 2 or 3; got {example!r}")
    if not (np.isfinite(depth) and depth > 0):
        raise ValueError(f"depth must be a finite number > 0; got {depth!r}")
    t, dt = _midpoints(0.0, 1.0, n)
    s, _ = _midpoints(a, b, n)
    A = dt * depth / (depth**2 + (s[:, None] - t) ** 2) ** 1.5
    if example == 1:
        x = np.sin(np.pi * t) + 0.5 * np.sin(2 * np.pi * t)
    else:  # regtools' index-based breakpoints (MATLAB round: halves away from zero)
        n_third, n_seven_eighths = int(np.floor(n / 3 + 0.5)), int(np.floor(7 * n / 8 + 0.5))
        i = np.arange(1, n + 1)
        if example == 2:  # piecewise linear through (0, 0), (1/3, 2), (7/8, 1), (1, 0)
            x = np.where(
                i <= n_third,
                2 * i / n_third,
                np.where(
                    i <= n_seven_eighths,
                    (2 * n_seven_eighths - n_third - i) / (n_seven_eighths - n_third),
                    (n - i) / max(n - n_seven_eighths, 1),
                ),
            )
        else:
            x = np.where(i <= n_third, 2.0, 1.0)
    return A, A @ x, x


def heat(n: int = 64, kappa: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse heat equation (A. S. Carasso, 1982): a first-kind Volterra equation on [0, 1].

    K(s,t) = k(s − t) for s ≥ t, with k(τ) = τ^{−3/2}/(2κ√π) exp(−1/(4κ²τ)); κ = 1 is
    ill-conditioned, κ = 5 well-conditioned. Midpoint rule: A is lower-triangular Toeplitz with
    A_ij = h·k((i − j + ½)h). The exact solution (on τ = 20t, zero for t > ½) rises as
    0.75τ²/4, then 0.75 + (τ − 2)(3 − τ), then decays as 0.75 e^{−2(τ−3)}; b = A x.
    The matrix has a cluster of tiny singular values separated by a gap from the rest.
    """
    n = _check_n(n, multiple=2)
    if not (np.isfinite(kappa) and kappa > 0):
        raise ValueError(f"kappa must be a finite number > 0; got {kappa!r}")
    h = 1.0 / n
    tau = h * (np.arange(n) + 0.5)
    k = h / (2 * kappa * np.sqrt(np.pi)) * tau**-1.5 * np.exp(-1 / (4 * kappa**2 * tau))
    lag = np.arange(n)[:, None] - np.arange(n)
    A = np.where(lag >= 0, k[np.clip(lag, 0, None)], 0.0)
    ti = 20.0 * np.arange(1, n + 1) / n
    x = np.where(
        ti < 2,
        0.75 * ti**2 / 4,
        np.where(ti < 3, 0.75 + (ti - 2) * (3 - ti), 0.75 * np.exp(-2 * (ti - 3))),
    )
    x[n // 2 :] = 0.0
    return A, A @ x, x


def add_noise(
    b: np.ndarray, level: float, rng: np.random.Generator | int | None = None
) -> np.ndarray:
    """b plus white Gaussian noise e scaled so that ‖e‖ / ‖b‖ = level exactly."""
    b = np.asarray(b, dtype=np.float64)
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)):
        raise ValueError(f"b must be a non-empty finite 1-D array; got shape {b.shape}")
    if isinstance(level, bool) or not np.isscalar(level) or not np.isfinite(level) or level < 0:
        raise ValueError(f"level must be a finite number >= 0; got {level!r}")
    e = np.random.default_rng(rng).standard_normal(b.size)
    return b + e * (level * np.linalg.norm(b) / np.linalg.norm(e))
