"""The ``kernel-eigh`` route (n < p): the n × n kernel of the penalized design."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.spectrum import EPS, GRAM_ACCURACY, Spectrum
from ridgeway.solvers.standard_form import StandardForm
from ridgeway.solvers.svd import orthonormal_basis


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
    Qu, Uw_pinv = orthonormal_basis(Uw)
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
