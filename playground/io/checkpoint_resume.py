"""Loading the resume part of a weights file: what continuing a saved run needs, checked.

A file saved from a run holds its step count, the optimizer's moments, the training data's
random state and the bounded history (``playground.io.checkpoint.checkpoint_dict``); the
file's structure was checked on reading (``playground.io.checkpoint_format``), and here each
part is checked against the network it will continue.
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


def _check_history(history: dict, step: int) -> dict[str, np.ndarray]:
    """The saved history as float64 arrays: one length within the app's bound, finite where it must be."""
    arrays = {}
    for name in HISTORY_KEYS:
        tensor = history[name]
        if tensor.layout != torch.strided or tensor.dtype not in FLOAT_DTYPES or tensor.dim() != 1:
            raise DataError(f"weights file has a bad resume state: history column {name} is not a 1-D float tensor")
        arrays[name] = tensor.detach().to(torch.float64).numpy().copy()
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) != 1 or lengths.pop() > HISTORY_ROWS:
        raise DataError(f"weights file has a bad resume state: the history columns must share one length of at "
                        f"most {HISTORY_ROWS:,}")
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
    if rng.dtype != torch.uint8 or rng.layout != torch.strided or rng.shape != expected_rng.shape:
        raise DataError(f"weights file has a bad resume state: the data generator state must be "
                        f"{expected_rng.numel():,} bytes (uint8)")
    try:
        torch.Generator().set_state(rng.clone())
    except (RuntimeError, ValueError):
        raise DataError("weights file has a bad resume state: the data generator state is not valid") from None
    return {"step": resume["step"], "optimizer_steps": resume["optimizer_steps"] if moments else 0,
            "moments": moments, "data_rng": rng.clone(), "history": _check_history(resume["history"], resume["step"])}
