"""The squared-loss routes as Solver objects (gram, kernel, svd, cholesky, krylov).

Each states what it needs (squared loss, a Tikhonov penalty) and solves a Problem, λ a
scalar or one per target. ``solvers/choose.py`` picks among them with three rows (huge sparse
X → krylov-cg; n ≥ p → gram-cholesky; n < p → kernel-cholesky). What cannot be known before
the numbers are seen — a Cholesky too ill-conditioned to trust, a Gram that squares a bad
condition number — is a ``fallback`` chain stated on the solvers themselves:

    gram-cholesky → gram-eigh → svd        kernel-cholesky → kernel-eigh → svd

A route that yields a Spectrum (every λ from one decomposition) is a ``Decomposer``;
``spectrum_route`` is the decomposer a solver hands λ selection (a Cholesky hands its
eigendecomposition; krylov-cg has none). The eigh and svd solutions keep their Spectrum as
``Solution.state``; the gram-cholesky solution keeps the Moments of (X, y − X·prior).
Every route reports tr(H) at the first target's λ as ``Solution.details["df"]`` (shape (1,);
NaN for krylov-cg).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from ridgeway.problem import Problem
from ridgeway.solution import Solution
from ridgeway.solvers.base import (
    COMMON_OPTIONS,
    SQUARED_LOSS,
    TIKHONOV_PENALTY,
    Requirement,
    check_requirements,
    refuse_unknown,
)
from ridgeway.solvers.spectral.certificate import certify, residual_solution
from ridgeway.solvers.spectral.gram import from_moments, reduce_moments, solve_cholesky
from ridgeway.solvers.spectral.kernel import (
    KernelBlock,
    from_kernel,
    kernel_matrix,
    solve_kernel_cholesky,
    unpenalized_design,
    with_coefficients,
)
from ridgeway.solvers.spectral.krylov import KrylovRidge
from ridgeway.solvers.spectral.limits import LIMITS
from ridgeway.solvers.spectral.linalg import weighted_rows
from ridgeway.solvers.spectral.spectrum import Spectrum
from ridgeway.solvers.spectral.squared import RidgeProblem
from ridgeway.solvers.spectral.svd import from_svd
from ridgeway.statistics import Moments, moments

__all__ = [
    "ROUTES",
    "Decomposer",
    "GramCholesky",
    "GramEigh",
    "KernelCholesky",
    "KernelEigh",
    "KrylovCG",
    "RidgeRoute",
    "SVDRoute",
    "huge_sparse",
    "moments_route",
    "n_positive",
]

REQUIRES = (SQUARED_LOSS, TIKHONOV_PENALTY)


def huge_sparse(problem: Problem) -> bool:
    """Sparse X too large both ways for a p × p Gram or an n × n kernel."""
    return sp.issparse(problem.X) and min(problem.X.shape) > LIMITS.sparse_direct_max


def n_positive(problem: Problem) -> int:
    """Samples with positive weight: the n of "n ≥ p"."""
    w = problem.sample_weight
    return problem.n_samples if w is None else int(np.count_nonzero(w))


class Decomposer(Protocol):
    """A route that produces one Spectrum valid for every λ ≥ ``l2_min``.

    ``m`` (Gram routes) and ``kernel`` (kernel routes) are statistics computed already — a
    k-fold training set's downdated moments, the sub-block of the whole data's kernel — so
    that a fold (a row-restricted view of the problem: zero weight off its rows) reads
    nothing again. ``uses_moments`` / ``uses_kernel`` say which a route takes.
    """

    name: str
    uses_moments: bool
    uses_kernel: bool

    def decompose(
        self, rp: RidgeProblem, l2_min: float, m: Moments | None = None,
        kernel: KernelBlock | None = None,
    ) -> Spectrum: ...  # fmt: skip


class RidgeRoute:
    """Shared by the routes: ``solve(problem)`` reads the problem once, then ``solve_ridge``."""

    name = ""
    requires: tuple[Requirement, ...] = REQUIRES
    #: fits from Moments alone (no X): the Gram routes
    from_moments = False
    #: its decomposition reads given Moments / a given kernel block (see Decomposer)
    uses_moments = False
    uses_kernel = False

    @property
    def spectrum_route(self) -> Decomposer | None:
        return None

    def solve(self, problem: Problem, **options: Any) -> Solution:
        """The certified solution; ``start`` (krylov-cg's warm start) and ``tol`` are taken,
        a direct route has no use for ``max_iter``."""
        refuse_unknown(self.name, {k: v for k, v in options.items() if k not in COMMON_OPTIONS})
        check_requirements(self, problem)
        solution = self.solve_ridge(RidgeProblem.from_problem(problem), **options)
        if problem.y.ndim == 1:  # the Solution's coef has y's shape: (p,) for a 1-D y
            first = float(np.asarray(solution.intercept).ravel()[0])
            solution = replace(solution, coef=np.asarray(solution.coef)[:, 0], intercept=first)
        if not np.isfinite(solution.objective):  # krylov-cg: one more product with X
            value = problem.objective(np.asarray(solution.coef), solution.intercept)
            solution = replace(solution, objective=value)
        return solution

    def solve_ridge(self, rp: RidgeProblem, **options: Any) -> Solution:
        raise NotImplementedError


def spectral_solution(spec: Spectrum, rp: RidgeProblem) -> Solution:
    """The fit at rp.l2 (one per target) read off a spectrum, certified, the spectrum kept."""
    coef, intercept = spec.coef_path(rp.l2.reshape(1, -1))
    solution = certify(rp, coef[0] + rp.prior_column(), intercept[0], rp.l2, spec.method,
                       spec.moments, state=spec)  # fmt: skip
    return replace(solution, details={"df": spec.df(rp.l2[:1])})


class SVDRoute(RidgeRoute):
    """An SVD of the weighted, centred, penalized design (a dense copy of X): no squaring."""

    name = "svd"

    @property
    def spectrum_route(self) -> Decomposer:
        return self

    def decompose(
        self, rp: RidgeProblem, l2_min: float, m: Moments | None = None,
        kernel: KernelBlock | None = None,
    ) -> Spectrum:  # fmt: skip
        if rp.X is None:
            raise ValueError("the svd route needs X; moments alone allow the Gram routes only")
        return from_svd(rp.X, rp.Y, rp.sample_weight, rp.form, rp.fit_intercept)

    def solve_ridge(self, rp: RidgeProblem, **options: Any) -> Solution:
        return spectral_solution(self.decompose(rp, float(rp.l2.min())), rp)


class GramEigh(SVDRoute):
    """One eigh of the reduced weighted Gram (n ≥ p); the SVD when it would be inaccurate."""

    name = "gram-eigh"
    from_moments = True
    uses_moments = True
    fallback = SVDRoute()

    def decompose(
        self, rp: RidgeProblem, l2_min: float, m: Moments | None = None,
        kernel: KernelBlock | None = None,
    ) -> Spectrum:  # fmt: skip
        m = m if m is not None else rp.moments
        m = moments(rp.X, rp.Y, rp.sample_weight) if m is None else m
        spec = from_moments(m, rp.form, rp.fit_intercept, l2_min)
        if spec is not None:
            return spec
        if rp.X is None or sp.issparse(rp.X):  # the SVD would densify X (or X is not at hand)
            spec = from_moments(m, rp.form, rp.fit_intercept, np.inf)
            assert spec is not None  # at λ = ∞ every Gram is accurate
            return replace(spec, method="gram-eigh (ill-conditioned)")
        return self.fallback.decompose(rp, l2_min)


class KernelEigh(SVDRoute):
    """One eigh of the n × n kernel of the penalized design (n < p); the SVD when inaccurate."""

    name = "kernel-eigh"
    uses_kernel = True
    fallback = SVDRoute()

    def decompose(
        self, rp: RidgeProblem, l2_min: float, m: Moments | None = None,
        kernel: KernelBlock | None = None,
    ) -> Spectrum:  # fmt: skip
        if rp.X is None:
            raise ValueError("the kernel routes need X; moments alone allow the Gram routes only")
        if kernel is not None:
            return self.decompose_block(rp, l2_min, kernel)
        rows, root, Xr, Yr = weighted_rows(rp.X, rp.Y, rp.sample_weight)
        K = kernel_matrix(Xr, rp.form)
        U = unpenalized_design(Xr, rp.form, rp.fit_intercept)
        spec = from_kernel(K, U, Yr, root, rp.fit_intercept, l2_min)
        if spec is None:
            return self.fallback.decompose(rp, l2_min)
        return with_coefficients(spec, rp.X, rp.form, rows)

    def decompose_block(self, rp: RidgeProblem, l2_min: float, kernel: KernelBlock) -> Spectrum:
        """From the sub-block of ``kernel`` on rp's positive-weight rows, X not read.

        The spectrum carries no coefficients (scoring other rows goes through kernel rows,
        :meth:`KernelSpectrum.dual_basis`); the SVD fallback reads the rows.
        """
        w = rp.sample_weight
        rows = np.arange(rp.Y.shape[0]) if w is None else np.flatnonzero(w > 0)
        at = kernel.positions(rows)
        if np.any(at < 0):
            raise ValueError("the kernel block must hold every positive-weight row of the problem")
        root = np.ones(rows.size) if w is None else np.sqrt(w[rows])
        spec = from_kernel(kernel.K[np.ix_(at, at)], kernel.U[at], rp.Y[rows], root,
                           rp.fit_intercept, l2_min)  # fmt: skip
        return self.fallback.decompose(rp, l2_min) if spec is None else spec


class GramCholesky(RidgeRoute):
    """One Cholesky of the reduced Gram + λI per distinct λ (n ≥ p, a single fit)."""

    name = "gram-cholesky"
    from_moments = True
    fallback = GramEigh()

    @property
    def spectrum_route(self) -> Decomposer:
        return self.fallback

    def solve_ridge(self, rp: RidgeProblem, **options: Any) -> Solution:
        m = rp.moments if rp.moments is not None else moments(rp.X, rp.Y, rp.sample_weight)
        solved = solve_cholesky(reduce_moments(m, rp.form, rp.fit_intercept), rp.form,
                                rp.fit_intercept, rp.l2)  # fmt: skip
        if solved is None:
            return spectral_solution(self.fallback.decompose(rp, float(rp.l2.min()), m), rp)
        coef, intercept, df, residual, objective = solved
        return residual_solution(self.name, coef + rp.prior_column(), intercept, residual, 1,
                                 objective, df=df[:1], state=m)  # fmt: skip


class KernelCholesky(RidgeRoute):
    """One Cholesky of the n × n kernel + λI per distinct λ (n < p, a single fit, λ > 0)."""

    name = "kernel-cholesky"
    fallback = KernelEigh()

    @property
    def spectrum_route(self) -> Decomposer:
        return self.fallback

    def solve_ridge(self, rp: RidgeProblem, **options: Any) -> Solution:
        if rp.X is None:
            raise ValueError("the kernel routes need X; moments alone allow the Gram routes only")
        solved = solve_kernel_cholesky(rp.X, rp.Y, rp.sample_weight, rp.form, rp.fit_intercept,
                                       rp.l2)  # fmt: skip
        if solved is None:
            return spectral_solution(self.fallback.decompose(rp, float(rp.l2.min())), rp)
        coef, intercept, df, residual, objective = solved
        return residual_solution(self.name, coef + rp.prior_column(), intercept, residual, 1,
                                 objective, df=df[:1])  # fmt: skip


class KrylovCG(RidgeRoute):
    """Conjugate gradients on the normal equations (X never densified); ``start`` warm-starts."""

    name = "krylov-cg"

    def solve_ridge(self, rp: RidgeProblem, **options: Any) -> Solution:
        if rp.X is None:
            raise ValueError("krylov-cg needs X; moments alone allow the Gram routes only")
        start: Solution | None = options.get("start")
        solver = KrylovRidge(rp.X, rp.sample_weight, rp.gamma, rp.fit_intercept)
        warm = None if start is None else np.asarray(start.coef).reshape(rp.n_features, -1)
        if warm is not None:
            warm = warm - rp.prior_column()
        coef, intercept, residual, n_iter = solver.solve(rp.Y, rp.l2, start=warm,
                                                         tol=options.get("tol", 1e-10))  # fmt: skip
        return residual_solution(self.name, coef + rp.prior_column(), intercept, residual,
                                 n_iter, float("nan"), df=np.array([np.nan]))  # fmt: skip


ROUTES: tuple[RidgeRoute, ...] = (
    GramCholesky(), KernelCholesky(), GramEigh(), KernelEigh(), SVDRoute(), KrylovCG(),
)  # fmt: skip


def moments_route(name: str | None) -> RidgeRoute:
    """The route that fits from moments: gram-cholesky for "auto", else a named Gram route."""
    wanted = "gram-cholesky" if name in (None, "auto") else name
    for route in ROUTES:
        if route.name == wanted and route.from_moments:
            return route
    raise ValueError(
        f"fitting from moments needs solver 'auto', 'gram-cholesky' or 'gram-eigh'; got {name!r}"
    )
