"""Coordinate descent for the elastic net: compiled kernels, designs, working sets, duality."""
