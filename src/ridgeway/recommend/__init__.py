"""Recommendations with L2: matrix factorization by alternating ridge (ALS).

``ALS`` fits explicit ratings (biases, RMSE) or implicit counts (Hu, Koren & Volinsky's
confidence model) by batches of small ridge solves; ``ALSCV`` chooses λ by holding out
ratings per user. The objective and the converters to implicit, Spark and Surprise
parameters: :mod:`ridgeway.recommend.conventions`.
"""

from ridgeway.recommend import conventions, synthetic
from ridgeway.recommend.als import ALS, FoldedUser
from ridgeway.recommend.cv import ALSCV
from ridgeway.recommend.metrics import ranking_metrics

__all__ = ["ALS", "ALSCV", "FoldedUser", "conventions", "ranking_metrics", "synthetic"]
