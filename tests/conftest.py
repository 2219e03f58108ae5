import numpy as np
import pytest


@pytest.fixture
def rng():
    """One seeded generator per test: reproducible and independent of test order."""
    return np.random.default_rng(20261127)
