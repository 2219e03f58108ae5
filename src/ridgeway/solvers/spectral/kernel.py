"""The ``kernel-eigh`` route (n < p): the n × n kernel of the penalized design."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.spectral.spectrum import EPS, GRAM_ACCURACY, Spectrum
from ridgeway.solvers.spectral.standard_form import StandardForm
from ridgeway.solvers.spectral.svd import orthonormal_basis, weighted_rows


def kernel_matrix(X, form: StandardForm) -> np.ndarray:
    """K = Z Zᵀ with Z = X T: the n × n kernel of the penalized design (unweighted)."""
    Z = form.right(X)
    K = Z @ Z.T
    return K.toarray() if sp.issparse(K) else np.asarray(K)


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
) -> Spectrum | None:
    """The ``kernel-eigh`` route on positive-weight rows: K (n × n), U = [1, XN], √s.

    The returned Spectrum has no coefficients yet (``coef_basis`` is filled by
    :func:`with_coefficients`); predictions for other rows go through kernel rows.
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
    if keep.any() and EPS * e_max / (e[keep].min() + l2_min) > GRAM_ACCURACY:
        return None
    e, R = e[keep], Q[:, keep]
    sigma = np.sqrt(e)
    y_hat = root[:, None] * Y
    uty = R.T @ y_hat
    fitted_U = Qu @ (Qu.T @ y_hat)
    eta0 = Uw_pinv @ y_hat  # (q × k)
    C = Uw_pinv @ (Kw @ R) / sigma  # η(g) = η0 − C g
    k = Y.shape[1]
    return Spectrum(
        method="kernel-eigh",
        sigma=sigma,
        uty=uty,
        coef_base=np.zeros((0, k)),
        intercept_base=eta0[0] if fit_intercept else np.zeros(k),
        coef_basis=np.zeros((0, sigma.size)),
        intercept_basis=-C[0] if fit_intercept else np.zeros(sigma.size),
        rss_perp=np.sum((y_hat - fitted_U - R @ uty) ** 2, axis=0),
        n_unpenalized=Qu.shape[1],
        n_samples=root.size,
        weight_sum=float(np.sum(root**2)),
        fit_intercept=fit_intercept,
        dual={
            "R": R,
            "root2": root**2,
            "h_unpen": np.sum(Qu**2, axis=1),
            "f_unpen": fitted_U / root[:, None],
            "dual_basis": root[:, None] * R / sigma,  # Z θ(g) = K[:, rows] @ dual_basis @ g
            "eta0": eta0,
            "C": C,
        },
    )


def with_coefficients(spec: Spectrum, X, form: StandardForm, rows: np.ndarray) -> Spectrum:
    """Attach what the primal coefficients need, without forming a p × r basis.

    β(λ) = T Tᵀ Xᵀ α(λ) + N η(λ), α(λ) = (√s R/σ)·g(λ): for a grid of L values this costs
    O(n·r·L + n·p·L) when asked for, instead of O(p·n·r) up front (r ≈ n here).
    """
    Xr = X if rows.size == X.shape[0] else X[rows]
    dual = dict(spec.dual, rows=rows, X=Xr, form=form)
    return Spectrum(
        **{**spec.__dict__, "coef_base": np.zeros((form.p, spec.uty.shape[1])), "dual": dual}
    )


def dual_coef_path(spec: Spectrum, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (L, p, k) and intercepts (L, k) from spectral weights g (L, r, k)."""
    d = spec.dual
    form: StandardForm = d["form"]
    L, r, k = g.shape
    alpha = d["dual_basis"] @ g.transpose(1, 0, 2).reshape(r, L * k)  # (n, L k)
    theta = np.asarray(d["X"].T @ alpha)  # (p, L k)
    coef = form.to_coef(form.left(theta)).reshape(form.p, L, k).transpose(1, 0, 2)
    eta = d["eta0"][None] - np.einsum("qr,lrk->lqk", d["C"], g)  # (L, q, k)
    offset = int(spec.fit_intercept)
    if form.n_null:
        coef = coef + np.einsum(
            "pq,lqk->lpk", form.null_to_coef(np.eye(form.n_null)), eta[:, offset:]
        )
    intercept = eta[:, 0] if spec.fit_intercept else np.zeros((L, k))
    return coef, intercept


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
        if info != 0 or rcond <= 0 or EPS / rcond > GRAM_ACCURACY:
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
    coef = form.to_coef(form.left(np.asarray(Xr.T @ (root[:, None] * alpha))))
    offset = int(fit_intercept)
    if form.n_null:
        coef = coef + form.null_to_coef(eta[offset:])
    intercept = eta[0] if fit_intercept else np.zeros(k)
    # at the optimum the weighted residual is λα and ‖θ‖² = αᵀKα: ½λ²‖α‖² + (λ/2)αᵀKwα
    objective = 0.5 * float(
        np.sum(l2 * (l2 * np.sum(alpha**2, 0) + np.sum(alpha * (Kw @ alpha), 0)))
    )
    return coef, intercept, df, worst, objective
