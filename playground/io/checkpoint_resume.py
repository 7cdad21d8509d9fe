"""Loading the resume part of a weights file: what continuing a saved run needs, checked.

A file saved from a run holds its step count, the optimizer's moments, the training data's
random state and the bounded history (``playground.io.checkpoint.checkpoint_dict``); the
file's structure was checked on reading (``playground.io.checkpoint_format``), and here each
part is checked against the network it will continue: every tensor's metadata (dtype,
dimensions, element count, strides, storage; ``playground.io.checkpoint_tensors``) before any
of its values is read or converted.
"""
from __future__ import annotations

import numpy as np
import torch

from models.network import SequenceNet
from playground.config import RunConfig
from playground.engine.history import CAPACITY as HISTORY_ROWS
from playground.engine.trainer import OPTIMIZER_MOMENTS
from playground.errors import DataError
from playground.io.checkpoint import check_tensor
from playground.io.checkpoint_format import FLOAT_DTYPES, HISTORY_KEYS, check_resume_fields
from playground.io.checkpoint_tensors import bounded_tensor


def _check_history(history: dict, step: int) -> dict[str, np.ndarray]:
    """The saved history as float64 arrays: one length within the app's bound, finite where it must be."""
    for name in HISTORY_KEYS:                  # sizes and storage first: nothing is converted before
        bounded_tensor(f"weights file has a bad resume state: history column {name}", history[name],
                       dtypes=FLOAT_DTYPES, dim=1, max_numel=HISTORY_ROWS)
    if len({history[name].numel() for name in HISTORY_KEYS}) != 1:
        raise DataError(f"weights file has a bad resume state: the history columns must share one length of at "
                        f"most {HISTORY_ROWS:,}")
    arrays = {name: history[name].detach().to(torch.float64).numpy().copy() for name in HISTORY_KEYS}
    for name in HISTORY_KEYS:
        if name != "val_metric" and not np.isfinite(arrays[name]).all():
            raise DataError(f"weights file has a bad resume state: history column {name} has NaN or Inf")
    steps, counts = arrays["step"], arrays["count"]
    if (len(steps) and (steps.min() < 1 or steps.max() > step or (np.diff(steps) <= 0).any())) or (counts < 1).any():
        raise DataError("weights file has a bad resume state: history steps must rise from 1 to the saved step, "
                        "each row standing for at least one step")
    return arrays


def load_resume(data: dict, net: SequenceNet, config: RunConfig) -> dict | None:
    """The checked resume state of a read checkpoint for ``net`` (None when the file has none).

    Moments come for every parameter or for none (a fresh optimizer), each of the parameter's
    shape, finite, and second moments non-negative; the generator state has the size a
    torch.Generator's state has.
    """
    resume = data.get("resume")
    if resume is None:
        return None
    check_resume_fields(resume)
    params = dict(net.named_parameters())
    wanted = {f"{name}/{key}": param for name, param in params.items() for key in OPTIMIZER_MOMENTS[config.optimizer]}
    given = resume["moments"]
    if given and set(given) != set(wanted):
        raise DataError(f"weights file has a bad resume state: its optimizer moments do not match a "
                        f"{config.optimizer} run of this config")
    moments = {name: check_tensor(name, given[name], wanted[name]) for name in given}
    if any(name.endswith("exp_avg_sq") and (value < 0).any() for name, value in moments.items()):
        raise DataError("weights file has a bad resume state: a second moment is negative")
    rng, expected_rng = resume["data_rng"], torch.Generator().get_state()
    bounded_tensor("weights file has a bad resume state: the data generator state", rng, dtypes=(torch.uint8,),
                   shape=expected_rng.shape, needs="a torch.Generator's state has")
    try:
        torch.Generator().set_state(rng.clone())
    except (RuntimeError, ValueError):
        raise DataError("weights file has a bad resume state: the data generator state is not valid") from None
    return {"step": resume["step"], "optimizer_steps": resume["optimizer_steps"] if moments else 0,
            "moments": moments, "data_rng": rng.clone(), "history": _check_history(resume["history"], resume["step"])}
