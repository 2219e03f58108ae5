"""Classification metrics over a λ grid agree with scikit-learn's, one grid value at a time."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

from ridgeway.selection.classification_scoring import (
    CLASSIFICATION_METRICS,
    get_classification_metric,
)


def _scores(rng, n, L, k):
    raw = rng.standard_normal((n, L, k))
    proba = np.exp(raw)
    return proba / proba.sum(axis=2, keepdims=True)


@pytest.mark.parametrize("k", [2, 3])
def test_against_sklearn(rng, k, n=60, L=4):
    labels = rng.integers(0, k, n)
    proba = _scores(rng, n, L, k)
    w = rng.uniform(0.5, 2.0, n)
    for j in range(L):
        P = proba[:, j]
        pred = P.argmax(axis=1)
        expected = {
            "neg_log_loss": -log_loss(labels, P, sample_weight=w, labels=np.arange(k)),
            "accuracy": accuracy_score(labels, pred, sample_weight=w),
            "f1": f1_score(labels, pred, sample_weight=w, average="binary" if k == 2 else "macro"),
            "roc_auc": roc_auc_score(labels, P[:, 1], sample_weight=w)
            if k == 2
            else np.mean([roc_auc_score(labels == c, P[:, c], sample_weight=w) for c in range(k)]),
        }
        for name, value in expected.items():
            ours = CLASSIFICATION_METRICS[name].score(labels, proba, w)[j]
            assert ours == pytest.approx(value, rel=1e-10), name


def test_per_sample_only_for_means(rng):
    labels = rng.integers(0, 2, 10)
    proba = _scores(rng, 10, 2, 2)
    assert CLASSIFICATION_METRICS["accuracy"].per_sample(labels, proba).shape == (10, 2)
    with pytest.raises(ValueError, match="not a mean of per-sample"):
        CLASSIFICATION_METRICS["roc_auc"].per_sample(labels, proba)


def test_unknown_scoring_is_named():
    with pytest.raises(ValueError, match="scoring must be None or one of"):
        get_classification_metric("r2", "accuracy")
    assert get_classification_metric(None, "accuracy").name == "accuracy"


def test_log_loss_clips_where_sklearn_does():
    # issue 10 item 13: probabilities under 1e-15 (a confident wrong call at small λ) are
    # clipped at float eps by scikit-learn 1.9, not at 1e-15; the fold scores must agree
    labels = np.array([0, 1, 2, 0, 1])
    picked = np.array([1e-20, 1e-16, 3e-16, 1.0, 0.5])
    proba = np.empty((5, 1, 3))
    for i, (c, q) in enumerate(zip(labels, picked)):
        proba[i, 0, :] = (1.0 - q) / 2
        proba[i, 0, c] = q
    metric = CLASSIFICATION_METRICS["neg_log_loss"]
    expected = -log_loss(labels, proba[:, 0, :], labels=np.arange(3))
    assert metric.score(labels, proba)[0] == pytest.approx(expected, rel=1e-14)
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(
        metric.per_sample(labels, proba)[:3, 0], np.log([eps, eps, 3e-16]), rtol=1e-14
    )
