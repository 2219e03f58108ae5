import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

import ridgeway as rw
from ridgeway.monitor import Monitor

DAY = 86400.0
T0 = 1.7e9


def test_register_stores_model_lambda_and_reference_kpis(sqlite_url, regression):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        assert mon.register("house", model, X, y) == 1
        version = mon.load("house")
        assert np.allclose(version.model.coef_, model.coef_)  # the safe format round-trips
        train = version.reference["train"]
        assert np.isclose(train["mse"], skm.mean_squared_error(y, model.predict(X)))
        assert np.isclose(train["r2"], skm.r2_score(y, model.predict(X)))
        selection = version.reference["selection"]
        assert selection["cv"] == "loo" and selection["estimator"] == "RidgeCV"
        best = model.cv_results_["best_index"]
        assert np.isclose(selection["validation_score"], model.cv_results_["mean_score"][best])
        assert np.isclose(
            version.reference["coefficients"]["effective_df"], model.cv_results_["df"][best]
        )
        assert set(version.feature_stats) == {"x0", "x1", "x2", "x3"}
        versions = mon.versions("house")
        assert versions["l2"].tolist() == [pytest.approx(model.l2_)]
        assert mon.register("house", model, X, y) == 2
        with pytest.raises(ValueError, match="version must be above 2"):
            mon.register("house", model, X, y, version=2)


def test_log_records_metrics_gap_error_change_and_drift(sqlite_url, regression, make_batch):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("house", model, X, y)
        Xb, yb = make_batch(n=150, shift=0.5, noise=2.0)
        batch = mon.log("house", Xb, yb, at=T0)
        frame = mon.metrics("house")
        assert set(frame["batch_id"]) == {batch}
        model_level = frame[frame.feature.isna()].set_index("metric")["value"]
        mse = skm.mean_squared_error(yb, model.predict(Xb))
        train_mse = skm.mean_squared_error(y, model.predict(X))
        assert np.isclose(model_level["mse"], mse)
        assert np.isclose(model_level["gap"], mse - train_mse)  # positive: the batch is worse
        assert np.isclose(model_level["error_change_pct"], 100 * (mse - train_mse) / train_mse)
        shift = frame[(frame.metric == "mean_shift") & (frame.feature == "x0")]["value"].item()
        assert np.isclose(shift, (Xb[:, 0].mean() - X[:, 0].mean()) / X[:, 0].std())
        assert frame["ts"].iloc[0] == pd.Timestamp(T0, unit="s", tz="UTC")
        # without labels: drift and the mean prediction only
        mon.log("house", Xb, at=T0 + DAY)
        unlabelled = mon.metrics("house", since=T0 + DAY)
        assert "gap" not in set(unlabelled.metric) and "psi" in set(unlabelled.metric)


def test_classification_gap_is_in_accuracy(sqlite_url, classification):
    model, X, y = classification
    with Monitor(sqlite_url) as mon:
        mon.register("credit", model, X, y)
        flipped = np.where(y == "bad", "good", "bad")
        mon.log("credit", X, flipped, at=T0)
        values = mon.metrics("credit").set_index("metric")["value"]
        accuracy = skm.accuracy_score(y, model.predict(X))
        assert np.isclose(values["accuracy"], 1 - accuracy)
        assert np.isclose(values["gap"], accuracy - (1 - accuracy))
        proba = model.predict_proba(X)
        assert np.isclose(values["log_loss"], skm.log_loss(flipped, proba, labels=model.classes_))


def test_gap_rule_patience_dedup_recovery_and_ack(store_url, regression, make_batch):
    model, X, y = regression
    mon = Monitor(store_url)
    mon.register("house", model, X, y)
    rule = mon.add_rule("house", "gap", above=2.0, patience=2, severity="critical")
    noise = [1, 3, 1, 3, 3, 3, 3, 1, 1]  # gap ≈ noise² − 1
    for day, level in enumerate(noise):
        Xb, yb = make_batch(n=400, noise=level)
        mon.log("house", Xb, yb, at=T0 + day * DAY)
        state = mon.rules("house").set_index("id").loc[rule, "state"]
        if day == 1:
            assert state == "pending" and mon.alerts().empty
    alerts = mon.alerts("house")
    assert len(alerts) == 1  # one alert for days 3..6, no duplicates
    alert = alerts.iloc[0]
    assert alert.status == "resolved" and alert.severity == "critical"
    assert alert.opened_at == pd.Timestamp(T0 + 4 * DAY, unit="s", tz="UTC")
    assert alert.resolved_at == pd.Timestamp(T0 + 7 * DAY, unit="s", tz="UTC")
    assert [p["batch_id"] for p in alert.evidence] == [4, 5]  # the breaching batches
    gaps = mon.metrics("house", metric="gap").set_index("batch_id")["value"]
    assert [p["value"] for p in alert.evidence] == pytest.approx([gaps[4], gaps[5]])
    assert alert.n_breaches == 4
    assert mon.events(int(alert.id))["kind"].tolist() == ["opened", "resolved"]
    assert mon.acknowledge(int(alert.id), by="ana") and not mon.acknowledge(int(alert.id))
    assert mon.alerts().iloc[0].acknowledged_by == "ana"
    assert mon.events(int(alert.id))["kind"].tolist() == ["opened", "resolved", "acknowledged"]
    mon.close()


def test_relative_rule_warmup_and_log_metrics(sqlite_url, regression):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("house", model, X, y)
        ref = mon.load("house").reference["train"]["mse"]
        mon.add_rule("house", "mse", above=0.5, relative_to_reference=True, warmup=1)
        mon.log_metrics("house", {"mse": ref * 3}, at=T0)  # warmup: ignored
        assert mon.alerts().empty
        mon.log_metrics("house", {"mse": ref * 1.4}, at=T0 + DAY)  # +40 %: fine
        assert mon.alerts().empty
        mon.log_metrics("house", {"mse": ref * 1.6, "latency_ms": 12.0}, at=T0 + 2 * DAY)
        open_alerts = mon.alerts(status="open")
        assert len(open_alerts) == 1
        assert open_alerts.iloc[0].last_value == pytest.approx(0.6)
        assert set(mon.metrics("house")["metric"]) == {"mse", "latency_ms"}
        with pytest.raises(ValueError, match="non-zero reference value of 'gap'"):
            mon.add_rule("house", "gap", above=0.1, relative_to_reference=True)


def test_drift_rule_on_one_feature_without_labels(sqlite_url, regression, make_batch):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("house", model, X, y)
        mon.add_rule("house", "psi", feature="x1", above=0.25)
        mon.add_rule("house", "psi_max", above=0.25, severity="critical")
        Xb, _ = make_batch(n=500)
        Xb[:, 1] += 1.5
        mon.log("house", Xb, at=T0)
        alerts = mon.alerts(status="open")
        assert sorted(alerts.metric) == ["psi", "psi_max"]


def test_dataframes_and_preprocessing(sqlite_url, rng):
    from ridgeway.app.preprocess import fit_preprocessor

    frame = pd.DataFrame({"income": rng.normal(50, 10, 300), "region": rng.choice(["n", "s"], 300)})
    target = 0.1 * frame["income"] + (frame["region"] == "n") + rng.normal(size=300)
    pre = fit_preprocessor(frame, categorical=["region"])
    model = rw.RidgeCV().fit(pre.transform(frame), target)
    with Monitor(sqlite_url) as mon:
        mon.register("sales", model, frame, target, preprocessor=pre)
        moved = frame.assign(income=frame["income"] + 15)
        mon.log("sales", moved, target, at="2026-01-01")
        drift = mon.metrics("sales", metric="mean_shift").set_index("feature")["value"]
        assert drift["income"] == pytest.approx(15 / frame["income"].std(ddof=0), rel=1e-6)
        assert set(drift.index) == {"income", "region=n", "region=s"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda mon, X, y: mon.log("nope", X, y), "model 'nope' is not registered"),
        (lambda mon, X, y: mon.log("house", X[:, :2], y), "X must have the registered features"),
        (lambda mon, X, y: mon.log("house", X, y[:3]), "y must have one label per row"),
        (lambda mon, X, y: mon.log("house", X[:0]), "X must have at least one row"),
        (lambda mon, X, y: mon.log("house", X, at="yesterday"), "at must be an ISO date"),
        (
            lambda mon, X, y: mon.log_metrics("house", {"mse": "x"}),
            "value of 'mse' must be a number",
        ),
        (lambda mon, X, y: mon.register("", None, X, y), "name must be a non-empty string"),
        (lambda mon, X, y: mon.alerts(status="closed"), "status must be one of"),
        (lambda mon, X, y: mon.register("h2", rw.Ridge(), X, y), "model must be a fitted"),
    ],
)
def test_bad_input_names_the_argument(sqlite_url, regression, call, message):
    model, X, y = regression
    with Monitor(sqlite_url) as mon:
        mon.register("house", model, X, y)
        with pytest.raises((ValueError, KeyError), match=message):
            call(mon, X, y)
