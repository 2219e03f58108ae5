"""Data makers shared by the tests (importable: pytest puts tests/ on sys.path)."""

import numpy as np


def make_regression(rng, n, p, k=None, noise=0.5, offset=3.0):
    """Correlated, unevenly scaled features with non-zero means; y (n,) or (n, k)."""
    A = rng.normal(size=(p, p)) / np.sqrt(p) + np.eye(p)
    X = rng.normal(size=(n, p)) @ A * rng.uniform(0.5, 3.0, p) + offset * rng.normal(size=p)
    shape = (p,) if k is None else (p, k)
    coef = rng.normal(size=shape)
    y = X @ coef + noise * rng.normal(size=(n,) if k is None else (n, k)) + 1.5
    return X, y
