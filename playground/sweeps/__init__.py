"""Sweeps: grids of runs, run on Ray, and their results as tables."""
