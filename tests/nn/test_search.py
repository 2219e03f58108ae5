"""WeightDecaySearch: the grid per optimizer, the halving budget, the choice and the flags."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

import ridgeway as rw
from ridgeway import conventions as cv
from ridgeway.nn import SinkCallback, WeightDecaySearch
from ridgeway.nn.grids import halving_rungs
from ridgeway.selection.rules import select_index

KEYS = {"l2", "mean_score", "std_error", "train_score", "gap", "df", "best_index"}


def problem(rng, n=160, p=12):
    X = rng.standard_normal((n, p))
    y = X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(n)
    return X, y


def build() -> nn.Module:
    return nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.LayerNorm(32), nn.Linear(32, 1))


def test_full_search_records_and_chooses_by_validation_loss(rng):
    X, y = problem(rng)
    search = WeightDecaySearch(build, "sgd", epochs=6, lr=0.05, early_stopping=False).fit(X, y)
    res = search.cv_results_
    assert KEYS <= set(res)
    ridge, logistic = rw.RidgeCV(cv=3).fit(X, y), rw.LogisticRegressionCV(cv=3)
    logistic.fit(X, y > np.median(y))
    assert set(ridge.cv_results_) | set(logistic.cv_results_) <= set(res)  # their keys too
    np.testing.assert_array_equal(res["fold_scores"][:, 0], res["mean_score"])
    assert len(res["l2"]) == 8 and np.all(np.diff(res["l2"]) > 0)
    assert search.best_index_ == select_index(res["l2"], res["mean_score"], res["std_error"])
    np.testing.assert_allclose(res["gap"], res["train_score"] - res["mean_score"])
    # the default coupled grid spans torch weight_decay 1e-5 … 1 on the training rows
    n_train = 128
    wd = [cv.to_torch_weight_decay(v, n_train, loss="mse") for v in res["l2"][[0, -1]]]
    np.testing.assert_allclose(wd, [1e-5, 1.0], rtol=1e-12)
    np.testing.assert_allclose(
        res["weight_decay"],
        [cv.to_torch_weight_decay(v, n_train, loss="mse") for v in res["l2"]],
        rtol=1e-12,
    )
    history = search.histories_[0]
    assert len(history) == 6
    frame = history.to_frame()
    assert {"train_loss", "val_loss", "gap", "norm_decayed", "norm_undecayed"} <= set(frame)
    np.testing.assert_allclose(frame["decay_per_step"], 0.05 * res["weight_decay"][0])


def test_validation_score_is_the_kept_models_loss(rng):
    X, y = problem(rng)
    Xv, yv = problem(rng, n=50)
    search = WeightDecaySearch(
        build, "adam", l2=[0.0, 5.0], epochs=5, lr=1e-2, validation_data=(Xv, yv)
    ).fit(X, y)
    model = search.best_model_
    with torch.no_grad():
        pred = model(torch.from_numpy(Xv)).numpy().ravel()
    assert -np.mean((pred - yv) ** 2) == pytest.approx(
        search.cv_results_["mean_score"][search.best_index_], rel=1e-12
    )


def test_halving_costs_at_most_three_full_runs(rng):
    X, y = problem(rng)
    epochs = 16
    search = WeightDecaySearch(
        build, "sgd", epochs=epochs, lr=0.05, budget="halving", early_stopping=False
    ).fit(X, y)
    assert search.total_epochs_ == pytest.approx(2.5 * epochs)
    assert search.total_epochs_ <= 3 * epochs
    trained = search.cv_results_["epochs"]
    assert trained.max() == epochs and np.sum(trained == epochs) == 1
    # only the run that trained to the end is eligible, for either rule's index
    res = search.cv_results_
    assert list(np.flatnonzero(res["finalist"])) == [search.best_index_]
    assert res["index_min"] == search.best_index_ and res["index_1se"] == search.best_index_
    assert search.cv_results_["epochs"][search.best_index_] == epochs


def test_rungs():
    assert halving_rungs(8, 40, 2) == [(5, 8), (10, 4), (20, 2), (40, 1)]
    assert halving_rungs(8, 27, 3) == [(3, 8), (9, 3), (27, 1)]
    with pytest.raises(ValueError, match=r"^halving_factor"):
        halving_rungs(8, 10, 1)


def test_adamw_grid_spans_one_epoch_to_all_epochs(rng):
    X, y = problem(rng)
    search = WeightDecaySearch(build, "adamw", epochs=4, batch_size=32).fit(X, y)
    tau = search.cv_results_["tau_epochs"]
    np.testing.assert_allclose(tau[[0, -1]], [4.0, 1.0], rtol=1e-12)
    np.testing.assert_allclose(search.cv_results_["weight_decay"], search.cv_results_["l2"])


def build_plain() -> nn.Module:
    return nn.Sequential(nn.Linear(12, 32), nn.ReLU(), nn.Linear(32, 1))


def test_huge_decay_is_flagged_as_collapse(rng):
    X, y = problem(rng)
    search = WeightDecaySearch(
        build_plain, "sgd", l2=[0.0, 300.0], epochs=30, lr=0.1, early_stopping=False
    ).fit(X, y)
    assert list(search.collapsed_) == [False, True]
    assert not search.cv_results_["diverged"].any()
    assert search.cv_results_["norm_decayed"][1] < 0.05
    assert search.l2_ == 0.0


def test_divergence_is_flagged_and_never_chosen(rng):
    """With LayerNorm after it, a decayed layer's gradient grows as its norm shrinks."""
    X, y = problem(rng)
    search = WeightDecaySearch(
        build, "sgd", l2=[0.0, 3000.0], epochs=10, lr=0.1, early_stopping=False
    ).fit(X, y)
    assert list(search.cv_results_["diverged"]) == [False, True]
    assert search.best_index_ == 0


def test_one_standard_error_rule_prefers_larger_decay(rng):
    X, y = problem(rng)
    args = {"epochs": 4, "lr": 0.05, "l2": np.geomspace(1e-2, 1e2, 5), "early_stopping": False}
    low = WeightDecaySearch(build, "sgd", rule="min", **args).fit(X, y)
    high = WeightDecaySearch(build, "sgd", rule="1se", **args).fit(X, y)
    assert high.l2_ >= low.l2_
    np.testing.assert_allclose(low.cv_results_["mean_score"], high.cv_results_["mean_score"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"optimizer": "rmsprop"}, "^optimizer must be"),
        ({"budget": "bandit"}, "^budget must be"),
        ({"rule": "max"}, "^rule must be"),
        ({"epochs": 0}, "^epochs must be"),
        ({"l2": [-1.0]}, "^l2 must be"),
        ({"validation_fraction": 1.5}, "^validation_fraction must be"),
    ],
)
def test_bad_arguments_are_named(rng, kwargs, match):
    X, y = problem(rng, n=20)
    with pytest.raises(ValueError, match=match):
        WeightDecaySearch(build, **{"epochs": 1, **kwargs}).fit(X, y)


class ListSink:
    def __init__(self):
        self.rows = []

    def log(self, metrics, step):
        self.rows.append((step, dict(metrics)))


def test_callbacks_and_a_metric_sink_see_every_epoch_of_every_run(rng):
    X, y = problem(rng)
    sink = ListSink()
    search = WeightDecaySearch(
        build, "sgd", l2=[0.0, 1.0], epochs=3, lr=0.05, callbacks=[SinkCallback(sink)]
    ).fit(X, y)
    assert [(s, m["run"]) for s, m in sink.rows] == [(1, 0), (2, 0), (3, 0), (1, 1), (2, 1), (3, 1)]
    last = search.histories_[1].records[-1]
    assert sink.rows[-1][1]["val_loss"] == last.val_loss
    assert sink.rows[-1][1]["norm_decayed"] == last.norms["decayed"]
