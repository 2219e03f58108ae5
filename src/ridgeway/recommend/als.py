"""ALS: matrix factorization by alternating ridge, for explicit ratings or implicit counts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from ridgeway.recommend import data as ratings
from ridgeway.recommend.factorize import Spec, State, Trace, alternate, half_step, initial_state
from ridgeway.recommend.metrics import top_n
from ridgeway.recommend.params import choice, make_spec, positive_int
from ridgeway.recommend.solve import compute_threads

UNKNOWN = ("error", "popularity")


@dataclass(frozen=True)
class FoldedUser:
    """A new user's factors from :meth:`ALS.fold_in` (one ridge solve, the items fixed)."""

    factors: np.ndarray
    bias: float
    seen: np.ndarray  # item positions the user rated


class ALS(BaseEstimator):
    """Matrix factorization by alternating ridge (ALS), explicit or implicit feedback.

    Minimizes the objective of :mod:`ridgeway.recommend.conventions`: with explicit ratings
    ½Σ_Ω(r − μ − b_u − b_i − x_uᵀy_i)² + ½Σ_u s_u(l2‖x_u‖² + l2_bias b_u²) + (items alike);
    with implicit counts Hu, Koren & Volinsky's ½Σ_{u,i} c_ui(p_ui − x_uᵀy_i)² + ½Σ s·l2‖·‖²,
    c = 1 + α·r or α·r. s_u = 1 (``l2_scaling="none"``, as ``implicit``) or u's number of
    entries (``"count"``, ALS-WR as Spark and Surprise). Each half-step solves one ridge
    system per user (item): exactly ``rw.Ridge(l2=s_u·l2, fit_intercept=False)`` on that
    user's rows. Converters to implicit/Spark/Surprise: :mod:`ridgeway.recommend.conventions`.

    Parameters
    ----------
    factors : latent dimension k.
    l2, l2_bias : λ for the factors and for the biases (None: l2_bias = l2).
    feedback : "explicit" (ratings; RMSE) or "implicit" (counts; rankings).
    l2_scaling, confidence, alpha : see above.
    biases : global mean + user and item biases (explicit only); None: True for explicit.
    iterations : maximum sweeps (a sweep = users then items); tol: stop when a sweep lowers
        the objective by less than tol (relative); the last sweep is then solved to solve_tol.
    solver : "cholesky" (exact), "cg" (warm-started conjugate gradients, cg_steps per row per
        sweep; in the last sweep to solve_tol with Cholesky where CG stalls), "auto" (cg for
        implicit, cholesky for explicit).
    dtype : float64 or float32. random_state : the initial factors.
    n_threads : threads of the compiled loop over users (None: every core); BLAS is held at
        one thread meanwhile.

    Fitted: ``user_factors_`` (users × k), ``item_factors_``, ``global_mean_``,
    ``user_bias_``, ``item_bias_``, ``user_ids_``, ``item_ids_``, ``objective_`` (one value
    per sweep, non-increasing), ``solve_residual_`` (largest ‖Aθ − b‖/‖b‖ of the last
    half-step), ``cg_fallbacks_``, ``converged_``, ``n_iter_``, ``item_popularity_``.
    """

    def __init__(
        self,
        factors: int = 32,
        l2: float = 1.0,
        *,
        feedback: str = "explicit",
        l2_scaling: str = "none",
        confidence: str = "1+alpha*r",
        alpha: float = 1.0,
        biases: bool | None = None,
        l2_bias: float | None = None,
        iterations: int = 15,
        tol: float = 1e-6,
        solver: str = "auto",
        cg_steps: int = 3,
        solve_tol: float | None = None,
        dtype: Any = "float64",
        random_state: Any = None,
        n_threads: int | None = None,
    ) -> None:
        self.factors = factors
        self.l2 = l2
        self.feedback = feedback
        self.l2_scaling = l2_scaling
        self.confidence = confidence
        self.alpha = alpha
        self.biases = biases
        self.l2_bias = l2_bias
        self.iterations = iterations
        self.tol = tol
        self.solver = solver
        self.cg_steps = cg_steps
        self.solve_tol = solve_tol
        self.dtype = dtype
        self.random_state = random_state
        self.n_threads = n_threads

    # -- fitting ---------------------------------------------------------------------------
    def fit(
        self,
        R: Any,
        y: Any = None,
        *,
        user: str | None = None,
        item: str | None = None,
        rating: str | None = None,
    ) -> ALS:
        """Fit on a scipy.sparse users × items matrix, or a frame with ``user=``, ``item=``
        (and ``rating=``) columns; ids of any type are mapped and kept in ``user_ids_``."""
        spec = make_spec(self)
        data = interactions(R, spec, user, item, rating)
        rng = np.random.default_rng(self.random_state)
        with compute_threads(self.n_threads):
            self._fit_interactions(data, spec, initial_state(data, spec, rng))
        return self

    def _fit_interactions(self, data: ratings.Interactions, spec: Spec, state: State) -> ALS:
        trace = alternate(data, state, spec)
        self._set_fitted(data, spec, state, trace)
        return self

    def _set_fitted(
        self, data: ratings.Interactions, spec: Spec, state: State, trace: Trace
    ) -> None:
        self.spec_ = spec
        self.user_factors_ = state.user_factors
        self.item_factors_ = state.item_factors
        self.global_mean_ = state.global_mean
        self.user_bias_ = state.user_bias
        self.item_bias_ = state.item_bias
        self.user_ids_ = data.user_ids
        self.item_ids_ = data.item_ids
        self.objective_ = trace.objective
        self.solve_residual_ = trace.solve_residual
        self.cg_fallbacks_ = trace.cg_fallbacks
        self.converged_ = trace.converged
        self.n_iter_ = int(trace.objective.size)
        self.item_popularity_ = data.item_counts
        self.user_counts_ = data.user_counts
        self.seen_ = data.by_user

    def state_(self) -> State:
        return State(
            self.user_factors_,
            self.item_factors_,
            self.user_bias_,
            self.item_bias_,
            self.global_mean_,
        )

    @property
    def effective_l2_users_(self) -> np.ndarray:
        """λ each user's ridge system used: l2, or l2 × count under l2_scaling='count'."""
        scale = self.user_counts_ if self.spec_.l2_scaling == "count" else 1.0
        return self.spec_.l2 * np.ones(self.user_counts_.size) * scale

    # -- using the model -------------------------------------------------------------------
    def _users(self, users: Any, unknown: str) -> np.ndarray:
        choice(unknown, "unknown", UNKNOWN)
        index = ratings.IdIndex(self.user_ids_, "user")
        return index.positions(users, allow_unknown=unknown == "popularity")

    def _items(self, items: Any, unknown: str) -> np.ndarray:
        choice(unknown, "unknown", UNKNOWN)
        index = ratings.IdIndex(self.item_ids_, "item")
        return index.positions(items, allow_unknown=unknown == "popularity")

    def _popularity_score(self) -> np.ndarray:
        counts = self.item_popularity_.astype(np.float64)
        return counts / max(counts.max(), 1.0)

    def predict(self, users: Any, items: Any, *, unknown: str = "error") -> np.ndarray:
        """Predicted rating (explicit) or preference score (implicit) of each (user, item)
        pair. unknown="popularity": an unknown user gets μ + b_i (explicit) or the item's
        relative popularity (implicit); an unknown item gets μ + b_u (explicit) or 0."""
        u = self._users(users, unknown)
        i = self._items(items, unknown)
        if u.shape != i.shape:
            raise ValueError(f"users and items must have one length; got {u.size} and {i.size}")
        known = (u >= 0) & (i >= 0)
        out = np.zeros(u.size)
        out[known] = np.einsum(
            "ij,ij->i", self.user_factors_[u[known]], self.item_factors_[i[known]]
        )
        if self.spec_.biases:
            out += self.global_mean_ + np.where(u >= 0, self.user_bias_[u], 0.0)
            out += np.where(i >= 0, self.item_bias_[i], 0.0)
        else:
            cold = (u < 0) & (i >= 0)
            out[cold] = self._popularity_score()[i[cold]]
        return out

    def recommend(
        self, users: Any, n: int = 10, *, exclude_seen: bool = True, unknown: str = "error"
    ) -> pd.DataFrame:
        """The top-n items per user: a frame (user, rank, item, score), best first; fewer
        than n rows where a user has seen nearly every item. Unknown users get the most
        popular items with unknown="popularity"."""
        n = positive_int(n, "n")
        u = self._users(users, unknown)
        known = u >= 0
        rows = self.user_factors_[np.maximum(u, 0)]
        offset = self.item_bias_ + self.global_mean_ if self.spec_.biases else None
        seen = self.seen_[np.maximum(u, 0)] if exclude_seen else None
        best, scores = top_n(rows, self.item_factors_, n, seen, offset)
        if self.spec_.biases:
            scores = scores + np.where(known, self.user_bias_[np.maximum(u, 0)], 0.0)[:, None]
        if not known.all():
            popular = np.argsort(-self._popularity_score(), kind="stable")[: best.shape[1]]
            best[~known] = popular
            scores[~known] = self._popularity_score()[popular]
        return _long_frame(np.atleast_1d(np.asarray(users, dtype=object)), best, scores, self)

    def similar_items(self, items: Any, n: int = 10) -> pd.DataFrame:
        """The n items with the most similar factors (cosine), the item itself excluded."""
        n = positive_int(n, "n")
        i = self._items(items, "error")
        norms = np.linalg.norm(self.item_factors_, axis=1)
        unit = self.item_factors_ / np.where(norms > 0, norms, 1.0)[:, None]
        itself = sp.csr_matrix(
            (np.ones(i.size), (np.arange(i.size), i)), shape=(i.size, unit.shape[0])
        )
        best, scores = top_n(unit[i], unit, n, itself)
        frame = _long_frame(np.atleast_1d(np.asarray(items, dtype=object)), best, scores, self)
        return frame.rename(columns={"user": "item", "item": "similar"})

    def fold_in(self, new_user_ratings: Mapping[Any, float] | pd.Series) -> FoldedUser:
        """Factors (and bias) of a user not in the fit from their ratings {item id: value},
        by one ridge solve with the item factors fixed — no refit. Unknown items are an
        error."""
        series = pd.Series(new_user_ratings, dtype=np.float64)
        items = self._items(series.index.to_numpy(dtype=object), "error")
        matrix = sp.csr_matrix(
            (series.to_numpy(), (np.zeros(items.size, dtype=np.int64), items)),
            shape=(1, self.item_factors_.shape[0]),
        )
        single = ratings.from_matrix(matrix, self.spec_.feedback, self.spec_.dtype)
        state = self.state_()
        x, bias, _, _ = half_step(
            single.by_user,
            np.zeros((1, self.spec_.factors), dtype=self.spec_.dtype),
            np.zeros(1, dtype=self.spec_.dtype),
            self.item_factors_,
            self.item_bias_,
            state,
            _exact(self.spec_),
            certify=True,
        )
        return FoldedUser(x[0], float(bias[0]), single.by_user.indices.copy())

    def recommend_folded(self, user: FoldedUser, n: int = 10) -> pd.DataFrame:
        """Top-n for a folded-in user, the items they rated excluded."""
        seen = sp.csr_matrix(
            (np.ones(user.seen.size), (np.zeros(user.seen.size, dtype=np.int64), user.seen)),
            shape=(1, self.item_factors_.shape[0]),
        )
        offset = self.item_bias_ + self.global_mean_ + user.bias if self.spec_.biases else None
        best, scores = top_n(user.factors[None, :], self.item_factors_, n, seen, offset)
        return _long_frame(np.array(["new"], dtype=object), best, scores, self)


def _exact(spec: Spec) -> Spec:
    return replace(spec, solver="cholesky")


def _long_frame(keys: np.ndarray, best: np.ndarray, scores: np.ndarray, model: ALS) -> pd.DataFrame:
    rows, ranks = np.nonzero(best >= 0)
    return pd.DataFrame(
        {
            "user": keys[rows],
            "rank": ranks + 1,
            "item": model.item_ids_[best[rows, ranks]],
            "score": scores[rows, ranks],
        }
    )


def interactions(
    R: Any, spec: Spec, user: str | None, item: str | None, rating: str | None
) -> ratings.Interactions:
    """Checked interactions from a sparse matrix or a long frame."""
    if isinstance(R, pd.DataFrame):
        if user is None or item is None:
            raise ValueError("a ratings frame needs user=COLUMN and item=COLUMN")
        return ratings.from_frame(R, user, item, rating, spec.feedback, spec.dtype)
    if user is not None or item is not None or rating is not None:
        raise ValueError("user=, item=, rating= name columns of a frame; R is not a frame")
    return ratings.from_matrix(R, spec.feedback, spec.dtype)
