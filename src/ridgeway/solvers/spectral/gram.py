"""The ``gram-eigh`` and ``gram-cholesky`` routes (n ≥ p): from weighted, centred moments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ridgeway.solvers.spectral.limits import EPS, accurate
from ridgeway.solvers.spectral.linalg import eigh_live, pinv_sym
from ridgeway.solvers.spectral.spectrum import PrimalSpectrum
from ridgeway.solvers.spectral.standard_form import StandardForm
from ridgeway.statistics import Moments

__all__ = ["Reduced", "from_moments", "moments_about_zero", "reduce_moments", "solve_cholesky"]


def moments_about_zero(m: Moments) -> Moments:
    """Uncentred moments (no intercept) from centred ones: adding back is exact enough."""
    w = m.weight
    return Moments(
        w,
        m.n_positive,
        np.zeros_like(m.x_mean),
        np.zeros_like(m.y_mean),
        m.xx + w * np.outer(m.x_mean, m.x_mean),
        m.xy + w * np.outer(m.x_mean, m.y_mean),
        m.yy + w * m.y_mean**2,
    )


@dataclass(frozen=True)
class Reduced:
    """The normal equations with the unpenalized part eliminated: (M + λI)θ = r.

    β = W θ + coef_U, where W = T − N·coupling folds θ's unpenalized companion η back in.
    """

    M: np.ndarray
    r: np.ndarray
    coupling: np.ndarray | None
    coef_U: np.ndarray
    rss_U: np.ndarray
    null_gram_pinv: np.ndarray
    rank_null: int
    moments: Moments

    def to_coef(self, form: StandardForm, theta: np.ndarray) -> np.ndarray:
        coef = form.to_coef(theta)
        if self.coupling is not None:
            coef = coef - form.null_to_coef(self.coupling @ theta)
        return coef


def reduce_moments(m: Moments, form: StandardForm, fit_intercept: bool) -> Reduced:
    """Eliminate the intercept (by centring) and the null space of Γ from the normal equations."""
    if not fit_intercept:
        m = moments_about_zero(m)
    G, c = m.xx, m.xy
    GT = form.left(form.right(G))  # TᵀGT
    GNT = form.null_right(G)  # G N  (p × q)
    if GNT.shape[1]:
        NN = form.null_left(GNT)  # Nᵀ G N
        NN_pinv, rank_null = pinv_sym(NN)
        TGN = form.left(GNT)  # Tᵀ G N
        coupling = NN_pinv @ TGN.T  # (q × r): η = NN⁺(Nᵀc − NᵀGTθ)
        Nc = form.null_left(c)
        eta0 = NN_pinv @ Nc
        return Reduced(
            M=GT - TGN @ coupling,
            r=form.left(c) - TGN @ eta0,
            coupling=coupling,
            coef_U=form.null_to_coef(eta0),
            rss_U=m.yy - np.einsum("qk,qk->k", Nc, eta0),
            null_gram_pinv=NN_pinv,
            rank_null=rank_null,
            moments=m,
        )
    return Reduced(
        M=GT,
        r=form.left(c),
        coupling=None,
        coef_U=np.zeros((form.p, c.shape[1])),
        rss_U=m.yy.copy(),
        null_gram_pinv=np.zeros((0, 0)),
        rank_null=0,
        moments=m,
    )


def solve_cholesky(
    red: Reduced, form: StandardForm, fit_intercept: bool, l2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float] | None:
    """One fit at λ (one per target allowed): a Cholesky of M + λI per distinct λ.

    Returns coef (p, k), intercept (k,), df (k,), the relative residual of the reduced
    normal equations (the certificate) and the objective, or None when M + λI is not safely
    positive definite (see limits.accurate): the caller then takes the spectral
    routes.
    """
    from scipy.linalg import cho_factor, cho_solve, lapack, solve_triangular

    k = red.r.shape[1]
    l2 = np.broadcast_to(np.asarray(l2, dtype=np.float64), (k,))
    r_dim = red.M.shape[0]
    theta = np.zeros((r_dim, k))
    df = np.zeros(k)
    for value in np.unique(l2) if r_dim else ():  # nothing penalized: least squares, θ empty
        A = red.M + value * np.eye(r_dim)
        try:
            factor, lower = cho_factor(A, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return None
        rcond, info = lapack.dpocon(factor, np.abs(A).sum(axis=0).max(), uplo="L")
        if info != 0 or rcond <= 0 or not accurate(1.0 / rcond):
            return None
        cols = np.flatnonzero(l2 == value)
        theta[:, cols] = cho_solve((factor, lower), red.r[:, cols], check_finite=False)
        inverse_factor = solve_triangular(factor, np.eye(r_dim), lower=True, check_finite=False)
        df[cols] = r_dim - value * np.sum(inverse_factor**2)  # tr((M+λI)⁻¹M)
    M_theta = red.M @ theta
    residual = M_theta + theta * l2[None, :] - red.r
    # ½ RSS + (λ/2)‖θ‖² in the reduced coordinates, summed over targets
    objective = 0.5 * float(
        np.sum(
            red.rss_U
            - 2 * np.sum(theta * red.r, axis=0)
            + np.sum(theta * M_theta, axis=0)
            + l2 * np.sum(theta**2, 0)
        )
    )
    scale = max(np.abs(red.r).max(initial=0.0), np.abs(M_theta).max(initial=0.0),
                np.finfo(float).tiny)  # fmt: skip
    m = red.moments
    coef = red.to_coef(form, theta) + red.coef_U
    x_mean = m.x_mean if fit_intercept else np.zeros_like(m.x_mean)
    y_mean = m.y_mean if fit_intercept else np.zeros_like(m.y_mean)
    df = df + int(fit_intercept) + red.rank_null
    certificate = float(np.abs(residual).max(initial=0.0) / scale)
    return coef, y_mean - x_mean @ coef, df, certificate, objective


def from_moments(
    m: Moments, form: StandardForm, fit_intercept: bool, l2_min: float = 0.0
) -> PrimalSpectrum | None:
    """The ``gram-eigh`` route; None when the Gram is too ill-conditioned for λ ≥ l2_min."""
    red = reduce_moments(m, form, fit_intercept)
    m = red.moments
    M, r_vec, coupling, coef_U, rss_U = red.M, red.r, red.coupling, red.coef_U, red.rss_U
    NN_pinv, rank_null = red.null_gram_pinv, red.rank_null
    e, V = eigh_live((M + M.T) / 2)
    e_max = max(e.max(), 0.0) if e.size else 0.0
    keep = e > e_max * max(M.shape[0], 1) * EPS * 10
    if keep.any() and not accurate(e_max / (e[keep].min() + l2_min)):
        return None
    e, V = e[keep], V[:, keep]
    sigma = np.sqrt(e)
    # W = T − N·coupling maps θ to β (θ's unpenalized companion η folded in)
    basis = form.to_coef(V)
    if coupling is not None:
        basis = basis - form.null_to_coef(coupling @ V)
    uty = (V.T @ r_vec) / sigma[:, None]
    x_mean = m.x_mean if fit_intercept else np.zeros_like(m.x_mean)
    y_mean = m.y_mean if fit_intercept else np.zeros_like(m.y_mean)
    null_basis = form.null_to_coef(np.eye(form.n_null)) if form.n_null else None
    return PrimalSpectrum(
        moments=m,
        squares_condition=True,
        method="gram-eigh",
        sigma=sigma,
        uty=uty,
        coef_base=coef_U,
        intercept_base=y_mean - x_mean @ coef_U,
        coef_basis=basis,
        intercept_basis=-(x_mean @ basis),
        rss_perp=np.maximum(rss_U - np.sum(uty**2, axis=0), 0.0),
        n_unpenalized=int(fit_intercept) + rank_null,
        n_samples=m.n_positive,
        weight_sum=m.weight,
        x_mean=x_mean,
        null_basis=null_basis,
        null_gram_pinv=NN_pinv,
        fit_intercept=fit_intercept,
    )
