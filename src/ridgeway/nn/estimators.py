"""scikit-learn estimators on torch: a multilayer perceptron with weight decay in our λ.

``hidden=()`` is a linear model and reaches rw.Ridge(l2) / rw.LogisticRegression(l2)
(full-batch L-BFGS, float64): the test that ties the network side to the closed forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import assert_all_finite
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ridgeway.nn.mlp import MLPTrainer

__all__ = ["MLPClassifier", "MLPRegressor"]

_PARAMS_DOC = """
    Parameters
    ----------
    hidden : widths of the hidden layers; () is a linear model.
    l2 : float >= 0, our λ: Σ ℓ + (l2/2)‖W‖² on weights (biases, norms free); None searches
        λ on ``l2_grid`` (default grid) with rw.nn.WeightDecaySearch on a held-out split.
    activation : "relu", "tanh", "gelu" or "sigmoid".
    optimizer : "lbfgs" (full batch to ``tol``), "sgd" or "adam" (mini-batches, ``epochs``),
        or "adamw": decoupled decay, which has no λ, so ``l2`` (and ``l2_grid``) then hold
        AdamW's own weight_decay (θ ← θ(1 − lr·l2) per step; rw.conventions.decoupled_decay).
    lr, epochs, batch_size (None: full batch), max_iter and tol (L-BFGS: gradient max-norm).
    early_stopping, patience, validation_fraction : stop on a held-out split, keep the best.
    rule, budget, l2_grid : the search's rule ("min"/"1se"), budget ("full"/"halving"), grid.
    random_state : None or an integer (the same integer, the same network).
    device : a torch device ("cpu", "cuda"); dtype : "float64" or "float32".

    Attributes
    ----------
    model_ : the trained torch module. l2_ : λ used (chosen when l2=None); weight_decay_ : the
    torch optimizer's weight_decay that trained model_ (its units). history_ : a
    rw.nn.TrainingHistory (mini-batch), cv_results_ and search_ when searched,
    coef_ / intercept_ for hidden=() (scikit-learn's linear shapes).
"""


class _MLPBase(BaseEstimator):
    _loss = "mse"

    def __init__(
        self,
        hidden: tuple[int, ...] = (64,),
        l2: float | None = 1.0,
        *,
        activation: str = "relu",
        optimizer: str = "adam",
        lr: float | None = None,
        epochs: int = 200,
        batch_size: int | None = 64,
        max_iter: int = 5000,
        tol: float = 1e-10,
        early_stopping: bool = False,
        patience: int = 10,
        validation_fraction: float = 0.1,
        rule: str = "min",
        budget: str = "halving",
        l2_grid: Any = None,
        random_state: int | None = None,
        device: str = "cpu",
        dtype: str = "float64",
    ) -> None:
        self.hidden = hidden
        self.l2 = l2
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.rule = rule
        self.budget = budget
        self.l2_grid = l2_grid
        self.random_state = random_state
        self.device = device
        self.dtype = dtype

    def _targets(self, y: np.ndarray, fitting: bool) -> tuple[np.ndarray, int]:
        raise NotImplementedError

    def _fit(self, X: Any, y: Any, partial: bool, callbacks: Sequence[Any] = ()) -> Any:
        first = not (partial and hasattr(self, "trainer_"))
        X, y = validate_data(self, X, y, reset=first, multi_output=True, y_numeric=False)
        X = np.asarray(X, dtype=np.float64)
        target, n_out = self._targets(np.asarray(y), fitting=first)
        if first:
            self.trainer_ = MLPTrainer(self, X.shape[1], n_out, self._loss)
        trainer = self.trainer_
        trainer.callbacks = tuple(callbacks)
        if partial:
            self.model_ = trainer.partial_fit(X, target)
        else:
            self.model_ = trainer.fit(X, target)
        self.l2_ = trainer.search.l2_ if trainer.search is not None else self.l2
        self.weight_decay_ = trainer.applied_decay
        if trainer.search is not None:
            self.search_ = trainer.search
            self.cv_results_ = trainer.search.cv_results_
        if trainer.run is not None:
            self.history_ = trainer.run.history
        self.n_iter_ = trainer.n_iter if trainer.run is None else len(trainer.run.history)
        return self

    def _forward(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False)
        first = next(self.model_.parameters())  # a loaded network has no trainer_
        Xt = torch.as_tensor(np.array(X, dtype=np.float64)).to(first.device)  # writable
        self.model_.eval()
        with torch.no_grad():
            out = self.model_(Xt.to(first.dtype))
        return out.to("cpu", torch.float64).numpy()

    def to_arrays(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The fitted network as (JSON-able spec, named numeric arrays): what a model file
        holds (rw.nn.state.network_arrays); no pickle."""
        from ridgeway.nn.state import network_arrays

        return network_arrays(self)

    def from_arrays(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> Any:
        """Rebuild the fitted network from :meth:`to_arrays`' output, every tensor checked
        (name, shape, dtype, finite) against the declared architecture; set the parameters
        (and, for a classifier, ``classes_``) first. A restored estimator predicts;
        ``partial_fit`` on it starts a new network."""
        from ridgeway.nn.state import restore_network

        return restore_network(self, spec, arrays)

    def _linear_layer(self) -> torch.nn.Linear:
        check_is_fitted(self, "model_")
        if tuple(self.hidden):
            raise AttributeError("coef_ and intercept_ exist for hidden=() (a linear model) only")
        layer = next(iter(self.model_.children()))
        assert isinstance(layer, torch.nn.Linear)
        return layer


class MLPRegressor(RegressorMixin, _MLPBase):
    __doc__ = "A multilayer perceptron for regression, loss ½r² (torch MSELoss)." + _PARAMS_DOC
    _loss = "mse"

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _targets(self, y: np.ndarray, fitting: bool) -> tuple[np.ndarray, int]:
        y = y.astype(np.float64)
        if fitting:
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        return y, self.n_outputs_

    def fit(self, X: Any, y: Any, callbacks: Sequence[Any] = ()) -> MLPRegressor:
        """Train (or search λ when l2=None). ``callbacks``: objects with
        ``on_epoch_end(record)`` told about every epoch, such as
        ``rw.nn.SinkCallback(rw.nn.monitoring.MonitorSink(monitor, name))`` (L-BFGS has no
        epochs and tells them nothing)."""
        return self._fit(X, y, partial=False, callbacks=callbacks)

    def partial_fit(self, X: Any, y: Any, callbacks: Sequence[Any] = ()) -> MLPRegressor:
        """One more epoch over (X, y) (SGD/Adam/AdamW); the first call starts the network."""
        return self._fit(X, y, partial=True, callbacks=callbacks)

    def predict(self, X: Any) -> np.ndarray:
        out = self._forward(X)
        return out[:, 0] if self.n_outputs_ == 1 else out

    @property
    def coef_(self) -> np.ndarray:
        weight = self._linear_layer().weight.detach().to("cpu", torch.float64).numpy()
        return weight[0] if self.n_outputs_ == 1 else weight

    @property
    def intercept_(self) -> Any:
        bias = self._linear_layer().bias.detach().to("cpu", torch.float64).numpy()
        return float(bias[0]) if self.n_outputs_ == 1 else bias


def _check_labels(y: Any) -> None:
    """Finite (when numeric) class labels, not a continuous target."""
    if y is None:
        raise ValueError("MLPClassifier requires y to be passed, but the target y is None")
    labels = np.asarray(y)
    if labels.dtype.kind in "fc":
        assert_all_finite(labels, input_name="y")
    check_classification_targets(labels)


class MLPClassifier(ClassifierMixin, _MLPBase):
    __doc__ = (
        "A multilayer perceptron for classification: one logit and BCEWithLogitsLoss for two "
        "classes, softmax and CrossEntropyLoss for more." + _PARAMS_DOC
    )

    def _targets(self, y: np.ndarray, fitting: bool) -> tuple[np.ndarray, int]:
        if fitting and not hasattr(self, "classes_"):
            raise ValueError("classes must be given on the first call to partial_fit")
        codes = LabelEncoder().fit(self.classes_).transform(y)
        k = len(self.classes_)
        if k < 2:
            raise ValueError(f"y must have at least two classes; got {k} class")
        if k == 2:
            return codes.astype(np.float64), 1
        return codes.astype(np.int64), k

    @property
    def _loss(self) -> str:  # type: ignore[override]
        return "bce" if len(self.classes_) == 2 else "cross_entropy"

    def fit(self, X: Any, y: Any, callbacks: Sequence[Any] = ()) -> MLPClassifier:
        """Train (or search λ when l2=None); ``callbacks`` as for MLPRegressor.fit."""
        _check_labels(y)
        self.classes_ = np.unique(np.asarray(y))
        return self._fit(X, y, partial=False, callbacks=callbacks)

    def partial_fit(
        self, X: Any, y: Any, classes: Any = None, callbacks: Sequence[Any] = ()
    ) -> MLPClassifier:
        """One more epoch over (X, y); ``classes`` (all labels) is needed on the first call."""
        if not hasattr(self, "trainer_"):
            if classes is None:
                raise ValueError("classes must be given on the first call to partial_fit")
            self.classes_ = np.unique(np.asarray(classes))
        _check_labels(y)
        return self._fit(X, y, partial=True, callbacks=callbacks)

    def decision_function(self, X: Any) -> np.ndarray:
        out = self._forward(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def predict_proba(self, X: Any) -> np.ndarray:
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1 - p, p])
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    @property
    def coef_(self) -> np.ndarray:
        return self._linear_layer().weight.detach().to("cpu", torch.float64).numpy()

    @property
    def intercept_(self) -> np.ndarray:
        """For k > 2 classes centred to sum 0 (softmax intercepts are unpenalized and only
        their differences are identified), as rw.LogisticRegression reports them."""
        bias = self._linear_layer().bias.detach().to("cpu", torch.float64).numpy()
        return bias - bias.mean() if bias.size > 2 else bias
