"""ridgeway at scale: the same estimators on data beyond memory and beyond one machine.

- ``HashFolds(k, key=None, seed=0)``: folds from a hash of a row key (an id column or the
  global row position), identical however the data is partitioned; also a scikit-learn
  splitter, so in-memory and out-of-core results compare exactly.
- ``Parquet(pattern, target=..., features=None, weight=None, key=None, engine="stream")``
  and ``CSV(...)``: files streamed one row group (file) at a time in this process, or
  ``engine="dask"``: one task per row group on the active Dask scheduler.
- A Dask DataFrame or Dask array passed to ``fit`` directly runs on the active scheduler
  (a ``distributed.Client``, a LocalCluster, or threads).

``rw.Ridge``, ``rw.RidgeCV`` (GCV, exact LOO with a second pass, k-fold on hash folds),
``rw.ElasticNet(CV)``/``rw.Lasso(CV)`` (from the Gram), ``rw.LogisticRegression(CV)``
(binary, multinomial or one-vs-rest) and ``rw.LinearSVC(CV)`` (squared hinge) — distributed
Newton, one pass per step for every fold — accept these in ``fit``; ``predict`` on a Dask
collection is lazy. See docs/scale.md.
"""

from ridgeway.scale.engine import Pass, map_reduce
from ridgeway.scale.fit import as_source, fit
from ridgeway.scale.folds import HashFolds
from ridgeway.scale.predict import predict, predict_partitions
from ridgeway.scale.sources import CSV, DaskArrays, DaskFrame, Parquet, Source

__all__ = [
    "CSV",
    "DaskArrays",
    "DaskFrame",
    "HashFolds",
    "Parquet",
    "Pass",
    "Source",
    "as_source",
    "fit",
    "map_reduce",
    "predict",
    "predict_partitions",
]
