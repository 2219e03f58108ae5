"""Bad ratings and parameters get errors that name what was expected."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import ridgeway.recommend as rec


def _frame(values, users=(0, 0, 1), items=(0, 1, 0)):
    return pd.DataFrame({"u": list(users), "i": list(items), "r": list(values)})


def test_duplicates_are_an_error_for_explicit_ratings():
    frame = _frame([4, 5, 3], users=(0, 0, 1), items=(1, 1, 0))
    with pytest.raises(ValueError, match="duplicate"):
        rec.ALS(factors=2).fit(frame, user="u", item="i", rating="r")


def test_duplicates_are_summed_for_implicit_counts():
    frame = _frame([2, 3, 1], users=(0, 0, 1), items=(1, 1, 0))
    model = rec.ALS(factors=2, feedback="implicit").fit(frame, user="u", item="i", rating="r")
    assert model.seen_[0, 1] == 5 and model.seen_.nnz == 2


def test_negative_counts_are_an_error():
    with pytest.raises(ValueError, match="counts >= 0"):
        rec.ALS(factors=2, feedback="implicit").fit(sp.csr_matrix(np.array([[1.0, -2.0]])))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_ratings_are_an_error(bad):
    with pytest.raises(ValueError, match="finite"):
        rec.ALS(factors=2).fit(_frame([4, bad, 3]), user="u", item="i", rating="r")


def test_non_numeric_ratings_are_an_error():
    with pytest.raises(ValueError, match="finite"):
        rec.ALS(factors=2).fit(_frame(["4", "five", "3"]), user="u", item="i", rating="r")


def test_frame_columns_are_checked():
    with pytest.raises(ValueError, match="user='x' is not a column"):
        rec.ALS().fit(_frame([1, 2, 3]), user="x", item="i", rating="r")
    with pytest.raises(ValueError, match="explicit feedback needs rating"):
        rec.ALS().fit(_frame([1, 2, 3]), user="u", item="i")
    with pytest.raises(ValueError, match="needs user=COLUMN"):
        rec.ALS().fit(_frame([1, 2, 3]))
    with pytest.raises(TypeError, match=r"scipy\.sparse"):
        rec.ALS().fit(np.ones((3, 3)))


@pytest.mark.parametrize(
    "params,message",
    [
        ({"l2": -1.0}, "l2 must be a finite number > 0; got -1.0"),
        ({"l2": float("nan")}, "l2 must be a finite number > 0"),
        ({"factors": 0}, "factors must be an integer >= 1; got 0"),
        ({"feedback": "ratings"}, "feedback must be one of"),
        ({"l2_scaling": "n"}, "l2_scaling must be one of"),
        ({"solver": "lu"}, "solver must be one of"),
        ({"dtype": "int64"}, "dtype must be float32 or float64"),
        ({"feedback": "implicit", "biases": True}, "biases=True is for explicit"),
        ({"alpha": 0}, "alpha must be a finite number > 0"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("+", r"\+")):
        rec.ALS(**params).fit(sp.csr_matrix(np.array([[1.0, 2.0], [3.0, 0.0]])))


def test_bad_n_threads():
    with pytest.raises(ValueError, match="n_threads must be None or an integer >= 1; got 0"):
        rec.ALS(factors=2, n_threads=0).fit(sp.csr_matrix(np.array([[1.0, 2.0]])))


def test_fold_in_unknown_item(small_ratings):
    model = rec.ALS(factors=2).fit(small_ratings)
    with pytest.raises(KeyError, match="unknown item id"):
        model.fold_in({10_000: 4.0})


def test_estimators_clone():
    from sklearn.base import clone

    model = clone(rec.ALSCV(l2=[1.0, 2.0], factors=3, cv=3, feedback="implicit"))
    assert model.get_params()["l2"] == [1.0, 2.0] and model.cv == 3
    assert clone(rec.ALS(factors=4, l2=0.5)).get_params()["l2"] == 0.5
