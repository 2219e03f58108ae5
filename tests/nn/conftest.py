import pytest

torch = pytest.importorskip("torch", reason="ridgeway.nn needs the nn extra (torch)")


@pytest.fixture(autouse=True)
def _float64_and_seed():
    """Parity tests run in float64; each test starts from one torch seed."""
    previous = torch.get_default_dtype()
    torch.set_num_threads(1)  # tiny tensors on 2 shared cores: threads only contend
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(20261201)
    yield
    torch.set_default_dtype(previous)
