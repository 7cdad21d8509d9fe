"""Writing a finished run to a folder: config, history, weights and a probe snapshot."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from playground.io.checkpoint import save_checkpoint
from playground.engine.probe import probe


def write_run(folder: Path, trainer) -> dict[str, Path]:
    """Write config.json, history.csv, weights.pt and probe.npz; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / name for name in ("config.json", "history.csv", "weights.pt", "probe.npz")}
    config = dict(trainer.config.to_dict(), steps=trainer.step_count)
    paths["config.json"].write_text(json.dumps(config, indent=2) + "\n")
    trainer.history_frame().to_csv(paths["history.csv"], index=False)
    save_checkpoint(paths["weights.pt"], trainer.config, trainer.task.name, trainer.net)
    snapshot = probe(trainer.net, trainer.task, trainer.probe_batch, trainer.step_count,
                     cut_every=trainer.truncation)
    np.savez(paths["probe.npz"], **snapshot.to_npz_dict())
    return paths
