"""MLP estimators: hidden=() is rw.Ridge / rw.LogisticRegression; the rest of the contract."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

import ridgeway as rw
from ridgeway.nn import MLPClassifier, MLPRegressor


def data(rng, n=120, p=5):
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 2.5, p)
    y = X @ rng.standard_normal(p) + 1.0 + rng.standard_normal(n)
    return X, y


@pytest.mark.parametrize("l2", [0.0, 0.3, 30.0])
def test_linear_mlp_is_ridge(rng, l2):
    X, y = data(rng)
    mlp = MLPRegressor(hidden=(), l2=l2, optimizer="lbfgs", random_state=0).fit(X, y)
    ref = rw.Ridge(l2=l2).fit(X, y)
    np.testing.assert_allclose(mlp.coef_, ref.coef_, atol=1e-6)
    assert mlp.intercept_ == pytest.approx(ref.intercept_, abs=1e-6)
    np.testing.assert_allclose(mlp.predict(X), ref.predict(X), atol=1e-6)


def test_linear_mlp_multi_output_is_ridge(rng):
    X, y = data(rng)
    Y = np.column_stack([y, -2 * y + rng.standard_normal(len(y))])
    mlp = MLPRegressor(hidden=(), l2=4.0, optimizer="lbfgs", random_state=0).fit(X, Y)
    ref = rw.Ridge(l2=4.0).fit(X, Y)
    np.testing.assert_allclose(mlp.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(mlp.intercept_, ref.intercept_, atol=1e-6)


@pytest.mark.parametrize("l2", [0.1, 10.0])
def test_linear_mlp_is_binary_logistic_regression(rng, l2):
    X, y = data(rng)
    labels = np.where(y + rng.standard_normal(len(y)) > 1.0, "yes", "no")
    mlp = MLPClassifier(hidden=(), l2=l2, optimizer="lbfgs", random_state=0).fit(X, labels)
    ref = rw.LogisticRegression(l2=l2, tol=1e-12).fit(X, labels)
    np.testing.assert_allclose(mlp.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(mlp.intercept_, ref.intercept_, atol=1e-6)
    np.testing.assert_allclose(mlp.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert list(mlp.classes_) == ["no", "yes"]


def test_linear_mlp_is_multinomial_logistic_regression(rng):
    X, y = data(rng)
    labels = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    mlp = MLPClassifier(hidden=(), l2=2.0, optimizer="lbfgs", random_state=0).fit(X, labels)
    ref = rw.LogisticRegression(l2=2.0, tol=1e-12).fit(X, labels)
    np.testing.assert_allclose(mlp.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(mlp.intercept_, ref.intercept_, atol=1e-6)


def test_linear_mlp_full_batch_sgd_converges_to_ridge(rng):
    X, y = data(rng)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    mlp = MLPRegressor(
        hidden=(), l2=5.0, optimizer="sgd", lr=0.4, epochs=600, batch_size=None, random_state=0
    ).fit(X, y)
    ref = rw.Ridge(l2=5.0).fit(X, y)
    np.testing.assert_allclose(mlp.coef_, ref.coef_, atol=1e-6)
    assert len(mlp.history_) == 600


def test_random_state_reproduces_and_fit_keeps_parameters(rng):
    X, y = data(rng)
    est = MLPRegressor(hidden=(16,), l2=1.0, epochs=5, random_state=7)
    a = clone(est).fit(X, y).predict(X)
    b = clone(est).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    c = MLPRegressor(hidden=(16,), l2=1.0, epochs=5, random_state=8).fit(X, y).predict(X)
    assert np.max(np.abs(a - c)) > 1e-6
    assert est.get_params()["hidden"] == (16,) and est.l2 == 1.0


def test_early_stopping_keeps_the_best_epoch(rng):
    X, y = data(rng, n=200)
    est = MLPRegressor(
        hidden=(32,),
        l2=0.0,
        epochs=60,
        early_stopping=True,
        patience=3,
        lr=0.05,
        random_state=0,
    ).fit(X, y)
    history = est.history_
    assert len(history) < 60
    assert history.best_epoch == len(history) - 3


def test_partial_fit_continues_one_epoch_at_a_time(rng):
    X, y = data(rng)
    labels = np.digitize(y, [0.0, 2.0])
    est = MLPClassifier(hidden=(8,), l2=0.5, optimizer="sgd", lr=0.1, random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clone(est).partial_fit(X, labels)
    est.partial_fit(X[:60], labels[:60], classes=[0, 1, 2])
    est.partial_fit(X[60:], labels[60:])
    assert len(est.history_) == 2
    assert est.predict_proba(X).shape == (len(X), 3)
    with pytest.raises(AttributeError, match=r"hidden=\(\)"):
        est.coef_


def test_search_when_l2_is_none(rng):
    X, y = data(rng)
    est = MLPRegressor(hidden=(8,), l2=None, epochs=8, l2_grid=[0.0, 1.0, 100.0], random_state=0)
    est.fit(X, y)
    assert est.l2_ in (0.0, 1.0, 100.0)
    assert set(est.cv_results_) >= {"l2", "mean_score", "std_error", "gap", "best_index"}
    assert est.search_.total_epochs_ <= 3 * 8


def test_adamw_takes_l2_as_its_own_decoupled_weight_decay(rng):
    """optimizer="adamw": l2 is AdamW's weight_decay as is (no λ to convert), biases free."""
    X, y = data(rng, n=50, p=3)
    mlp = MLPRegressor(hidden=(), l2=0.5, optimizer="adamw", lr=0.05, epochs=6,
                       batch_size=None, random_state=3).fit(X, y)  # fmt: skip
    assert mlp.weight_decay_ == 0.5 and mlp.l2_ == 0.5
    torch.manual_seed(3)
    net = torch.nn.Sequential(torch.nn.Linear(3, 1)).to(torch.float64)
    layer = net[0]
    opt = torch.optim.AdamW(
        [{"params": [layer.weight], "weight_decay": 0.5}, {"params": [layer.bias],
          "weight_decay": 0.0}], lr=0.05,
    )  # fmt: skip
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(6):
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(Xt).ravel(), yt).backward()
        opt.step()
    np.testing.assert_allclose(mlp.coef_, layer.weight.detach().numpy()[0], rtol=1e-12)
    assert mlp.intercept_ == pytest.approx(float(layer.bias.detach()), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"l2": -1.0}, "^l2 must be"),
        ({"hidden": (0,)}, "^hidden must be"),
        ({"optimizer": "rmsprop"}, "^optimizer must be"),
        ({"activation": "swish"}, "^activation must be"),
        ({"dtype": "float16"}, "^dtype must be"),
        ({"l2": None, "optimizer": "lbfgs"}, "mini-batch"),
        ({"random_state": "x"}, "^random_state must be"),
    ],
)
def test_bad_parameters_are_named(rng, kwargs, match):
    X, y = data(rng, n=20)
    with pytest.raises(ValueError, match=match):
        MLPRegressor(**{"epochs": 1, **kwargs}).fit(X, y)


def test_bad_data(rng):
    X, y = data(rng, n=20)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="at least two classes"):
        MLPClassifier(epochs=1).fit(np.ones((5, 2)), np.zeros(5))


@pytest.mark.slow
@pytest.mark.parametrize("cls", [MLPRegressor, MLPClassifier])
def test_scikit_learn_estimator_contract(cls):
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        # scikit-learn's checks feed data on which a few epochs do not converge
        warnings.simplefilter("ignore", category=UserWarning)
        check_estimator(cls(hidden=(16,), epochs=40, lr=1e-2, random_state=0))


def test_device_option_on_cpu_and_cuda_when_present(rng):
    import torch

    X, y = data(rng)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    preds = [
        MLPRegressor(hidden=(), l2=1.0, optimizer="lbfgs", device=d, random_state=0)
        .fit(X, y)
        .predict(X)
        for d in devices
    ]
    for pred in preds[1:]:
        np.testing.assert_allclose(pred, preds[0], atol=1e-6)
    assert (
        next(iter(MLPRegressor(epochs=1, random_state=0).fit(X, y).model_.parameters())).device.type
        == "cpu"
    )
