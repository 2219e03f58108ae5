"""
# Credit scoring: L2 logistic regression with λ by approximate leave-one-out

The German credit data (1000 applicants, 20 attributes, 30 % bad risks) ship with ridgeway.
We one-hot encode the categorical attributes, standardize inside the penalty
(``standardize=True``), and let ``LogisticRegressionCV`` choose λ — once by 5-fold
cross-validation and once by approximate leave-one-out (ALO), which needs no refits.
"""

# %%
# The data and a held-out test set
# --------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import make_column_transformer
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import ridgeway as rw

credit = rw.datasets.load_german_credit()
y = (credit.pop("creditability") == "bad").astype(int)  # 1 = a bad risk, the class to catch
categorical = credit.select_dtypes(exclude="number").columns.tolist()
X_train, X_test, y_train, y_test = train_test_split(
    credit, y, test_size=0.3, stratify=y, random_state=0
)
encode = make_column_transformer(
    (OneHotEncoder(drop="first", sparse_output=False), categorical),
    remainder="passthrough",
    verbose_feature_names_out=False,
)
print(f"{X_train.shape[0]} applicants to train on, {len(categorical)} categorical attributes")

# %%
# λ by 5-fold cross-validation and by ALO
# ---------------------------------------
kfold = make_pipeline(encode, rw.LogisticRegressionCV(cv=5, standardize=True)).fit(X_train, y_train)
alo = make_pipeline(encode, rw.LogisticRegressionCV(cv="alo", standardize=True)).fit(
    X_train, y_train
)
for name, pipe in [("5-fold", kfold), ("ALO", alo)]:
    model = pipe[-1]
    proba = pipe.predict_proba(X_test)[:, 1]
    print(
        f"{name:>6}: l2 = {model.l2_:8.3g}  (grid index {model.best_index_}, 1se index "
        f"{model.cv_results_['index_1se']}),  test AUC {roc_auc_score(y_test, proba):.3f}, "
        f"F1 of 'bad' {f1_score(y_test, pipe.predict(X_test)):.3f}"
    )

# %%
# The validation curve and the train-validation gap
# -------------------------------------------------
# ``cv_results_`` holds the whole curve: the mean validation log-likelihood per λ, its
# standard error over folds, the training score and their gap (a large gap: overfitting).
res = kfold[-1].cv_results_
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.errorbar(res["l2"], -res["mean_score"], yerr=res["std_error"], label="5-fold validation")
ax.plot(res["l2"], -res["train_score"], label="training")
ax.plot(alo[-1].cv_results_["l2"], -alo[-1].cv_results_["mean_score"], "--", label="ALO")
ax.axvline(kfold[-1].l2_, color="grey", lw=0.8)
ax.set(xscale="log", xlabel="l2 (λ)", ylabel="log-loss per sample")
ax.legend()
fig.tight_layout()

# %%
# What regularization did to the coefficients
# -------------------------------------------
names = kfold[0].get_feature_names_out()
path = kfold[-1].coef_path_  # (n_grid, p): every λ of the grid, no refits
top = np.argsort(-np.abs(kfold[-1].coef_.ravel()))[:8]
fig, ax = plt.subplots(figsize=(6, 3.5))
for j in top:
    ax.plot(res["l2"], path[:, j], label=names[j][:30])
ax.axvline(kfold[-1].l2_, color="grey", lw=0.8)
ax.set(xscale="log", xlabel="l2 (λ)", ylabel="coefficient (log-odds of 'bad')")
ax.legend(fontsize=6)
fig.tight_layout()
