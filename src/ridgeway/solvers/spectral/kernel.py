"""The ``kernel-eigh`` and ``kernel-cholesky`` routes (n < p): the n × n kernel of Z = XT."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ridgeway.solvers.spectral.limits import EPS, accurate
from ridgeway.solvers.spectral.linalg import orthonormal_basis, weighted_rows
from ridgeway.solvers.spectral.spectrum import SpectrumBase
from ridgeway.solvers.spectral.standard_form import StandardForm
from ridgeway.statistics import gram_rows, transposed_product

__all__ = [
    "KernelBlock",
    "KernelSpectrum",
    "from_kernel",
    "kernel_matrix",
    "solve_kernel_cholesky",
    "unpenalized_design",
    "with_coefficients",
]


@dataclass(frozen=True)
class KernelSpectrum(SpectrumBase):
    """kernel-eigh: R (n_pos × r) are the kernel's eigenvectors on the positive-weight rows.

    Coefficients go through the data, β(λ) = T Tᵀ Xᵀ (√s R/σ) g(λ) + N η(λ), so nothing p × r
    is formed; ``X`` and ``form`` are attached by :func:`with_coefficients` (k-fold scoring
    needs only the kernel rows). ``K`` and ``U`` are kept so that k-fold reuses them.
    """

    R: np.ndarray
    rows: np.ndarray
    root2: np.ndarray
    h_unpenalized: np.ndarray
    fitted_unpenalized: np.ndarray
    dual_basis: np.ndarray  # Z θ(g) = K[:, rows] @ dual_basis @ g
    eta0: np.ndarray
    C: np.ndarray  # η(g) = η0 − C g
    X: Any = None
    form: StandardForm | None = None
    K: np.ndarray | None = None
    U: np.ndarray | None = None
    moments: Any = None

    def accurate_at(self, l2_min: float) -> bool:
        """from_kernel checked its conditioning at the λ it was built for."""
        return True

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (L, p, k) and intercepts (L, k) for λ of shape (L,) or (L, k)."""
        if self.form is None:
            raise ValueError("this kernel spectrum has no coefficients (see with_coefficients)")
        g = self.weights(l2)
        form = self.form
        L, r, k = g.shape
        alpha = self.dual_basis @ g.transpose(1, 0, 2).reshape(r, L * k)  # (n, L k)
        theta = transposed_product(self.X, alpha)  # (p, L k), float64 sums
        coef = form.to_coef(form.left(theta)).reshape(form.p, L, k).transpose(1, 0, 2)
        eta = self.null_coordinates(g)
        offset = int(self.fit_intercept)
        if form.n_null:
            coef = coef + np.einsum(
                "pq,lqk->lpk", form.null_to_coef(np.eye(form.n_null)), eta[:, offset:]
            )
        intercept = eta[:, 0] if self.fit_intercept else np.zeros((L, k))
        return coef, intercept

    def null_coordinates(self, g: np.ndarray) -> np.ndarray:
        """η(λ) (L, q, k): intercept and null-space coordinates from spectral weights g."""
        return self.eta0[None] - np.einsum("qr,lrk->lqk", self.C, g)

    def fitted_blocks(
        self, X: Any, sample_weight: np.ndarray | None, l2: np.ndarray, rows_per_block: int,
        leverage: bool = True,
    ) -> Iterator[tuple]:  # fmt: skip
        """One block: the positive-weight rows, fitted (n_pos, L, k), leverage or None."""
        left, right, combined = self.filter_factors(l2)
        R, rows = self.R, self.rows
        r, k, q = combined.shape
        # fitted_w = R·(uty ∘ S): with combined = σ uty/e ∘ right, multiply back by σ
        proj = R @ (combined * self.sigma[:, None, None]).reshape(r, k * q)
        fitted = (proj.reshape(rows.size * k, q) @ left.T).reshape(rows.size, k, -1)
        root = np.sqrt(self.root2)
        fitted = fitted.transpose(0, 2, 1) / root[:, None, None]
        fitted = fitted + self.fitted_unpenalized[:, None, :]
        h = None
        if leverage:
            h = ((R * R) @ right.T) @ left.T + self.h_unpenalized[:, None]
        yield rows, fitted, h


@dataclass(frozen=True)
class KernelBlock:
    """K = ZZᵀ and U = [1, XN] over ``rows`` of X (ascending): formed once, sub-blocked per fold."""

    K: np.ndarray
    U: np.ndarray
    rows: np.ndarray

    @classmethod
    def of(cls, X: Any, rows: np.ndarray, form: StandardForm, fit_intercept: bool) -> KernelBlock:
        Xr = X if rows.size == X.shape[0] else X[rows]
        return cls(kernel_matrix(Xr, form), unpenalized_design(Xr, form, fit_intercept), rows)

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """Where each of ``rows`` sits in this block (−1 where it is not in it)."""
        at = np.clip(np.searchsorted(self.rows, rows), 0, max(self.rows.size - 1, 0))
        return np.where(self.rows[at] == rows, at, -1) if self.rows.size else np.full(rows.size, -1)


def kernel_matrix(X, form: StandardForm) -> np.ndarray:
    """K = Z Zᵀ with Z = X T: the n × n kernel of the penalized design (unweighted), summed
    in float64 whatever X's dtype."""
    return gram_rows(form.right(X))


def unpenalized_design(X, form: StandardForm, fit_intercept: bool) -> np.ndarray:
    """[1, X N]: the columns that carry no penalty (intercept, null space of Γ)."""
    cols = [np.ones((X.shape[0], 1))] if fit_intercept else []
    if form.n_null:
        cols.append(np.asarray(form.null_right(X)))
    return np.hstack(cols) if cols else np.zeros((X.shape[0], 0))


def from_kernel(
    K: np.ndarray,
    U: np.ndarray,
    Y: np.ndarray,
    root: np.ndarray,
    fit_intercept: bool,
    l2_min: float = 0.0,
) -> KernelSpectrum | None:
    """The ``kernel-eigh`` route on positive-weight rows: K (n × n), U = [1, XN], √s.

    The returned spectrum has no coefficients yet (:func:`with_coefficients` attaches them);
    predictions for other rows go through kernel rows. None when too ill-conditioned.
    """
    from scipy.linalg import blas

    Uw = root[:, None] * U
    Qu, Uw_pinv = orthonormal_basis(Uw)
    unit = bool(np.all(root == 1.0))
    Kw = K if unit else (K * root[:, None]) * root[None, :]
    # P⊥ Kw P⊥ = Kw − Qu Aᵀ − A Quᵀ with A = Kw Qu − ½ Qu (QuᵀKw Qu): one symmetric rank-2q
    # update (syr2k) of the lower triangle of a single copy, instead of n × n temporaries
    KQ = Kw @ Qu
    A = np.asfortranarray(KQ - 0.5 * Qu @ (Qu.T @ KQ))
    Kc = np.array(Kw, order="F")
    if Qu.shape[1]:
        Kc = blas.dsyr2k(-1.0, np.asfortranarray(Qu), A, beta=1.0, c=Kc, lower=1, overwrite_c=1)
    e, Q = np.linalg.eigh(Kc, UPLO="L")
    del Kc
    e_max = max(e.max(), 0.0) if e.size else 0.0
    keep = e > e_max * max(K.shape[0], 1) * EPS * 10
    if keep.any() and not accurate(e_max / (e[keep].min() + l2_min)):
        return None
    e, R = e[keep], Q[:, keep]
    sigma = np.sqrt(e)
    y_hat = root[:, None] * Y
    uty = R.T @ y_hat
    fitted_U = Qu @ (Qu.T @ y_hat)
    eta0 = Uw_pinv @ y_hat  # (q × k)
    C = Uw_pinv @ (Kw @ R) / sigma  # η(g) = η0 − C g
    return KernelSpectrum(
        method="kernel-eigh",
        sigma=sigma,
        uty=uty,
        rss_perp=np.sum((y_hat - fitted_U - R @ uty) ** 2, axis=0),
        n_unpenalized=Qu.shape[1],
        n_samples=root.size,
        weight_sum=float(np.sum(root**2)),
        fit_intercept=fit_intercept,
        R=R,
        rows=np.arange(root.size),
        root2=root**2,
        h_unpenalized=np.sum(Qu**2, axis=1),
        fitted_unpenalized=fitted_U / root[:, None],
        dual_basis=root[:, None] * R / sigma,
        eta0=eta0,
        C=C,
        K=K,
        U=U,
    )


def with_coefficients(
    spec: KernelSpectrum, X: Any, form: StandardForm, rows: np.ndarray
) -> KernelSpectrum:
    """Attach what the primal coefficients need, without forming a p × r basis.

    β(λ) = T Tᵀ Xᵀ α(λ) + N η(λ), α(λ) = (√s R/σ)·g(λ): for a grid of L values this costs
    O(n·r·L + n·p·L) when asked for, instead of O(p·n·r) up front (r ≈ n here).
    """
    Xr = X if rows.size == X.shape[0] else X[rows]
    return replace(spec, rows=rows, X=Xr, form=form)


def solve_kernel_cholesky(
    X, Y: np.ndarray, sample_weight, form: StandardForm, fit_intercept: bool, l2: np.ndarray
):
    """One fit at λ > 0 with n < p: the dual system by a Cholesky of ŜKŜ + λI.

    With A = ŜKŜ + λI and the unpenalized columns Uw = Ŝ[1, XN], the optimality conditions are
    A α + Uw η = ŷ, Uwᵀ α = 0; η comes from the small Schur complement UwᵀA⁻¹Uw, then
    β = T Tᵀ Xᵀ Ŝ α + N η and the intercept is η₀. Returns coef (p, k), intercept (k,),
    df (k,), the relative residual of the dual system and the objective, or None (λ = 0,
    or A not safely positive definite) so that the caller takes the eigendecomposition.
    """
    from scipy.linalg import cho_factor, cho_solve, lapack

    _, root, Xr, Yr = weighted_rows(X, Y, sample_weight)
    k = Y.shape[1]
    l2 = np.broadcast_to(np.asarray(l2, dtype=np.float64), (k,))
    if np.any(l2 <= 0):
        return None
    Kw = kernel_matrix(Xr, form)
    if sample_weight is not None:
        Kw *= root[:, None]
        Kw *= root[None, :]
    Uw = root[:, None] * unpenalized_design(Xr, form, fit_intercept)
    y_hat = root[:, None] * Yr
    levels = np.unique(l2)
    n, q = Uw.shape
    alpha = np.zeros((n, k))
    eta = np.zeros((q, k))
    df = np.zeros(k)
    worst = 0.0
    diagonal = np.diag_indices(n)
    for value in levels:
        A = Kw.copy() if levels.size > 1 else Kw  # the last use may overwrite K
        A[diagonal] += value
        anorm = np.abs(A).sum(axis=0).max()
        try:
            factor, lower = cho_factor(A, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return None
        rcond, info = lapack.dpocon(factor, anorm, uplo="L")
        if info != 0 or rcond <= 0 or not accurate(1.0 / rcond):
            return None
        cols = np.flatnonzero(l2 == value)
        AiY = cho_solve((factor, lower), y_hat[:, cols], check_finite=False)
        inverse_factor, info = lapack.dtrtri(factor, lower=1)
        trace_Ai = np.sum(np.tril(inverse_factor) ** 2)  # tr(A⁻¹) = ‖L⁻¹‖²_F
        if q:
            AiU = cho_solve((factor, lower), Uw, check_finite=False)
            S_pinv = np.linalg.pinv(Uw.T @ AiU)
            eta_c = S_pinv @ (Uw.T @ AiY)
            alpha_c = AiY - AiU @ eta_c
            trace_C = trace_Ai - np.trace(S_pinv @ (AiU.T @ AiU))  # tr(A⁻¹ − A⁻¹U S⁻¹UᵀA⁻¹)
            eta[:, cols] = eta_c
        else:
            alpha_c = AiY
            trace_C = trace_Ai
        alpha[:, cols] = alpha_c
        df[cols] = n - value * trace_C  # I − H = λC
        A[diagonal] -= value  # A was factored in a copy only when several λ share K
        resid = Kw @ alpha_c + value * alpha_c + (Uw @ eta[:, cols] if q else 0.0) - y_hat[:, cols]
        scale = max(np.abs(y_hat[:, cols]).max(), np.finfo(float).tiny)
        worst = max(worst, float(np.abs(resid).max() / scale))
    coef = form.to_coef(form.left(transposed_product(Xr, root[:, None] * alpha)))
    offset = int(fit_intercept)
    if form.n_null:
        coef = coef + form.null_to_coef(eta[offset:])
    intercept = eta[0] if fit_intercept else np.zeros(k)
    # at the optimum the weighted residual is λα and ‖θ‖² = αᵀKα: ½λ²‖α‖² + (λ/2)αᵀKwα
    objective = 0.5 * float(
        np.sum(l2 * (l2 * np.sum(alpha**2, 0) + np.sum(alpha * (Kw @ alpha), 0)))
    )
    return coef, intercept, df, worst, objective
