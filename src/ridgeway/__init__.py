"""ridgeway: L2-regularized modelling with λ chosen exactly and fast.

The objective, its λ convention and converters to other libraries: :mod:`ridgeway.conventions`.
"""

from ridgeway import conventions, datasets, inverse, operators
from ridgeway.estimators.ridge import Ridge
from ridgeway.estimators.ridge_classifier import RidgeClassifier, RidgeClassifierCV
from ridgeway.estimators.ridge_cv import RidgeCV

__version__ = "0.1.0"

__all__ = [
    "Ridge",
    "RidgeCV",
    "RidgeClassifier",
    "RidgeClassifierCV",
    "conventions",
    "datasets",
    "inverse",
    "operators",
]
