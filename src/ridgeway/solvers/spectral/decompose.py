"""Ridge / Tikhonov with squared loss: one decomposition serves every λ (DESIGN §3).

Three routes reach the Spectrum (spectrum.py) of a problem:

- ``gram-eigh`` (n ≥ p, gram.py): the weighted centred Gram from blocked moments, one ``eigh``
  (a single fit uses a Cholesky instead: ``gram-cholesky``);
- ``kernel-eigh`` (n < p, kernel.py): the n × n kernel ZZᵀ, centred by projection, one ``eigh``;
- ``svd`` (svd.py): an SVD of the design itself, when the Gram or kernel would square a
  condition number too large for the smallest λ.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ridgeway.solvers.spectral.gram import Reduced, from_moments, reduce_moments, solve_cholesky
from ridgeway.solvers.spectral.kernel import (
    from_kernel,
    kernel_matrix,
    unpenalized_design,
    with_coefficients,
)
from ridgeway.solvers.spectral.spectrum import EPS, GRAM_ACCURACY, Spectrum, low_rank_filters
from ridgeway.solvers.spectral.standard_form import StandardForm
from ridgeway.solvers.spectral.svd import from_svd, weighted_rows
from ridgeway.statistics import Moments, moments

__all__ = [
    "EPS",
    "GRAM_ACCURACY",
    "Reduced",
    "Spectrum",
    "decompose",
    "from_kernel",
    "from_moments",
    "from_svd",
    "kernel_matrix",
    "low_rank_filters",
    "reduce_moments",
    "solve_cholesky",
    "unpenalized_design",
]


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
        rows, root, Xr, Yr = weighted_rows(X, Y, sample_weight)
        K = kernel_matrix(Xr, form)
        U = unpenalized_design(Xr, form, fit_intercept)
        spec = from_kernel(K, U, Yr, root, fit_intercept, l2_min)
        if spec is not None:
            spec = with_coefficients(spec, X, form, rows)
            spec.dual.update(K=K, U=U)  # k-fold reuses the kernel instead of forming it again
    return spec if spec is not None else from_svd(X, Y, sample_weight, form, fit_intercept)
