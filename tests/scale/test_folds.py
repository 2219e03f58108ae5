import numpy as np
import pytest

import ridgeway as rw
from ridgeway.scale import HashFolds
from ridgeway.scale.folds import fold_ids


def test_positions_hash_the_same_however_the_rows_are_cut():
    folds = HashFolds(5, seed=3)
    whole = folds.assign(np.arange(1000))
    pieces = np.concatenate([folds.assign(np.arange(a, b)) for a, b in [(0, 7), (7, 600),
                             (600, 1000)]])  # fmt: skip
    assert np.array_equal(whole, pieces)
    counts = np.bincount(whole, minlength=5)
    assert counts.min() > 150  # roughly balanced: binomial(1000, 1/5)


def test_integer_key_equal_to_position_gives_the_position_folds():
    keys = np.arange(50, dtype=np.int32)
    assert np.array_equal(fold_ids(keys, 4, 1), HashFolds(4, seed=1).assign(np.arange(50)))


def test_string_keys_and_seeds():
    keys = np.array([f"user-{i}" for i in range(500)], dtype=object)
    a, b = fold_ids(keys, 3, 0), fold_ids(keys, 3, 1)
    assert np.array_equal(a, fold_ids(keys.copy(), 3, 0))  # deterministic
    assert not np.array_equal(a, b)
    assert set(np.unique(a)) == {0, 1, 2}


def test_splitter_partitions_the_rows():
    splits = list(HashFolds(4).split(np.zeros((200, 2))))
    tests = np.sort(np.concatenate([test for _, test in splits]))
    assert np.array_equal(tests, np.arange(200))
    for train, test in splits:
        assert np.intersect1d(train, test).size == 0 and train.size + test.size == 200


def test_key_column_in_memory_goes_through_groups(rng):
    X = rng.normal(size=(100, 3))
    y = X @ np.ones(3) + rng.normal(size=100)
    ids = rng.permutation(100) + 1000
    a = rw.RidgeCV(cv=HashFolds(3, key="id"), n_grid=5).fit(X, y, groups=ids)
    order = np.argsort(ids)
    b = rw.RidgeCV(cv=HashFolds(3, key="id"), n_grid=5).fit(X[order], y[order], groups=ids[order])
    np.testing.assert_allclose(a.cv_results_["mean_score"], b.cv_results_["mean_score"],
                               rtol=1e-10)  # fmt: skip
    with pytest.raises(ValueError, match="needs the key values as groups"):
        rw.RidgeCV(cv=HashFolds(3, key="id")).fit(X, y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"n_splits": 1}, "n_splits must be an integer >= 2"),
     ({"n_splits": 3, "seed": -1}, "seed must be an integer >= 0"),
     ({"n_splits": 3, "key": 5}, "key must be a column name")],
)  # fmt: skip
def test_bad_parameters(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        HashFolds(**kwargs)


def test_empty_fold_is_an_error():
    with pytest.raises(ValueError, match=r"left fold .* empty"):
        list(HashFolds(10).split(np.zeros((3, 1))))
