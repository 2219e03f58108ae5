"""
# Customer churn: who stops buying?

CDNOW's transaction log (23 570 customers who first bought a CD in early 1997, every purchase
until June 1998) ships with the ``lifetimes`` package, which ridgeway's ``docs`` extra
installs. From each customer's 1997 purchases we build recency-frequency-monetary features
and predict churn: no purchase at all in the first half of 1998. An L2 logistic regression
(λ by approximate leave-one-out: no refits, 23 570 rows) is compared with a linear SVM and a
ridge classifier, each with λ chosen for it.
"""

# %%
# The transaction log, summarized per customer
# --------------------------------------------
import importlib.util
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

import ridgeway as rw

# the data file only: importing lifetimes itself is not needed
spec = importlib.util.find_spec("lifetimes")
if spec is None or not spec.submodule_search_locations:
    raise SystemExit("this example needs the lifetimes package: pip install 'ridgeway[docs]'")
log_file = Path(spec.submodule_search_locations[0]) / "datasets" / "CDNOW_master.txt"
log = pd.read_csv(log_file, sep=r"\s+", header=0, names=["customer", "date", "cds", "dollars"])
log["date"] = pd.to_datetime(log["date"].astype(str), format="%Y%m%d")
cutoff = pd.Timestamp("1998-01-01")
past, future = log[log["date"] < cutoff], log[log["date"] >= cutoff]

per = past.groupby("customer")
features = pd.DataFrame(
    {
        "purchase_days": per["date"].nunique(),
        "days_since_last": (cutoff - per["date"].max()).dt.days,
        "days_as_customer": (cutoff - per["date"].min()).dt.days,
        "log_spend": np.log1p(per["dollars"].sum()),
        "log_cds": np.log1p(per["cds"].sum()),
        "bought_in_q4": per["date"].max().ge(pd.Timestamp("1997-10-01")).astype(float),
    }
)
churned = (~features.index.isin(future["customer"])).astype(int)
print(f"{len(features)} customers, {churned.mean():.1%} bought nothing in 1998's first half")

X_train, X_test, y_train, y_test = train_test_split(
    features, churned, test_size=0.25, stratify=churned, random_state=0
)

# %%
# Three L2 classifiers, each with its λ chosen
# --------------------------------------------
models = {
    "logistic (ALO)": rw.LogisticRegressionCV(cv="alo", standardize=True),
    "linear SVM (5-fold)": rw.LinearSVCCV(cv=5, standardize=True, scoring="roc_auc"),
    "ridge classifier (LOO)": rw.RidgeClassifierCV(standardize=True),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    auc = roc_auc_score(y_test, model.decision_function(X_test))
    print(
        f"{name:>24}: l2 = {model.l2_:9.3g}, test accuracy "
        f"{model.score(X_test, y_test):.3f}, AUC {auc:.3f}"
    )

# %%
# What drives churn
# -----------------
# Coefficients times the feature's standard deviation: the change in the log-odds of churning
# per standard deviation of the feature.
logistic = models["logistic (ALO)"]
effect = logistic.coef_.ravel() * X_train.std().to_numpy()
order = np.argsort(effect)
fig, ax = plt.subplots(figsize=(6, 3))
ax.barh(np.asarray(features.columns)[order], effect[order])
ax.axvline(0, color="black", lw=0.5)
ax.set(xlabel="log-odds of churn per sd")
fig.tight_layout()

# %%
# Scoring customers: churn probability by decile
# ----------------------------------------------
proba = logistic.predict_proba(X_test)[:, 1]
decile = pd.qcut(proba, 10, labels=False, duplicates="drop")
table = pd.DataFrame({"predicted": proba, "churned": y_test, "decile": decile})
print(table.groupby("decile")[["predicted", "churned"]].mean().round(3).to_string())
