"""Saving a trained model with its run config (and what resuming it needs), and loading its weights back.

The file is a plain dict {"format", "config", "task", "state_dict", optionally "resume"} of
tensors and plain values written with torch.save; its format, limits and the checks of an
untrusted file are ``playground.io.checkpoint_format``'s, the resume part's
``playground.io.checkpoint_resume``'s. Here every weight is checked (``check_tensor``) before
it is loaded into the network its checked config builds.
"""
from __future__ import annotations

import io
from typing import Any, BinaryIO

import numpy as np
import torch

from models.network import SequenceNet, build_network
from playground.config import RunConfig, clipped
from playground.errors import DataError
from playground.io.checkpoint_format import (FLOAT_DTYPES, FORMAT, MAX_BYTES_PER_VALUE, STORAGE_SLACK_BYTES,
                                             checkpoint_config)
from playground.io.checkpoint_tensors import bounded_tensor
from playground.markup import literal


def _tensors(values: dict) -> dict[str, torch.Tensor]:
    """Own copies of a dict of tensors or arrays, as tensors."""
    return {k: torch.as_tensor(v).detach().clone() for k, v in values.items()}


def checkpoint_dict(config: RunConfig, task_name: str, weights: SequenceNet | dict,
                    resume: dict | None = None) -> dict:
    """The dict that is saved: config fields, task name, the weights, and what resuming needs.

    ``weights`` is the network or its state dict (tensors or arrays); ``resume`` is
    ``LiveRun.resume_state()`` without its weights (optional).
    """
    state = weights.state_dict() if isinstance(weights, torch.nn.Module) else weights
    data = {"format": FORMAT, "config": config.to_dict(), "task": task_name, "state_dict": _tensors(state)}
    if resume is not None:
        data["resume"] = {"step": int(resume["step"]), "optimizer_steps": int(resume["optimizer_steps"]),
                          "moments": _tensors(resume["moments"]), "data_rng": _tensors({"r": resume["data_rng"]})["r"],
                          "history": {k: torch.as_tensor(np.asarray(v, dtype=np.float64))
                                      for k, v in resume["history"].items()}}
    return data


def save_checkpoint(target: str | BinaryIO, config: RunConfig, task_name: str, weights: SequenceNet | dict,
                    resume: dict | None = None) -> None:
    """Write the checkpoint to a path or a binary file object."""
    torch.save(checkpoint_dict(config, task_name, weights, resume), target)


def checkpoint_bytes(config: RunConfig, task_name: str, weights: SequenceNet | dict,
                     resume: dict | None = None) -> bytes:
    """The checkpoint as bytes (for a download button)."""
    buffer = io.BytesIO()
    save_checkpoint(buffer, config, task_name, weights, resume)
    return buffer.getvalue()


def check_tensor(name: str, tensor: Any, expected: torch.Tensor, max_storage_bytes: int | None = None) -> torch.Tensor:
    """One weight (or moment) as float32: its metadata bounded first (``bounded_tensor``: type, layout,
    device, dtype, ``expected``'s shape, strides, storage), then its values finite."""
    bounded_tensor(f"weight {clipped(name)}", tensor, dtypes=FLOAT_DTYPES, shape=expected.shape,
                   max_storage_bytes=max_storage_bytes)
    value = tensor.detach().to(torch.float32)
    if not torch.isfinite(value).all():
        raise DataError(f"weight {clipped(name)} contains NaN or Inf (after conversion to float32, whose "
                        "largest value is ±3.4e38)")
    return value


def _check_storage_bytes(given: dict, expected: dict) -> None:
    """The tensors' storages hold no more bytes than the config's shapes need (float64 at most)."""
    storages = {}
    for tensor in given.values():
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
    need = sum(t.numel() for t in expected.values()) * MAX_BYTES_PER_VALUE + STORAGE_SLACK_BYTES
    have = sum(storages.values())
    if have > need:
        raise DataError(f"the weights file's tensors hold {have:,} bytes; the config's shapes need at most "
                        f"{need:,}")


def load_network(data: dict, task) -> tuple[RunConfig, SequenceNet]:
    """Build the network the checkpoint's config describes and load its weights, checking each one."""
    _, config = checkpoint_config(data)
    net = build_network(config, task)
    expected = net.state_dict()
    given = data["state_dict"]
    missing = sorted(set(expected) - set(given))
    extra = sorted(set(given) - set(expected))
    if missing or extra:
        raise DataError(f"weights do not match the config: missing {', '.join(map(literal, missing[:3])) or 'none'}, "
                        f"unexpected {', '.join(map(literal, extra[:3])) or 'none'}")
    for name in expected:                       # every weight's metadata, then all storages, then values
        bounded_tensor(f"weight {clipped(name)}", given[name], dtypes=FLOAT_DTYPES, shape=expected[name].shape,
                       max_storage_bytes=-1)
    _check_storage_bytes(given, expected)
    checked = {name: check_tensor(name, given[name], expected[name], max_storage_bytes=-1) for name in expected}
    net.load_state_dict({k: v.to(expected[k].dtype) for k, v in checked.items()})
    return config, net
