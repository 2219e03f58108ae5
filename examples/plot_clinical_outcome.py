"""
# A clinical outcome: diabetes progression with ridge, lasso and elastic net

scikit-learn's bundled diabetes data: ten baseline measurements (age, sex, BMI, blood
pressure and six blood serum measurements) of 442 patients, and a quantitative measure of
disease progression one year later. With so few patients the choice of λ matters, and the
serum measurements are strongly correlated (``s1``/``s2`` correlate 0.90).
``RidgeCV`` chooses λ by exact leave-one-out at the cost of one fit; ``LassoCV`` and
``ElasticNetCV`` by 10-fold cross-validation along their paths. All three keep both of
glmnet's choices: the best λ (``index_min``) and the largest within one standard error
(``index_1se``).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

import ridgeway as rw

data = load_diabetes(scaled=False)
X, y = data.data, data.target
names = data.feature_names
print(f"{X.shape[0]} patients, {X.shape[1]} baseline measurements")

models = {
    "ridge (exact LOO)": rw.RidgeCV(cv="loo", standardize=True),
    "lasso (10-fold)": rw.LassoCV(cv=10, standardize=True),
    "elastic net (10-fold)": rw.ElasticNetCV(l1_share=0.5, cv=10, standardize=True),
}
for name, model in models.items():
    model.fit(X, y)
    res = model.cv_results_
    print(
        f"{name:>22}: l2 = {model.l2_:9.4g}, l1 = {getattr(model, 'l1_', 0.0):8.4g}, "
        f"validation RMSE {np.sqrt(-model.best_score_):6.2f}, 1se choice at grid index "
        f"{res['index_1se']} (min: {res['index_min']}), validation − training MSE "
        f"{res['gap'][model.best_index_]:.3g}"
    )

# %%
# Coefficients on the standardized scale
# --------------------------------------
# ``coef_`` is on the original scale; times each feature's standard deviation it reads as
# "the change in progression per standard deviation".
sd = X.std(axis=0)
fig, ax = plt.subplots(figsize=(6, 3.5))
width = 0.27
for k, (name, model) in enumerate(models.items()):
    ax.bar(np.arange(len(names)) + (k - 1) * width, model.coef_ * sd, width, label=name)
ax.set_xticks(np.arange(len(names)), names)
ax.axhline(0, color="black", lw=0.5)
ax.set(ylabel="coefficient × sd")
ax.legend(fontsize=7)
fig.tight_layout()

# %%
# The lasso path and its two choices
# ----------------------------------
lasso = models["lasso (10-fold)"]
res = lasso.cv_results_
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(res["l1"], lasso.coef_path_ * sd)
for key, style in [("index_min", "-"), ("index_1se", "--")]:
    ax.axvline(res["l1"][res[key]], color="grey", ls=style, lw=0.8, label=key)
ax.set(xscale="log", xlabel="l1", ylabel="coefficient × sd")
ax.legend()
fig.tight_layout()
