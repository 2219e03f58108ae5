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


def scaled_classification(n=200, p=8, k=2, seed=0):
    """make_classification with 3 informative features, columns on scales 0.5 … 2 and offset
    by 0.5 (so that standardization and the intercept matter): the L1 logistic tests' data."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n, p, n_informative=3, n_redundant=0, n_classes=k, n_clusters_per_class=1,
        class_sep=0.8, random_state=seed,
    )  # fmt: skip
    return X * np.linspace(0.5, 2.0, p) + 0.5, y
