"""Coordinate descent for the elastic net: the solvers (cd-gram, cd-residual), their designs,
compiled kernels, working sets and duality gaps."""
