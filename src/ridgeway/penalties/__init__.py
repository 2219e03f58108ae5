"""Penalties on the coefficients β (never on the intercept)."""

from ridgeway.penalties.l2 import L2Penalty, penalty_operator

__all__ = ["L2Penalty", "penalty_operator"]
