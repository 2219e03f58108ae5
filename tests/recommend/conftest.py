import pytest

import ridgeway.recommend as rec


@pytest.fixture(scope="module")
def small_ratings():
    """Explicit ratings, 120 users × 80 items, rank 3."""
    return rec.synthetic.explicit_ratings(120, 80, 3000, factors=3, random_state=1)


@pytest.fixture(scope="module")
def small_counts():
    """Implicit counts, 150 users × 90 items, 6 tastes."""
    return rec.synthetic.implicit_counts(150, 90, 3000, factors=6, random_state=2)


@pytest.fixture(autouse=True)
def one_compute_thread():
    """The compiled loops on one thread: the test machine's cores are shared, and numba's
    thread pool on busy cores costs more than it gains at these sizes."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    yield
    numba.set_num_threads(before)
