"""Input checks for the inverse-problem solvers: each error names the argument."""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ridgeway import operators
from ridgeway._validation import check_X
from ridgeway.statistics import SCALE_HEADROOM, check_scale

__all__ = [
    "METHODS",
    "check_lam",
    "check_noise",
    "check_operator",
    "check_penalty",
    "check_rhs",
    "check_x0",
]

METHODS = ("gcv", "lcurve", "discrepancy", "quasi", "upre")


def check_operator(A: Any) -> np.ndarray | sp.csr_matrix | spla.LinearOperator:
    """A dense or sparse matrix (checked for NaN/inf), or a LinearOperator (shape only)."""
    if isinstance(A, spla.LinearOperator):
        if len(A.shape) != 2 or min(A.shape) < 1:
            raise ValueError(f"A must be a 2-D operator; got shape {A.shape}")
        return A
    A = check_X(A, name="A")
    # σ², λ² and the rules' norms are squares: A whose squares leave float64 is refused (x = 0
    # or NaN otherwise), with how to rescale; inside the range the answers follow A's units
    size = abs(A).max(axis=0).toarray().ravel() if sp.issparse(A) else np.abs(A).max(axis=0)
    check_scale(np.asarray(size, dtype=np.float64), float(A.shape[0]), name="A")
    return A


def check_rhs(b: Any, m: int, *, name: str = "b", per: str = "row") -> np.ndarray:
    """The data vector: 1-D (or a single column), length m, finite."""
    if isinstance(b, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers; got {type(b).__name__}")
    try:
        raw = np.asarray(b)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers: {exc}") from exc
    # checked before any cast: NumPy would parse strings and drop imaginary parts silently
    if raw.dtype.kind == "c":
        raise ValueError(f"{name} must be real; got complex dtype {raw.dtype}")
    if raw.dtype == object:  # e.g. from pandas: real numbers only, entry by entry
        bad = [v for v in raw.ravel().tolist() if isinstance(v, bool) or not isinstance(v, Real)]
        if bad:
            raise TypeError(f"{name} must be an array of real numbers; got entry {bad[0]!r}")
    elif raw.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be an array of real numbers; got dtype {raw.dtype}")
    arr = raw.astype(np.float64, copy=False)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != m:
        raise ValueError(
            f"{name} must be a 1-D array with one entry per {per} of A ({m}); got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must not contain NaN or infinity")
    return arr


def check_penalty(L: Any, n: int) -> np.ndarray | sp.csr_matrix | None:
    """L: None (identity), "identity", "diff1", "diff2", or a matrix with n columns."""
    if L is None or (isinstance(L, str) and L == "identity"):
        return None
    if isinstance(L, str):
        if L not in ("diff1", "diff2"):
            raise ValueError(f"L must be None, 'identity', 'diff1', 'diff2' or a matrix; got {L!r}")
        return operators.difference(n, int(L[-1]))
    if isinstance(L, spla.LinearOperator):
        raise TypeError("L must be a dense or sparse matrix, not a LinearOperator")
    M = sp.csr_matrix(L, dtype=np.float64) if sp.issparse(L) else np.asarray(L, dtype=np.float64)
    if M.ndim != 2 or M.shape[1] != n:
        raise ValueError(f"L must be a matrix with {n} columns (one per unknown); got {M.shape}")
    if not np.all(np.isfinite(M.data if sp.issparse(M) else M)):
        raise ValueError("L must not contain NaN or infinity")
    return M


def check_lam(lam: Any) -> float | str:
    """A finite λ >= 0, or the name of a parameter-choice method."""
    if isinstance(lam, str):
        if lam not in METHODS:
            raise ValueError(f"lam must be a number >= 0 or one of {METHODS}; got {lam!r}")
        return lam
    if isinstance(lam, bool) or not np.isscalar(lam):
        raise TypeError(f"lam must be a number >= 0 or one of {METHODS}; got {lam!r}")
    value = float(lam)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"lam must be a finite number >= 0; got {lam!r}")
    bound = float(np.sqrt(np.finfo(np.float64).max / SCALE_HEADROOM))
    if value > bound:
        raise ValueError(
            f"lam must be at most {bound:.2g}: the problem's weight is lam² (l2), which "
            f"overflows float64 for lam = {value:.3g}; rescale A and b so that lam is moderate"
        )
    return value


def check_noise(noise_norm: Any, noise_level: Any, b: np.ndarray) -> float | None:
    """The noise norm δ = ‖e‖, given directly or as a level relative to ‖b‖ (δ = level·‖b‖)."""
    if noise_norm is not None and noise_level is not None:
        raise ValueError("give noise_norm or noise_level, not both")
    for name, value in (("noise_norm", noise_norm), ("noise_level", noise_level)):
        if value is None:
            continue
        if isinstance(value, bool) or not np.isscalar(value):
            raise TypeError(f"{name} must be a finite number >= 0; got {value!r}")
        if not np.isfinite(float(value)) or float(value) < 0:
            raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    if noise_norm is not None:
        return float(noise_norm)
    if noise_level is not None:
        return float(noise_level) * float(np.linalg.norm(b))
    return None


def check_x0(x0: Any, n: int) -> np.ndarray | None:
    """The prior centre x₀: None or a finite vector of length n."""
    if x0 is None:
        return None
    if np.ndim(x0) == 0:
        x0 = np.full(n, x0, dtype=np.float64)
    return check_rhs(x0, n, name="x0", per="column")
