"""
# Demand forecasting: next week's hourly bike rentals from the last two weeks

Capital Bikeshare's hourly rentals for 2011 (8 645 hours) ship with ridgeway. A forecaster
that must follow the seasons refits often on recent data: here, on the last two weeks
(336 hours) to forecast the next week, hour by hour. The features let every hour of
the day have its own level on working and free days, its own weather effect and its own
temperature slope — a few hundred features from a few hundred hours, where least squares
overfits and ridge earns its keep. λ is chosen by exact leave-one-out and by time-ordered
folds (scikit-learn's ``TimeSeriesSplit``), which never validate on the past.
"""

# %%
# Hour-specific features
# ----------------------
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit

import ridgeway as rw

bikes = rw.datasets.load_bikeshare()
hour = pd.get_dummies(bikes["hr"], prefix="h", dtype=float)
weather = pd.get_dummies(bikes["weathersit"], dtype=float)
parts = [hour.mul(bikes["workingday"] == w, axis=0).add_prefix(f"work{w}_") for w in (0, 1)]
parts += [hour.mul(weather[c], axis=0).add_prefix(f"{c}_") for c in weather.columns[1:]]
parts += [hour.mul(bikes[c], axis=0).add_prefix(f"{c}_") for c in ["temp", "atemp", "hum"]]
features = pd.concat(parts, axis=1)
y = np.log1p(bikes["bikers"].to_numpy())  # rentals vary over two orders of magnitude
day = bikes["day"].to_numpy()
print(
    f"{features.shape[1]} features; temp and atemp correlate "
    f"{np.corrcoef(bikes['temp'], bikes['atemp'])[0, 1]:.3f}"
)

# %%
# Rolling forecasts through the year
# ----------------------------------
models = {
    "ridge, λ by exact LOO": lambda: rw.RidgeCV(cv="loo", n_grid=40),
    "ridge, λ by time-ordered folds": lambda: rw.RidgeCV(cv=TimeSeriesSplit(4), n_grid=40),
    "least squares (no penalty)": lambda: rw.Ridge(l2=0.0),
}
starts = np.arange(1, 340, 28)
rmse = {name: [] for name in models}
for start in starts:
    train = (day >= start) & (day < start + 14)
    test = (day >= start + 14) & (day < start + 21)
    X_train = features[train]
    used = X_train.columns[X_train.std() > 0]  # e.g. no snow in these two weeks
    for name, make in models.items():
        model = make().fit(X_train[used], y[train])
        error = model.predict(features.loc[test, used]) - y[test]
        rmse[name].append(np.sqrt(np.mean(error**2)))
# least squares' mean is dominated by the weeks where it breaks down; the median is typical
for name, errors in rmse.items():
    print(
        f"{name:>32}: forecast RMSE (log scale) over {len(errors)} weeks: "
        f"median {np.median(errors):.3f}, mean {np.mean(errors):.3f}, worst {np.max(errors):.3f}"
    )

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, errors in rmse.items():
    ax.plot(starts + 14, errors, marker="o", label=name)
ax.set(xlabel="first day of the forecast week", ylabel="forecast RMSE (log rentals)", yscale="log")
ax.legend(fontsize=7)
fig.tight_layout()

# %%
# One window: the validation curves and the forecast
# --------------------------------------------------
train = (day >= 150) & (day < 164)
test = (day >= 164) & (day < 171)
used = features[train].columns[features[train].std() > 0]
loo = rw.RidgeCV(cv="loo").fit(features.loc[train, used], y[train])
ordered = rw.RidgeCV(cv=TimeSeriesSplit(4)).fit(features.loc[train, used], y[train])
ols = rw.Ridge(l2=0.0).fit(features.loc[train, used], y[train])
print(
    f"{train.sum()} hours, {len(used)} features: LOO chooses l2 = {loo.l2_:.3g} (1se "
    f"index {loo.cv_results_['index_1se']}), time-ordered folds l2 = {ordered.l2_:.3g}"
)
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, model in [("exact LOO", loo), ("time-ordered folds", ordered)]:
    res = model.cv_results_
    ax.plot(res["l2"], -res["mean_score"], label=name)
    ax.axvline(model.l2_, color=ax.lines[-1].get_color(), lw=0.8, ls=":")
ax.set(xscale="log", yscale="log", xlabel="l2 (λ)", ylabel="validation MSE")
ax.legend()
fig.tight_layout()

fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(np.expm1(y[test]), label="rentals", color="black", lw=1)
ax.plot(np.expm1(ordered.predict(features.loc[test, used])), label="ridge forecast")
ax.plot(np.expm1(ols.predict(features.loc[test, used])), label="least squares", lw=0.6)
ax.set_ylim(0, 1.5 * np.expm1(y[test]).max())
ax.set(xlabel="hour of the forecast week", ylabel="bikes per hour")
ax.legend()
fig.tight_layout()
