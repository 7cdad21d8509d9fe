"""Writing a finished run to a folder: config, history, weights and a probe snapshot, all or nothing.

``write_run`` writes the four files into a new hidden folder beside the target (same file
system), then renames it into place: a crash or a full disk leaves the target as it was, never
old and new files mixed. An existing non-empty target is replaced only with ``replace=True``
(the CLI's ``--force``): it is renamed aside, the new folder renamed in, and the old one removed.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from playground.engine.probe import probe
from playground.errors import PlaygroundError
from playground.io.checkpoint import save_checkpoint

RUN_FILES = ("config.json", "history.csv", "weights.pt", "probe.npz")


def holds_files(folder: Path) -> bool:
    """True when ``folder`` exists and is not an empty folder (a file counts as holding something)."""
    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    with os.scandir(folder) as entries:
        return next(entries, None) is not None


def write_run(folder: Path, trainer, replace: bool = False) -> dict[str, Path]:
    """Write config.json, history.csv, weights.pt and probe.npz into ``folder`` at once; return their paths.

    PlaygroundError when ``folder`` holds something and ``replace`` is false (nothing is written).
    """
    folder = Path(os.path.abspath(folder))          # "." or "run" too: the staging folder goes beside it
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        _write_files(staging, trainer)
        _move_into_place(staging, folder, replace)
    finally:
        shutil.rmtree(staging, ignore_errors=True)      # gone already unless something failed
    return {name: folder / name for name in RUN_FILES}


def _write_files(folder: Path, trainer) -> None:
    config = dict(trainer.config.to_dict(), steps=trainer.step_count)
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    trainer.history_frame().to_csv(folder / "history.csv", index=False)
    save_checkpoint(folder / "weights.pt", trainer.config, trainer.task.name, trainer.net)
    snapshot = probe(trainer.net, trainer.task, trainer.probe_batch, trainer.step_count)
    np.savez(folder / "probe.npz", **snapshot.to_npz_dict())
    os.chmod(folder, 0o777 & ~_umask())             # mkdtemp made it private; the run folder is not


def _move_into_place(staging: Path, folder: Path, replace: bool) -> None:
    if not holds_files(folder):
        if folder.is_dir():
            folder.rmdir()                          # an empty folder: renaming over it needs it gone
        os.rename(staging, folder)
        return
    if not replace:
        raise PlaygroundError(f"{folder.name} is not empty; give --force to replace it")
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
    os.rename(folder, old / "run")
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(old / "run", folder)              # put the old run back
        old.rmdir()
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
