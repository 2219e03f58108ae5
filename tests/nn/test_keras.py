"""Keras 3 on the torch backend: L2(c) against torch SGD and our λ; decoupled decay; recorder."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported
keras = pytest.importorskip("keras", reason="Keras helpers need keras (the nn extra)")
if keras.backend.backend() != "torch":
    pytest.skip("keras was imported with another backend first", allow_module_level=True)

import torch  # noqa: E402

import ridgeway as rw  # noqa: E402
from ridgeway import conventions as cv  # noqa: E402
from ridgeway.nn import keras as rk  # noqa: E402

# Keras' torch backend tries np.array(x, copy=False) and falls back when numpy >= 2 rejects
# it; under pytest.warns (which records everything) that internal DeprecationWarning shows.
KERAS_NUMPY_COPY = "ignore:__array__ implementation doesn't accept a copy keyword"

LR = 2.0**-4  # exact in float32: Keras keeps its learning rate in a float32 variable


@pytest.fixture(autouse=True)
def _keras_float64():
    """Keras' data adapters cast inputs to floatx: float64 parity needs floatx float64."""
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    yield
    keras.config.set_floatx(previous)


def data(rng, n=64, p=3):
    X = rng.standard_normal((n, p))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, X @ np.array([1.0, -2.0, 0.5]) + 0.3 + 0.4 * rng.standard_normal(n)


def dense_model(p, c=None, units=1, activation=None):
    reg = c if c is None or not isinstance(c, float) else keras.regularizers.L2(c)
    return keras.Sequential(
        [
            keras.Input((p,), dtype="float64"),
            keras.layers.Dense(
                units, dtype="float64", kernel_regularizer=reg, activation=activation
            ),
        ]
    )


def set_weights(model, weight, bias):
    model.layers[0].kernel.assign(np.asarray(weight, dtype=np.float64).T)
    model.layers[0].bias.assign(np.atleast_1d(bias).astype(np.float64))


def test_keras_l2_matches_torch_sgd_with_twice_the_factor(rng):
    """loshchil/SGDR#4 answered: Keras L2(c) on MSE is torch SGD weight_decay = 2c."""
    X, y = data(rng)
    c = 0.05
    model = dense_model(3, c)
    torch_model = torch.nn.Linear(3, 1, dtype=torch.float64)
    set_weights(model, torch_model.weight.detach().numpy(), torch_model.bias.detach().numpy())
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="mse")
    model.fit(X, y, epochs=25, batch_size=len(y), shuffle=False, verbose=0)
    opt = torch.optim.SGD(
        [{"params": [torch_model.weight], "weight_decay": 2 * c}, {"params": [torch_model.bias]}],
        lr=LR,
    )
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(25):
        opt.zero_grad()
        torch.nn.functional.mse_loss(torch_model(Xt).squeeze(1), yt).backward()
        opt.step()
    np.testing.assert_allclose(
        rk.to_numpy(model.layers[0].kernel).T, torch_model.weight.detach().numpy(), atol=1e-12
    )


@pytest.mark.parametrize("l2", [1.0, 20.0])
def test_l2_regularizer_is_stationary_at_rw_ridge(rng, l2):
    X, y = data(rng)
    ref = rw.Ridge(l2=l2).fit(X, y)
    model = dense_model(3, rk.l2_regularizer(l2, len(y), "mse"))
    set_weights(model, ref.coef_[None, :], ref.intercept_)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    model.fit(X, y, epochs=1, batch_size=len(y), shuffle=False, verbose=0)
    # one full-batch step (lr 1) from rw.Ridge's solution moves it by Keras' own rounding
    # only: its fit path is float32-accurate (~5e-8 here; the issue measured 1.8e-8)
    moved = rk.to_numpy(model.layers[0].kernel).ravel() - ref.coef_
    assert np.max(np.abs(moved)) < 2e-7
    wrong = dense_model(3, rk.l2_regularizer(2 * l2, len(y), "mse"))
    set_weights(wrong, ref.coef_[None, :], ref.intercept_)
    wrong.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    wrong.fit(X, y, epochs=1, batch_size=len(y), shuffle=False, verbose=0)
    assert np.max(np.abs(rk.to_numpy(wrong.layers[0].kernel).ravel() - ref.coef_)) > 1e-3


def test_l2_regularizer_bce_is_stationary_at_rw_logistic(rng):
    X, y = data(rng)
    labels = (y + rng.standard_normal(len(y)) > 0.3).astype(np.float64)
    ref = rw.LogisticRegression(l2=2.0, tol=1e-12).fit(X, labels)
    model = dense_model(3, rk.l2_regularizer(2.0, len(y), "bce"), activation="sigmoid")
    set_weights(model, ref.coef_, ref.intercept_)
    model.compile(optimizer=keras.optimizers.SGD(1.0), loss="binary_crossentropy")
    model.fit(X, labels, epochs=1, batch_size=len(y), shuffle=False, verbose=0)
    # Keras clips probabilities at 1e-7: the fixed point holds to that precision
    np.testing.assert_allclose(rk.to_numpy(model.layers[0].kernel).ravel(), ref.coef_[0], atol=1e-7)


def test_keras_adamw_with_exclusions_is_torch_adamw_with_groups(rng):
    """Same epsilon (Keras 1e-7, torch 1e-8 by default), bias excluded on both sides.

    Keras folds the bias corrections into the step size and adds ε to √v unscaled, torch
    scales √v first: with one ε they agree to ε-relative terms (≈3e-6 here), not to 1e-12.
    """
    X, y = data(rng)
    model = dense_model(3)
    torch_model = torch.nn.Linear(3, 1, dtype=torch.float64)
    set_weights(model, torch_model.weight.detach().numpy(), torch_model.bias.detach().numpy())
    opt = keras.optimizers.AdamW(learning_rate=LR, weight_decay=0.25, epsilon=1e-8)
    excluded = rk.exclude_from_decay(opt, model)
    assert [p.rsplit("/", 1)[-1] for p in excluded] == ["bias"]
    model.compile(optimizer=opt, loss="mse")
    model.fit(X, y, epochs=20, batch_size=len(y), shuffle=False, verbose=0)
    torch_opt = torch.optim.AdamW(rw.nn.param_groups(torch_model, 0.25), lr=LR, eps=1e-8)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(20):
        torch_opt.zero_grad()
        torch.nn.functional.mse_loss(torch_model(Xt).squeeze(1), yt).backward()
        torch_opt.step()
    np.testing.assert_allclose(
        rk.to_numpy(model.layers[0].kernel).T, torch_model.weight.detach().numpy(), rtol=1e-5
    )
    np.testing.assert_allclose(
        rk.to_numpy(model.layers[0].bias), torch_model.bias.detach().numpy(), rtol=1e-5
    )


def test_exclusions_cover_normalization_layers_and_biases():
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(5, name="dense"),
            keras.layers.BatchNormalization(name="batch_normalization"),
            keras.layers.LayerNormalization(name="layer_normalization"),
            keras.layers.RMSNormalization(name="rms_normalization"),
            keras.layers.Dense(1, use_bias=False, name="dense_1"),
        ]
    )
    decayed, excluded = rk.decayed_variables(model)
    assert [v.path.split("/")[-2:] for v in decayed] == [["dense", "kernel"], ["dense_1", "kernel"]]
    names = {"/".join(v.path.split("/")[-2:]) for v in excluded}
    assert names == {
        "dense/bias",
        "batch_normalization/gamma",
        "batch_normalization/beta",
        "layer_normalization/gamma",
        "layer_normalization/beta",
        "rms_normalization/scale",
    }
    opt = keras.optimizers.AdamW(weight_decay=0.1)
    rk.exclude_from_decay(opt, model)
    opt.build(model.trainable_variables)
    assert all(opt._use_weight_decay(v) for v in decayed)
    assert not any(opt._use_weight_decay(v) for v in excluded)


def test_decoupled_decay_beside_l2_warns():
    model = dense_model(3, 0.1)
    assert not rk.warn_if_decoupled(model, keras.optimizers.SGD(0.1))
    with pytest.warns(UserWarning, match="decoupled"):
        assert rk.warn_if_decoupled(model, keras.optimizers.AdamW(weight_decay=0.01))


class ListSink:
    def __init__(self):
        self.rows = []

    def log(self, metrics, step):
        self.rows.append((step, dict(metrics)))


def test_recorder_records_data_losses_gap_norms_and_feeds_a_sink(rng):
    X, y = data(rng)
    model = dense_model(3, 0.5)
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="mse")
    sink = ListSink()
    recorder = rk.DecayRecorder(sink=sink)
    Xv, yv = X[:16], y[:16]
    model.fit(
        X, y, epochs=3, batch_size=16, verbose=0, validation_data=(Xv, yv), callbacks=[recorder]
    )
    history = recorder.history
    assert len(history) == 3 and [s for s, _ in sink.rows] == [1, 2, 3]
    pred = rk.to_numpy(model(Xv))[:, 0]
    # val_loss is the data loss alone (Keras logs it with the penalty, in float32)
    assert history.records[-1].val_loss == pytest.approx(np.mean((pred - yv) ** 2), rel=1e-6)
    kernel = rk.to_numpy(model.layers[0].kernel)
    assert history.records[-1].norms["decayed"] == pytest.approx(np.linalg.norm(kernel))
    assert sink.rows[-1][1]["gap"] == pytest.approx(history.records[-1].gap)
    assert history.records[-1].decay_per_step == 0.0


def test_recorder_logs_into_a_real_monitor_store(rng, tmp_path):
    """Keras' recorder into rw.monitor (SQLite): a batch per epoch, the gap rule evaluated."""
    pytest.importorskip("sqlalchemy", reason="rw.monitor needs the monitor extra")
    from ridgeway.monitor import Monitor
    from ridgeway.nn.monitoring import MonitorSink

    X, y = data(rng)
    model = dense_model(3, 0.5)
    model.compile(optimizer=keras.optimizers.SGD(LR), loss="mse")
    with Monitor(f"sqlite:///{tmp_path / 'monitor.db'}") as monitor:
        sink = MonitorSink(monitor, "keras-training", l2=0.5)
        sink.watch_gap(above=-1e9, patience=2)  # every epoch breaches: opens at the second
        recorder = rk.DecayRecorder(sink=sink)
        model.fit(X, y, epochs=3, batch_size=16, verbose=0, validation_data=(X[:16], y[:16]),
                  callbacks=[recorder])  # fmt: skip
        stored = monitor.metrics("keras-training", "gap").sort_values("batch_id")
        np.testing.assert_allclose(stored["value"], recorder.history.column("gap"), rtol=1e-12)
        norms = monitor.metrics("keras-training", "norm_decayed").sort_values("batch_id")
        np.testing.assert_allclose(norms["value"], recorder.history.column("norm_decayed"))
        alerts = monitor.alerts("keras-training")
        assert len(alerts) == 1 and alerts["status"].iloc[0] == "open"
        assert monitor.versions("keras-training")["l2"].iloc[0] == 0.5


@pytest.mark.filterwarnings(KERAS_NUMPY_COPY)
def test_recorder_warns_when_training_starts_with_both_decays(rng):
    X, y = data(rng, n=16)
    model = dense_model(3, 0.5)
    model.compile(optimizer=keras.optimizers.AdamW(weight_decay=0.01), loss="mse")
    with pytest.warns(UserWarning, match="decoupled"):
        model.fit(X, y, epochs=1, verbose=0, callbacks=[rk.DecayRecorder()])


def test_tensorflow_backend_gives_the_same_conversion():
    """TensorFlow is not a dependency: this runs only where it is installed."""
    pytest.importorskip("tensorflow", reason="tensorflow is not installed (not a dependency)")
    code = (
        "import keras, numpy as np; from ridgeway.nn import keras as rk\n"
        "r = rk.l2_regularizer(3.0, 12, 'mse'); print(r.l2)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert float(out.stdout.strip()) == pytest.approx(cv.to_keras_l2(3.0, 12, "mse"))


def test_no_stray_warnings_from_the_helpers():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rk.l2_regularizer(1.0, 10, "bce")
