"""Penalties on the coefficients β (never on the intercept); the contract is penalties/base.py."""

from ridgeway.penalties.base import Penalty
from ridgeway.penalties.elastic_net import ElasticNetPenalty
from ridgeway.penalties.l2 import L2Penalty, penalty_operator

__all__ = ["ElasticNetPenalty", "L2Penalty", "Penalty", "penalty_operator"]
