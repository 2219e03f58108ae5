"""The new converters in rw.conventions against the real optimizers and losses they name.

Each fits torch with the converted weight_decay and checks *our* objective's solution
(closed-form ridge, scikit-learn's C as the logistic reference), or compares trajectories
step by step where the claim is an identity (coupled decay = explicit penalty; AdamW =
shrink then Adam).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression, Ridge

from ridgeway import conventions as cv


def regression(rng, n=80, p=4):
    X = rng.standard_normal((n, p))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ rng.standard_normal(p) + 0.7 + 0.5 * rng.standard_normal(n)
    return X, y


def train_linear(X, y, wd, loss_fn, steps=800, lr=0.5, optimizer=torch.optim.SGD):
    model = torch.nn.Linear(X.shape[1], 1)
    groups = [{"params": [model.weight], "weight_decay": wd}, {"params": [model.bias]}]
    opt = optimizer(groups, lr=lr)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(model(Xt).squeeze(1), yt).backward()
        opt.step()
    return model.weight.detach().numpy().ravel(), float(model.bias.detach()[0])


@pytest.mark.parametrize("l2", [0.5, 8.0, 60.0])
def test_mse_loss_weight_decay_reaches_sklearn_ridge(rng, l2):
    X, y = regression(rng)
    wd = cv.to_torch_weight_decay(l2, len(y), loss="mse")
    assert wd == pytest.approx(2 * cv.to_sklearn_ridge(l2) / len(y), rel=1e-15)
    coef, intercept = train_linear(X, y, wd, torch.nn.functional.mse_loss, lr=0.3)
    ref = Ridge(alpha=cv.to_sklearn_ridge(l2), solver="cholesky").fit(X, y)
    np.testing.assert_allclose(coef, ref.coef_, atol=1e-9)
    assert intercept == pytest.approx(ref.intercept_, abs=1e-9)


def test_wrong_loss_factor_misses_ridge(rng):
    """The factor 2 of MSELoss matters: the ½r² conversion lands elsewhere."""
    X, y = regression(rng)
    wd = cv.to_torch_weight_decay(30.0, len(y))  # loss=None: our ½r², not torch's MSE
    coef, _ = train_linear(X, y, wd, torch.nn.functional.mse_loss, lr=0.3)
    ref = Ridge(alpha=30.0, solver="cholesky").fit(X, y)
    assert np.max(np.abs(coef - ref.coef_)) > 1e-2


def sgd_step_from(weight, bias, X, y, wd, loss_fn):
    """Largest move of one SGD step (lr 1) with weight_decay=wd from (weight, bias).

    At the minimizer of mean loss + (wd/2)‖w‖² the step is zero: a fixed-point test of the
    conversion that needs no long training run.
    """
    model = torch.nn.Linear(X.shape[1], weight.shape[0])
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(np.atleast_2d(weight)))
        model.bias.copy_(torch.from_numpy(np.atleast_1d(bias)))
    before = [p.detach().clone() for p in (model.weight, model.bias)]
    opt = torch.optim.SGD(
        [{"params": [model.weight], "weight_decay": wd}, {"params": [model.bias]}], lr=1.0
    )
    opt.zero_grad()
    out = model(torch.from_numpy(X))
    loss_fn(out.squeeze(1) if out.shape[1] == 1 else out, torch.from_numpy(y)).backward()
    opt.step()
    moved = zip((model.weight.detach(), model.bias.detach()), before)
    return max(float((p - q).abs().max()) for p, q in moved)


@pytest.mark.parametrize("l2", [0.5, 5.0])
def test_bce_weight_decay_is_stationary_at_sklearn_C(rng, l2):
    X, _ = regression(rng, n=150)
    y01 = (rng.uniform(size=150) < 1 / (1 + np.exp(-(X @ [1.0, -1.0, 0.5, 0.0])))).astype(float)
    ref = LogisticRegression(C=cv.to_sklearn_C(l2), tol=1e-12, solver="newton-cholesky")
    ref.fit(X, y01)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    wd = cv.to_torch_weight_decay(l2, len(y01), loss="bce")
    assert sgd_step_from(ref.coef_, ref.intercept_, X, y01, wd, bce) < 1e-10
    assert sgd_step_from(ref.coef_, ref.intercept_, X, y01, 2 * wd, bce) > 1e-4


def test_cross_entropy_weight_decay_is_stationary_at_sklearn_multinomial(rng):
    X, _ = regression(rng, n=150, p=3)
    labels = np.digitize(X[:, 0] + 0.5 * rng.standard_normal(150), [-0.4, 0.4])
    l2 = 3.0
    ref = LogisticRegression(C=cv.to_sklearn_C(l2), tol=1e-12, solver="newton-cholesky")
    ref.fit(X, labels)
    wd = cv.to_torch_weight_decay(l2, 150, loss="cross_entropy")
    ce = torch.nn.functional.cross_entropy
    assert sgd_step_from(ref.coef_, ref.intercept_, X, labels, wd, ce) < 1e-10
    assert sgd_step_from(ref.coef_, ref.intercept_, X, labels, wd / 2, ce) > 1e-4


@pytest.mark.parametrize("optimizer", [torch.optim.SGD, torch.optim.Adam])
def test_coupled_weight_decay_is_the_explicit_penalty_step_by_step(rng, optimizer):
    """SGD/Adam weight_decay=wd follows exactly the trajectory of mean loss + (wd/2)‖w‖²."""
    X, y = regression(rng)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wd, lr = 0.05, 0.01
    a = torch.nn.Linear(4, 1)
    b = torch.nn.Linear(4, 1)
    b.load_state_dict(a.state_dict())
    opt_a = optimizer([{"params": [a.weight], "weight_decay": wd}, {"params": [a.bias]}], lr=lr)
    opt_b = optimizer(b.parameters(), lr=lr)
    for _ in range(200):
        for model, opt, extra in ((a, opt_a, 0.0), (b, opt_b, 1.0)):
            opt.zero_grad()
            value = torch.nn.functional.mse_loss(model(Xt).squeeze(1), yt)
            (value + extra * 0.5 * wd * model.weight.pow(2).sum()).backward()
            opt.step()
    np.testing.assert_allclose(a.weight.detach().numpy(), b.weight.detach().numpy(), atol=1e-14)


def test_adamw_is_shrink_then_adam_and_has_no_l2(rng):
    X, y = regression(rng)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wd, lr = 0.1, 0.01
    a, b = torch.nn.Linear(4, 1), torch.nn.Linear(4, 1)
    b.load_state_dict(a.state_dict())
    opt_a = torch.optim.AdamW([a.weight], lr=lr, weight_decay=wd)
    opt_b = torch.optim.Adam([b.weight], lr=lr)
    for _ in range(100):
        for model, opt in ((a, opt_a), (b, opt_b)):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(Xt).squeeze(1), yt).backward()
            if model is b:
                with torch.no_grad():
                    b.weight.mul_(1 - lr * wd)  # the decoupled formula θ ← θ(1 − lr·λ)
            opt.step()
    np.testing.assert_allclose(a.weight.detach().numpy(), b.weight.detach().numpy(), atol=1e-14)
    with pytest.raises(ValueError, match="decoupled"):
        cv.to_torch_weight_decay(1.0, 100, loss="mse", optimizer="adamw")
    with pytest.raises(ValueError, match="decoupled"):
        cv.from_torch_weight_decay(wd, 100, optimizer="adamw")


def test_decoupled_decay_timescale_matches_adamw_with_zero_gradient():
    """With no gradient Adam's step is 0, so AdamW alone leaves (1 − lr·wd)^k of a weight."""
    lr, wd, steps_per_epoch = 1e-3, 0.1, 50
    info = cv.decoupled_decay(wd, lr, steps_per_epoch)
    assert info.shrink_per_step == pytest.approx(1e-4, rel=1e-15)
    assert info.tau_steps == pytest.approx(10_000, rel=1e-12)
    assert info.tau_epochs == pytest.approx(200, rel=1e-12)
    w = torch.nn.Parameter(torch.ones(3))
    opt = torch.optim.AdamW([w], lr=lr, weight_decay=wd)
    for _ in range(30 * steps_per_epoch):
        opt.zero_grad()
        (0.0 * w.sum()).backward()
        opt.step()
    assert float(w.detach()[0]) == pytest.approx(info.remaining(30), rel=1e-10)
    # the "150-epoch run": the "typical" 0.1 still leaves half of every weight
    assert info.remaining(150) == pytest.approx(np.exp(-0.75), rel=1e-3)
    assert info.weight_decay_for(info.tau_epochs) == pytest.approx(wd, rel=1e-12)


@pytest.mark.parametrize("loss", [None, "mse", "bce", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_torch_round_trip(loss, reduction):
    for l2 in (0.0, 0.3, 7.0, 1e8):
        wd = cv.to_torch_weight_decay(l2, 37.0, reduction, loss=loss, optimizer="adam")
        back = cv.from_torch_weight_decay(wd, 37.0, reduction, loss=loss)
        assert back == pytest.approx(l2, rel=1e-14)


@pytest.mark.parametrize("loss", ["mse", "bce", "cross_entropy"])
def test_keras_round_trip_and_formula(loss):
    expected = {"mse": 6.0 / 12.0, "bce": 6.0 / 24.0, "cross_entropy": 6.0 / 24.0}[loss]
    assert cv.to_keras_l2(6.0, 12.0, loss) == pytest.approx(expected, rel=1e-15)
    assert cv.from_keras_l2(cv.to_keras_l2(6.0, 12.0, loss), 12.0, loss) == pytest.approx(6.0)


def test_keras_mse_l2_is_half_torch_weight_decay():
    """loshchil/SGDR#4: Keras L2(c) with MSE is torch SGD weight_decay = 2c."""
    c = cv.to_keras_l2(3.0, 50.0, "mse")
    assert cv.to_torch_weight_decay(3.0, 50.0, loss="mse") == pytest.approx(2 * c, rel=1e-15)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cv.to_torch_weight_decay(1.0, 10, loss="hinge"), "^loss must be"),
        (lambda: cv.to_torch_weight_decay(1.0, 10, optimizer="rmsprop"), "^optimizer must be"),
        (lambda: cv.to_keras_l2(1.0, 10, "hinge"), "^loss must be"),
        (lambda: cv.to_keras_l2(-1.0, 10), "^l2 must be"),
        (lambda: cv.from_keras_l2(np.nan, 10), "^c must be"),
        (lambda: cv.to_keras_l2(1.0, 10, decay="optimizer"), "decoupled"),
        (lambda: cv.from_keras_l2(1.0, 10, decay="optimizer"), "decoupled"),
        (lambda: cv.to_keras_l2(1.0, 10, decay="both"), "^decay must be"),
        (lambda: cv.decoupled_decay(-0.1, 1e-3, 10), "^weight_decay must be"),
        (lambda: cv.decoupled_decay(0.1, 0.0, 10), "^lr must be"),
        (lambda: cv.decoupled_decay(0.1, 1e-3, 0), "^steps_per_epoch must be"),
        (lambda: cv.decoupled_decay(10.0, 0.2, 10), "< 1"),
        (lambda: cv.decoupled_decay(0.1, 1e-3, 10).weight_decay_for(0), "^tau_epochs must"),
    ],
)
def test_new_converters_name_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_zero_decay_has_infinite_timescale():
    info = cv.decoupled_decay(0.0, 1e-3, 10)
    assert info.tau_steps == np.inf and info.remaining(1e6) == 1.0
