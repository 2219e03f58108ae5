"""Smooth losses with a smooth penalty: Newton (Cholesky or CG), L-BFGS, folds in lockstep."""
