"""Ridge / Tikhonov with squared loss: one decomposition serves every λ (DESIGN §3).

After the standard form (β = Tθ + Nη) and the removal of the unpenalized part (intercept and
the null space of Γ), the weighted, centred, penalized design Z̃ has an SVD Z̃ = R diag(σ) Vᵀ.
Every quantity on the whole λ grid then costs O(p) to O(p²) per λ:

    coef(λ)      = coef_base + coef_basis · (σ ∘ uty / (σ² + λ))
    leverage_i   = h_unpenalized_i + Σ_k R_ik² σ_k²/(σ_k² + λ)
    RSS(λ)       = rss_perp + Σ_k uty_k² (λ/(σ_k² + λ))²
    df(λ)        = n_unpenalized + Σ_k σ_k²/(σ_k² + λ)

where uty = Rᵀ ŷ (weighted, projected targets). Three routes reach that SVD:

- ``gram-eigh`` (n ≥ p): the weighted centred Gram from blocked moments, one ``eigh``;
- ``svd`` (ill-conditioned Gram: it would square the condition number): an SVD of Z̃ itself;
- ``kernel-eigh`` (n < p): the n × n kernel ZZᵀ, centred by projection, one ``eigh``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.moments import Moments, moments
from ridgeway.solvers.standard_form import StandardForm

__all__ = ["Spectrum", "decompose"]

EPS = np.finfo(np.float64).eps
#: switch from the Gram to an SVD when eps·cond(Gram at the smallest λ) would exceed this
GRAM_ACCURACY = 1e-8


def _pinv_sym(A: np.ndarray) -> tuple[np.ndarray, int]:
    """Pseudo-inverse and rank of a symmetric PSD matrix."""
    if A.size == 0:
        return A.copy(), 0
    h, U = np.linalg.eigh(A)
    keep = h > max(h.max(), 0.0) * A.shape[0] * EPS * 10
    return (U[:, keep] / h[keep]) @ U[:, keep].T, int(keep.sum())


@dataclass(frozen=True)
class Spectrum:
    """The decomposition of one ridge problem, valid for every λ (see module docstring)."""

    method: str
    sigma: np.ndarray
    uty: np.ndarray
    coef_base: np.ndarray
    intercept_base: np.ndarray
    coef_basis: np.ndarray
    intercept_basis: np.ndarray
    rss_perp: np.ndarray
    n_unpenalized: int
    n_samples: int
    weight_sum: float
    # what the leverage pass needs (route specific)
    x_mean: np.ndarray | None = None
    null_basis: np.ndarray | None = None
    null_gram_pinv: np.ndarray | None = None
    fit_intercept: bool = True
    dual: dict = field(default_factory=dict)

    @property
    def eigenvalues(self) -> np.ndarray:
        return self.sigma**2

    def _filters(self, l2: np.ndarray) -> np.ndarray:
        """1/(σ² + λ) as (L, r) for a grid of λ, or (L, r, k) for per-target λ (L, k)."""
        l2 = np.asarray(l2, dtype=np.float64)
        e = self.eigenvalues
        if l2.ndim == 1:
            return 1.0 / (e[None, :] + l2[:, None])
        return 1.0 / (e[None, :, None] + l2[:, None, :])

    def coef_path(self, l2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients (L, p, k) and intercepts (L, k) for λ of shape (L,) or (L, k)."""
        f = self._filters(l2)
        weights = self.sigma[:, None] * self.uty  # (r, k)
        g = f[:, :, None] * weights[None] if f.ndim == 2 else f * weights[None]
        coef = self.coef_base[None] + np.einsum("pr,lrk->lpk", self.coef_basis, g)
        intercept = self.intercept_base[None] + np.einsum("r,lrk->lk", self.intercept_basis, g)
        return coef, intercept

    def df(self, l2: np.ndarray) -> np.ndarray:
        """Effective degrees of freedom tr(H(λ)), intercept and unpenalized columns included."""
        e = self.eigenvalues
        l2 = np.asarray(l2, dtype=np.float64)
        shrink = e[None, :] / (e[None, :] + l2.reshape(-1, 1))
        return self.n_unpenalized + shrink.sum(axis=1)

    def rss(self, l2: np.ndarray) -> np.ndarray:
        """Weighted residual sum of squares Σ s_i r_i(λ)², shape (L, k)."""
        e = self.eigenvalues
        l2 = np.asarray(l2, dtype=np.float64).reshape(-1, 1)
        shrink = (l2 / (e[None, :] + l2)) ** 2  # (L, r)
        return self.rss_perp[None, :] + shrink @ (self.uty**2)

    def fitted_blocks(
        self,
        X,
        sample_weight: np.ndarray | None,
        l2: np.ndarray,
        rows_per_block: int,
        leverage: bool = True,
    ) -> Iterator[tuple]:
        """Yield (rows, fitted (b, L, k), leverage (b, L) or None) over positive-weight rows.

        Fitted values at every λ of ``l2`` go through the low-rank filter factorization
        (:func:`low_rank_filters`): X_b·P (p × kq) then ·leftᵀ, never a p × L product per
        target. Leverages need R = √s·(X_b − x̄)·V/σ, one n × p × r product: the cost of exact
        leave-one-out beyond the Gram.
        """
        e = self.eigenvalues
        L, k = l2.size, self.uty.shape[1]
        left, right = low_rank_filters(e, l2)
        q = right.shape[0]
        weights = (self.sigma / np.where(e > 0, e, 1.0))[:, None] * self.uty  # σ·uty/e (r, k)
        combined = right.T[:, None, :] * weights[:, :, None]  # (r, k, q)
        if self.dual:
            yield from self._dual_fitted(left, right, combined, leverage)
            return
        P = self.coef_basis @ combined.reshape(e.size, k * q)  # (p, k q)
        # one product per block serves fitted values, the unpenalized part and leverages
        parts = [P]
        has_base = bool(np.any(self.coef_base))
        if has_base:
            parts.append(self.coef_base)
        if leverage:
            parts.append(self.coef_basis / np.where(self.sigma > 0, self.sigma, 1.0))
        fused = np.hstack(parts) if len(parts) > 1 else P
        shift = self.x_mean @ fused
        n = X.shape[0]
        for start in range(0, n, rows_per_block):
            stop = min(n, start + rows_per_block)
            rows = np.arange(start, stop)
            s = None if sample_weight is None else sample_weight[rows]
            Xb = X[start:stop]
            if s is not None and not np.all(s > 0):
                keep = s > 0
                rows, s, Xb = rows[keep], s[keep], Xb[keep]
                if rows.size == 0:
                    continue
            product = np.asarray(Xb @ fused)
            product -= shift  # centred rows: (x_i − x̄)·fused
            projected = product[:, : k * q].reshape(rows.size * k, q)
            fitted = (projected @ left.T).reshape(rows.size, k, L).transpose(0, 2, 1)
            base = self.intercept_base + self.x_mean @ self.coef_base
            if has_base:
                base = base + product[:, k * q : k * q + k]
            fitted = fitted + np.broadcast_to(base, (rows.size, k))[:, None, :]
            h = None
            if leverage:
                R = product[:, k * q + (k if has_base else 0) :]
                if s is not None:
                    R *= np.sqrt(s)[:, None]
                h = ((R * R) @ right.T) @ left.T
                h += self._unpenalized_leverage(Xb, s, rows.size)[:, None]
            yield rows, fitted, h

    def _unpenalized_leverage(self, Xb, s: np.ndarray | None, b: int) -> np.ndarray:
        """Leverage of the intercept and null-space columns for a block of rows."""
        s = np.ones(b) if s is None else s
        h = s / self.weight_sum if self.fit_intercept else np.zeros(b)
        if self.null_basis is not None:
            U = np.asarray(Xb @ self.null_basis) - self.x_mean @ self.null_basis
            h = h + s * np.einsum("iq,qr,ir->i", U, self.null_gram_pinv, U)
        return h

    def _dual_fitted(self, left, right, combined, leverage: bool):
        """The kernel route: R are the kernel's eigenvectors on the positive-weight rows."""
        d = self.dual
        R, rows = d["R"], d["rows"]
        r, k, q = combined.shape
        # fitted_w = R·(uty ∘ S): with combined = σ uty/e ∘ right, multiply back by σ
        proj = R @ (combined * self.sigma[:, None, None]).reshape(r, k * q)
        fitted = (proj.reshape(rows.size * k, q) @ left.T).reshape(rows.size, k, -1)
        root = np.sqrt(d["root2"])
        fitted = fitted.transpose(0, 2, 1) / root[:, None, None] + d["f_unpen"][:, None, :]
        h = None
        if leverage:
            h = ((R * R) @ right.T) @ left.T + d["h_unpen"][:, None]
        yield rows, fitted, h


def low_rank_filters(e: np.ndarray, l2: np.ndarray, rtol: float = 1e-13):
    """Factor the filter matrix S_lk = e_k/(e_k + λ_l) as left (L, q) @ right (q, r).

    S is Cauchy-like and numerically of low rank (q ≈ 10–40 for 100 × 100 grids), so products
    with n × r factors cost O(n·r·q) instead of O(n·r·L). The rank is raised until every
    column is reproduced to ``rtol`` of its own largest entry, so small eigenvalues (whose
    coefficients are amplified by 1/e) stay exact to rounding; at full rank it is exact.
    """
    S = e[None, :] / (e[None, :] + l2[:, None])
    if S.size == 0:
        return np.zeros((l2.size, 0)), np.zeros((0, e.size))
    U, sv, Vt = np.linalg.svd(S, full_matrices=False)
    column_scale = np.max(np.abs(S), axis=0)
    column_scale[column_scale == 0] = 1.0
    q = max(1, int(np.count_nonzero(sv > 1e-15 * sv[0])))
    while q < sv.size:
        error = np.abs(S - (U[:, :q] * sv[:q]) @ Vt[:q]).max(axis=0)
        if np.all(error <= rtol * column_scale):
            break
        q = min(sv.size, q + max(2, q // 4))
    return U[:, :q] * sv[:q], Vt[:q]


def _moments_about_zero(m: Moments) -> Moments:
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
        m = _moments_about_zero(m)
    G, c = m.xx, m.xy
    GT = form.left(form.right(G))  # TᵀGT
    GNT = form.null_right(G)  # G N  (p × q)
    if GNT.shape[1]:
        NN = form.null_left(GNT)  # Nᵀ G N
        NN_pinv, rank_null = _pinv_sym(NN)
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
    """One fit at λ (one per target allowed): a Cholesky of M + λI per distinct λ.

    Returns coef (p, k), intercept (k,), df (k,) and the relative residual of the reduced
    normal equations (the certificate), or None when M + λI is not safely positive definite
    (eps / rcond above GRAM_ACCURACY): the caller then takes the spectral routes.
    """
    from scipy.linalg import cho_factor, cho_solve, lapack, solve_triangular

    k = red.r.shape[1]
    l2 = np.broadcast_to(np.asarray(l2, dtype=np.float64), (k,))
    r_dim = red.M.shape[0]
    theta = np.zeros((r_dim, k))
    df = np.zeros(k)
    for value in np.unique(l2):
        A = red.M + value * np.eye(r_dim)
        try:
            factor, lower = cho_factor(A, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            return None
        rcond, info = lapack.dpocon(factor, np.abs(A).sum(axis=0).max(), uplo="L")
        if info != 0 or rcond <= 0 or EPS / rcond > GRAM_ACCURACY:
            return None
        cols = np.flatnonzero(l2 == value)
        theta[:, cols] = cho_solve((factor, lower), red.r[:, cols], check_finite=False)
        inverse_factor = solve_triangular(factor, np.eye(r_dim), lower=True, check_finite=False)
        df[cols] = r_dim - value * np.sum(inverse_factor**2)  # tr((M+λI)⁻¹M)
    residual = red.M @ theta + theta * l2[None, :] - red.r
    scale = max(np.abs(red.r).max(), np.abs(red.M @ theta).max(), np.finfo(float).tiny)
    m = red.moments
    coef = red.to_coef(form, theta) + red.coef_U
    x_mean = m.x_mean if fit_intercept else np.zeros_like(m.x_mean)
    y_mean = m.y_mean if fit_intercept else np.zeros_like(m.y_mean)
    df = df + int(fit_intercept) + red.rank_null
    return coef, y_mean - x_mean @ coef, df, float(np.abs(residual).max() / scale)


def from_moments(
    m: Moments, form: StandardForm, fit_intercept: bool, l2_min: float = 0.0
) -> Spectrum | None:
    """The ``gram-eigh`` route; None when the Gram is too ill-conditioned for λ ≥ l2_min."""
    red = reduce_moments(m, form, fit_intercept)
    m = red.moments
    M, r_vec, coupling, coef_U, rss_U = red.M, red.r, red.coupling, red.coef_U, red.rss_U
    NN_pinv, rank_null = red.null_gram_pinv, red.rank_null
    e, V = np.linalg.eigh((M + M.T) / 2)
    e_max = max(e.max(), 0.0) if e.size else 0.0
    keep = e > e_max * max(M.shape[0], 1) * EPS * 10
    if keep.any() and EPS * e_max / (e[keep].min() + l2_min) > GRAM_ACCURACY:
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
    return Spectrum(
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


def _orthonormal_basis(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis Q of range(A) and the pseudo-inverse map A⁺ = pinv(A) (q × n)."""
    if A.shape[1] == 0:
        return np.zeros((A.shape[0], 0)), np.zeros((0, A.shape[0]))
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > s.max() * max(A.shape) * EPS
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    return U, (Vt.T / s) @ U.T


def _weighted_rows(X, Y, sample_weight):
    """Rows with positive weight, their √s, and X restricted to them (no copy if all)."""
    n = X.shape[0]
    if sample_weight is None:
        return np.arange(n), np.ones(n), X, Y
    rows = np.flatnonzero(sample_weight > 0)
    Xr = X if rows.size == n else X[rows]
    return rows, np.sqrt(sample_weight[rows]), Xr, Y[rows]


def from_svd(X, Y, sample_weight, form: StandardForm, fit_intercept: bool) -> Spectrum:
    """The ``svd`` route: an SVD of the weighted, centred, penalized design (a dense copy)."""
    rows, root, Xr, Yr = _weighted_rows(X, Y, sample_weight)
    Xr = Xr.toarray() if sp.issparse(Xr) else np.asarray(Xr, dtype=np.float64)
    s = root**2
    weight = float(s.sum())
    x_mean = s @ Xr / weight if fit_intercept else np.zeros(Xr.shape[1])
    y_mean = s @ Yr / weight if fit_intercept else np.zeros(Yr.shape[1])
    A = root[:, None] * (Xr - x_mean)
    y_hat = root[:, None] * (Yr - y_mean)
    An = form.null_right(A)
    Qu, An_pinv = _orthonormal_basis(An)
    Az = np.array(form.right(A), dtype=np.float64)
    coupling = An_pinv @ Az  # (q × r): η = An⁺(ŷ − A T θ)
    Az -= Qu @ (Qu.T @ Az)
    R, sigma, Vt = np.linalg.svd(Az, full_matrices=False)
    keep = sigma > (sigma.max() if sigma.size else 0.0) * max(Az.shape) * EPS
    R, sigma, V = R[:, keep], sigma[keep], Vt[keep].T
    uty = R.T @ y_hat
    resid = y_hat - Qu @ (Qu.T @ y_hat) - R @ uty
    basis = form.to_coef(V)
    if coupling.shape[0]:
        basis = basis - form.null_to_coef(coupling @ V)
    coef_U = form.null_to_coef(An_pinv @ y_hat)
    NN_pinv = An_pinv @ An_pinv.T
    null_basis = form.null_to_coef(np.eye(form.n_null)) if form.n_null else None
    return Spectrum(
        method="svd",
        sigma=sigma,
        uty=uty,
        coef_base=coef_U,
        intercept_base=y_mean - x_mean @ coef_U,
        coef_basis=basis,
        intercept_basis=-(x_mean @ basis),
        rss_perp=np.sum(resid**2, axis=0),
        n_unpenalized=int(fit_intercept) + Qu.shape[1],
        n_samples=rows.size,
        weight_sum=weight,
        x_mean=x_mean,
        null_basis=null_basis,
        null_gram_pinv=NN_pinv,
        fit_intercept=fit_intercept,
    )


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
    Uw = root[:, None] * U
    Qu, Uw_pinv = _orthonormal_basis(Uw)
    Kw = root[:, None] * K * root[None, :]
    KQ = Kw @ Qu
    Kc = Kw - Qu @ KQ.T - KQ @ Qu.T + Qu @ (Qu.T @ KQ) @ Qu.T
    e, Q = np.linalg.eigh((Kc + Kc.T) / 2)
    e_max = max(e.max(), 0.0) if e.size else 0.0
    keep = e > e_max * max(Kc.shape[0], 1) * EPS * 10
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
    """Fill the primal coefficients of a kernel-route Spectrum: β = T Tᵀ Xᵀ (√s R/σ) g + N η."""
    d = spec.dual
    Xr = X if rows.size == X.shape[0] else X[rows]
    XtR = np.asarray(Xr.T @ d["dual_basis"])
    basis = form.to_coef(form.left(XtR))
    offset = int(spec.fit_intercept)
    if form.n_null:
        basis = basis - form.null_to_coef(d["C"][offset:])
        coef_base = form.null_to_coef(d["eta0"][offset:])
    else:
        coef_base = np.zeros((form.p, spec.uty.shape[1]))
    dual = dict(d, rows=rows)
    return Spectrum(**{**spec.__dict__, "coef_basis": basis, "coef_base": coef_base, "dual": dual})


def decompose(
    X,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    form: StandardForm,
    fit_intercept: bool,
    l2_min: float = 0.0,
    m: Moments | None = None,
) -> Spectrum:
    """One decomposition for the whole λ grid; the route taken is ``Spectrum.method``.

    n ≥ p: the Gram (sparse X too), unless eps·cond at λ = ``l2_min`` would exceed
    ``GRAM_ACCURACY``, then the SVD of the design (dense X only; sparse X keeps the Gram).
    n < p: the n × n kernel, with the same switch to the SVD.
    """
    n, p = X.shape
    n_pos = n if sample_weight is None else int(np.count_nonzero(sample_weight))
    if n_pos >= p:
        m = moments(X, Y, sample_weight) if m is None else m
        spec = from_moments(m, form, fit_intercept, l2_min)
        if spec is None and sp.issparse(X):
            spec = from_moments(m, form, fit_intercept, np.inf)
            return Spectrum(**{**spec.__dict__, "method": "gram-eigh (ill-conditioned)"})
    else:
        rows, root, Xr, Yr = _weighted_rows(X, Y, sample_weight)
        K = kernel_matrix(Xr, form)
        U = unpenalized_design(Xr, form, fit_intercept)
        spec = from_kernel(K, U, Yr, root, fit_intercept, l2_min)
        if spec is not None:
            spec = with_coefficients(spec, X, form, rows)
    return spec if spec is not None else from_svd(X, Y, sample_weight, form, fit_intercept)
