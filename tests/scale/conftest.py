"""A real Dask LocalCluster (2 worker processes, 1 thread each) for the scale tests; it starts
once per module that asks for it."""

import logging

import pytest


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes × 1 thread and a Client set as the default."""
    distributed = pytest.importorskip("distributed")
    # random ports for the scheduler and its dashboard: a fixed port in use (another test
    # run on this machine) would be a UserWarning, an error under filterwarnings=error
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
        scheduler_port=0, silence_logs=logging.ERROR,
    ) as local, distributed.Client(local) as client:  # fmt: skip
        yield client
