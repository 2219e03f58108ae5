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


def test_iso_date_text_and_datetime64_give_calendar_features():
    dates = pd.date_range("2020-01-01", periods=80, freq="7D")
    for column in (dates.strftime("%Y-%m-%d"), dates):
        frame = pd.DataFrame({"when": column, "x": np.arange(80.0)})
        pre = fit_preprocessor(frame)
        assert set(pre.dates["when"]) == {"year", "month", "day", "days"}  # weekly: 1 weekday
        out = pre.transform(frame)
        assert not any(name.startswith("when=") for name in out.columns)  # no one-hot dates
        days = out["when.days"] * pre.scales[pre.numeric_features.index("when.days")]
        np.testing.assert_allclose(np.diff(days), 7.0)
        again = Preprocessor.from_dict(json.loads(json.dumps(pre.to_dict())))
        pd.testing.assert_frame_equal(again.transform(frame), out)
    bad = pd.DataFrame({"when": [*dates.strftime("%Y-%m-%d")[:79], "soon"], "x": range(80)})
    with pytest.raises(DataError, match=r"'when' holds ISO dates except 'soon' \(data row 80\)"):
        fit_preprocessor(bad)


def test_a_typo_in_a_numeric_column_is_named_not_encoded():
    values = [f"{v:.3f}" for v in np.linspace(0, 1, 50)]
    values[17] = "0.05x"
    frame = pd.DataFrame({"bmi": values})
    with pytest.raises(DataError, match=r"'bmi' holds numbers except '0.05x' \(data row 18\)"):
        fit_preprocessor(frame)
    pre = fit_preprocessor(frame, categorical=["bmi"])  # the user's call: categories
    assert pre.categorical == ("bmi",)
    text_numbers = pd.DataFrame({"bmi": [f"{v}" for v in range(30)]})
    assert fit_preprocessor(text_numbers).numeric == ("bmi",)  # all numbers: a number


def test_identifiers_are_dropped_with_a_note():
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(100)], "x": np.arange(100.0)})
    pre = fit_preprocessor(frame)
    assert "name" in pre.dropped and pre.columns == ("x",)
    assert any("column 'name' dropped" in note for note in pre.notes)
    assert list(pre.transform(frame).columns) == ["x"]


def test_rare_categories_share_other_with_unseen_ones():
    """scikit-learn's OneHotEncoder decides which categories are rare (min_frequency)."""
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    common = rng.choice(["a", "b", "c"], size=1000)
    values = np.concatenate([common, ["rare1", "rare2", "rare3"]])
    frame = pd.DataFrame({"k": values})
    pre = fit_preprocessor(frame)
    assert pre.categories["k"] == ("a", "b", "c") and pre.other == ("k",)
    out = pre.transform(pd.DataFrame({"k": ["a", "rare2", "never seen"]}))
    np.testing.assert_array_equal(out["k=(other)"], [0, 1, 1])
    reference = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5,
                              sparse_output=False).fit(values.reshape(-1, 1))  # fmt: skip
    np.testing.assert_array_equal(
        pre.transform(frame).to_numpy(), reference.transform(values.reshape(-1, 1))
    )


def test_infinite_values_name_the_column(frame):
    with pytest.raises(DataError, match="column 'x' holds 1 infinite value"):
        fit_preprocessor(frame.assign(x=[1.0, np.inf, 3.0, 6.0]))


def test_malformed_specs_are_refused(frame):
    spec = fit_preprocessor(frame).to_dict()
    for change in (
        {"means": [0.0]},
        {"scales": [1.0, -1.0]},
        {"means": [float("nan"), 0.0]},
        {"numeric": "x"},
        {"categories": {}},
    ):
        with pytest.raises(DataError, match="malformed"):
            Preprocessor.from_dict({**spec, **change})
