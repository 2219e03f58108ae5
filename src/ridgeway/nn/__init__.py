"""Weight decay for neural networks (PyTorch; Keras in :mod:`ridgeway.nn.keras`).

What a weight decay means (``rw.conventions`` converts it), which parameters it touches
(:func:`param_groups`, :func:`decay_table`), the seed's explicit (λ/2)Σw² (:func:`l2_penalty`),
which λ to use (:class:`WeightDecaySearch`) and what it did (per-epoch histories), and
scikit-learn estimators on torch (:class:`MLPRegressor`, :class:`MLPClassifier`).
Needs the ``nn`` extra (torch); Keras helpers need ``keras`` as well.
"""

from ridgeway.nn.estimators import MLPClassifier, MLPRegressor
from ridgeway.nn.groups import decay_table, l2_penalty, param_groups
from ridgeway.nn.history import EpochRecord, MetricSink, SinkCallback, TrainingHistory
from ridgeway.nn.search import WeightDecaySearch

__all__ = [
    "EpochRecord",
    "MLPClassifier",
    "MLPRegressor",
    "MetricSink",
    "SinkCallback",
    "TrainingHistory",
    "WeightDecaySearch",
    "decay_table",
    "l2_penalty",
    "param_groups",
]
