"""Tikhonov regularization of A x ≈ b: the front door, truncated SVD and a comparison table.

The problem is min ‖Ax − b‖² + λ²‖L(x − x₀)‖², λ in the form inverse-problem texts use.
ridgeway's objective (DESIGN §1) is ½‖Ax − b‖² + (l2/2)‖L(x − x₀)‖², the same problem halved,
so **l2 = λ²** (``result.l2``). Dense A is solved directly (one SVD or standard-form SVD for
every λ); sparse A or a LinearOperator goes to LSQR (λ given) or the hybrid Krylov method (λ
chosen), unless ``solver`` says otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from ridgeway.inverse import parameter_choice as pc
from ridgeway.inverse._input import (
    METHODS,
    check_lam,
    check_noise,
    check_operator,
    check_penalty,
    check_rhs,
    check_x0,
)
from ridgeway.inverse.decomposition import Decomposition
from ridgeway.inverse.result import Curve, TikhonovResult

__all__ = ["compare", "tikhonov", "tsvd"]

_SOLVERS = ("auto", "direct", "iterative")


def tikhonov(
    A: Any,
    b: Any,
    L: Any = None,
    lam: float | str = "gcv",
    x0: Any = None,
    noise_norm: float | None = None,
    noise_level: float | None = None,
    *,
    solver: str = "auto",
    gcv_gamma: float = 0.1,
) -> TikhonovResult:
    """Solve min ‖Ax − b‖² + λ²‖L(x − x₀)‖² with λ given or chosen.

    Parameters
    ----------
    A : (m, n) array, sparse matrix or scipy LinearOperator.
    b : (m,) data.
    L : None (identity), "diff1", "diff2" (first/second differences, see
        :func:`ridgeway.operators.difference`) or any (p, n) matrix; its null space is left
        unpenalized (it must not contain a null direction of A).
    lam : λ >= 0, or the parameter-choice method: "gcv", "lcurve" (the L-curve corner: the
        stall of the curve in its corner region, see :mod:`ridgeway.inverse.lcurve`),
        "discrepancy" (needs the noise), "quasi" (quasi-optimality) or "upre" (robust UPRE;
        uses the noise if given, else estimates its variance).
    x0 : prior centre (default 0).
    noise_norm, noise_level : δ = ‖e‖, or level = δ/‖b‖ (δ = level·‖b‖); at most one.
    solver : "auto" (dense → direct, sparse/LinearOperator → iterative), "direct" (densifies
        sparse input: explicit opt-in) or "iterative".
    gcv_gamma : γ of robust GCV, (γ + (1 − γ)·tr(A_λ²)/m)·G(λ), in (0, 1]; 1 is classical
        GCV. The default 0.1 guards against the flat GCV functions of severely ill-posed
        problems, where classical GCV picks a λ orders of magnitude too small (see
        docs/inverse.md). The same γ sets robust UPRE, U(λ) + (1/γ − 1)s²·tr(A_λ²)
        (γ = 1: classical UPRE).

    Returns
    -------
    TikhonovResult with ``x``, ``lam`` (λ of the λ² form; ``l2 = lam**2``), ``method``,
    ``curve``, norms, ``dof`` and ``spectrum``.
    """
    if solver not in _SOLVERS:
        raise ValueError(f"solver must be one of {_SOLVERS}; got {solver!r}")
    A = check_operator(A)
    m, n = A.shape
    b = check_rhs(b, m)
    L = check_penalty(L, n)
    lam = check_lam(lam)
    x0 = check_x0(x0, n)
    delta = check_noise(noise_norm, noise_level, b)
    gcv_gamma = _check_gamma(gcv_gamma)
    dense = isinstance(A, np.ndarray)
    if solver == "iterative" or (solver == "auto" and not dense):
        from ridgeway.inverse import iterative

        if isinstance(lam, str):
            if L is not None or x0 is not None:
                raise ValueError(
                    "lam chosen by a rule on a sparse/operator A supports L=None and x0=None "
                    "only (the hybrid method); pass solver='direct' to densify A"
                )
            return iterative.hybrid(A, b, lam=lam, noise_norm=delta, gcv_gamma=gcv_gamma)
        return iterative.lsqr(A, b, lam, L=L, x0=x0)
    return _direct(Decomposition(_dense(A), b, L, x0), lam, delta, gcv_gamma)


def _check_gamma(gamma: Any) -> float:
    if isinstance(gamma, bool) or not np.isscalar(gamma) or not 0 < float(gamma) <= 1:
        raise ValueError(f"gcv_gamma must be a number in (0, 1]; got {gamma!r}")
    return float(gamma)


def _dense(A: Any) -> np.ndarray:
    if isinstance(A, np.ndarray):
        return A.astype(np.float64, copy=False)
    if sp.issparse(A):
        return A.toarray().astype(np.float64, copy=False)
    return np.asarray(A.matmat(np.eye(A.shape[1])), dtype=np.float64)


def _direct(
    sf: Decomposition, lam: float | str, delta: float | None, gcv_gamma: float = 0.1
) -> TikhonovResult:
    spec = sf.spectrum
    if isinstance(lam, str):
        lam_value, curve, notes = pc.choose(spec, lam, delta, gcv_gamma=gcv_gamma)
        method = lam
    else:
        grid = pc.lambda_grid(spec)
        res = pc.residual_norm(spec, grid)
        curve = Curve(
            param=grid,
            values=res,
            criterion="residual_norm",
            residual_norm=res,
            solution_norm=pc.solution_norm(spec, grid),
            target=delta,
        )
        lam_value, method, notes = lam, "given", ()
    one = np.array([lam_value])
    return TikhonovResult(
        x=sf.solution(lam_value),
        lam=float(lam_value),
        method=method,
        curve=curve,
        residual_norm=float(pc.residual_norm(spec, one)[0]),
        solution_norm=float(pc.solution_norm(spec, one)[0]),
        dof=float(pc.dof(spec, one)[0]),
        spectrum=spec,
        notes=notes,
    )


def tsvd(
    A: Any,
    b: Any,
    k: int | str = "gcv",
    noise_norm: float | None = None,
    noise_level: float | None = None,
) -> TikhonovResult:
    """Truncated SVD x_k = Σ_{i≤k} (uᵢᵀb/σᵢ) vᵢ, the baseline; k given or by "gcv"/"discrepancy".

    GCV for TSVD is ‖b − Ax_k‖²/(m − k)²; the discrepancy principle takes the smallest k with
    ‖b − Ax_k‖ <= δ. ``lam`` in the result is σ_k (the cut-off), ``dof`` is k.
    """
    A = _dense(check_operator(A))
    m = A.shape[0]
    b = check_rhs(b, m)
    delta = check_noise(noise_norm, noise_level, b)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    beta = U.T @ b
    floor = max(float(b @ b - beta @ beta), 0.0)
    ks = np.arange(1, int(np.sum(s > s[0] * s.size * np.finfo(np.float64).eps)) + 1)
    res = np.sqrt(np.maximum(floor + (beta @ beta) - np.cumsum(beta**2)[ks - 1], 0.0))
    sol = np.sqrt(np.cumsum((beta / s) ** 2)[ks - 1])
    notes: tuple[str, ...] = ()
    if isinstance(k, str):
        if k == "gcv":
            with np.errstate(divide="ignore"):
                values = np.where(m - ks > 0, res**2 / np.maximum(m - ks, 1e-300) ** 2, np.inf)
            kk = int(ks[np.argmin(values)])
        elif k == "discrepancy":
            if delta is None:
                raise ValueError("k='discrepancy' needs noise_norm or noise_level")
            values = res
            below = np.flatnonzero(res <= delta)
            kk = int(ks[below[0]]) if below.size else int(ks[-1])
            if not below.size:
                notes = ("discrepancy: no truncation reaches the noise norm; used all σ > ε",)
        else:
            raise ValueError(f"k must be a positive integer, 'gcv' or 'discrepancy'; got {k!r}")
        method = f"tsvd-{k}"
    else:
        if isinstance(k, bool) or int(k) != k or not 1 <= k <= s.size:
            raise ValueError(f"k must be an integer in [1, {s.size}]; got {k!r}")
        kk, values, method = int(k), res, "tsvd"
    x = Vt[:kk].T @ (beta[:kk] / s[:kk])
    curve = Curve(
        param=ks,
        values=values,
        criterion="gcv" if k == "gcv" else "residual_norm",
        residual_norm=res,
        solution_norm=sol,
        param_name="k",
        target=delta,
    )
    return TikhonovResult(
        x=x,
        lam=float(s[kk - 1]),
        method=method,
        curve=curve,
        residual_norm=float(np.linalg.norm(A @ x - b)),
        solution_norm=float(np.linalg.norm(x)),
        dof=float(kk),
        notes=notes,
    )


def compare(
    A: Any,
    b: Any,
    L: Any = None,
    x0: Any = None,
    noise_norm: float | None = None,
    noise_level: float | None = None,
    x_true: Any = None,
    *,
    gcv_gamma: float = 0.1,
):
    """Run every parameter-choice method on one decomposition; a pandas DataFrame, one row each.

    Columns: lam, l2 (= λ²), residual_norm, solution_norm, dof, and, when ``x_true`` is
    given, rel_error = ‖x − x_true‖/‖x_true‖, with an extra row "best" (the λ on the grid
    of smallest error: the oracle every rule is measured against). "discrepancy" is
    skipped without the noise.
    """
    import pandas as pd

    A = _dense(check_operator(A))
    m, n = A.shape
    b = check_rhs(b, m)
    L = check_penalty(L, n)
    x0 = check_x0(x0, n)
    delta = check_noise(noise_norm, noise_level, b)
    x_true = None if x_true is None else check_rhs(x_true, n, name="x_true", per="column")
    sf = Decomposition(A, b, L, x0)
    rows = {}
    for method in METHODS:
        if method == "discrepancy" and delta is None:
            continue
        r = _direct(sf, method, delta, _check_gamma(gcv_gamma))
        rows[method] = _row(r, x_true)
    if x_true is not None:
        grid = pc.lambda_grid(sf.spectrum)
        errors = np.linalg.norm(sf.solutions(grid) - x_true[:, None], axis=0)
        rows["best"] = _row(_direct(sf, float(grid[np.argmin(errors)]), delta), x_true)
    return pd.DataFrame.from_dict(rows, orient="index")


def _row(r: TikhonovResult, x_true: np.ndarray | None) -> dict[str, float]:
    row = {
        "lam": r.lam,
        "l2": r.l2,
        "residual_norm": r.residual_norm,
        "solution_norm": r.solution_norm,
        "dof": r.dof,
    }
    if x_true is not None:
        row["rel_error"] = float(np.linalg.norm(r.x - x_true) / np.linalg.norm(x_true))
    return row
