"""Progress reaches a listener only when one is installed, with folds × λ counts."""

import numpy as np

import ridgeway as rw
from ridgeway.progress import advance, reporting


def test_kfold_reports_folds_times_grid(rng):
    X = rng.normal(size=(60, 4))
    y = X @ rng.normal(size=4) + rng.normal(size=60)
    events = []
    with reporting(lambda done, total, what: events.append((done, total, what))):
        rw.RidgeCV(l2=np.geomspace(0.1, 10, 7), cv=3).fit(X, y)
    assert [e[0] for e in events] == [7, 14, 21]
    assert all(e[1] == 21 for e in events) and "3-fold" in events[0][2]


def test_silent_without_listener():
    advance(1, 2, "nothing listens")  # must not fail or print
    seen = []
    with reporting(lambda *args: seen.append(args)):
        advance(1, 2, "heard")
    advance(2, 2, "not heard")
    assert seen == [(1, 2, "heard")]
