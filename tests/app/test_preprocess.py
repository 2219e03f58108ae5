"""The serializable preprocessing spec: standardize, one-hot, impute, clear errors."""

import json

import numpy as np
import pandas as pd
import pytest

from ridgeway.app.preprocess import DataError, Preprocessor, fit_preprocessor


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 6.0],
            "const": [5.0, 5.0, 5.0, 5.0],
            "colour": ["red", "blue", "red", "green"],
            "code": [1, 2, 1, 2],
        }
    )


def test_standardizes_and_one_hot_encodes(frame):
    pre = fit_preprocessor(frame, categorical=["code"])
    out = pre.transform(frame)
    assert list(out.columns) == [
        "x", "const", "colour=blue", "colour=green", "colour=red", "code=1", "code=2",
    ]  # fmt: skip
    np.testing.assert_allclose(out["x"], (frame["x"] - 3.0) / frame["x"].std(ddof=0))
    assert np.all(out["const"] == 0.0)  # constant column: scale 1, not 0/0
    np.testing.assert_array_equal(out["colour=red"], [1, 0, 1, 0])


def test_unseen_category_is_an_all_zero_row(frame):
    pre = fit_preprocessor(frame)
    new = frame.iloc[:1].assign(colour="purple")
    out = pre.transform(new)
    assert out.filter(like="colour=").to_numpy().sum() == 0


def test_json_round_trip(frame):
    pre = fit_preprocessor(frame.assign(x=[1.0, np.nan, 3.0, 6.0]), impute="median")
    again = Preprocessor.from_dict(json.loads(json.dumps(pre.to_dict())))
    assert again == pre
    assert pre.fill["x"] == 3.0 and pre.fill["colour"] == "red"


def test_missing_values_name_the_columns(frame):
    bad = frame.assign(x=[1.0, np.nan, 3.0, 6.0], colour=["red", None, None, "blue"])
    with pytest.raises(DataError, match=r"'x' \(1\), 'colour' \(2\).*--impute"):
        fit_preprocessor(bad)
    pre = fit_preprocessor(frame)
    with pytest.raises(DataError, match="'x'"):
        pre.transform(bad)


def test_absent_column_and_bad_impute(frame):
    pre = fit_preprocessor(frame)
    with pytest.raises(DataError, match="lacks the model's column"):
        pre.transform(frame.drop(columns=["x"]))
    with pytest.raises(DataError, match="impute must be one of"):
        fit_preprocessor(frame, impute="zero")
    with pytest.raises(DataError, match="no values at all"):
        fit_preprocessor(frame.assign(x=np.nan), impute="mean")
