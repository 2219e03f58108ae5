"""ridgeway: L2-regularized modelling with λ chosen exactly and fast.

The objective, its λ convention and converters to other libraries: :mod:`ridgeway.conventions`.
"""

from ridgeway import conventions, datasets, operators

__version__ = "0.1.0"

__all__ = ["conventions", "datasets", "operators"]
