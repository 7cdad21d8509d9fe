"""The training engine: the trainer, live runs, the probe, and what is computed from their records."""
