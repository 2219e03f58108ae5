import numpy as np
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
