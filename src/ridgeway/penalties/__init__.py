"""Penalties on the coefficients β (never on the intercept); the contract is penalties/base.py."""

from ridgeway.penalties.base import Penalty
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.penalties.group_lasso import GroupElasticNetPenalty
from ridgeway.penalties.l2 import L2Penalty, penalty_operator

#: the registry: every penalty listed once; the shared test battery (tests/test_registry.py)
#: checks each entry's gradient, Hessian product and proximal step automatically
PENALTIES: dict[str, type[Penalty]] = {
    "l2": L2Penalty,
    "elastic_net": ElasticNetPenalty,
    "group_elastic_net": GroupElasticNetPenalty,
}

__all__ = [
    "PENALTIES",
    "ElasticNetPenalty",
    "GroupElasticNetPenalty",
    "L2Penalty",
    "Penalty",
    "penalty_operator",
]
