"""Saving and loading a trained model with its run config, as tensors only.

The file is a plain dict {"format", "config", "task", "state_dict"} written with
torch.save and read with ``torch.load(..., weights_only=True)``, which refuses any
pickled code: an uploaded file is untrusted input.
"""
from __future__ import annotations

import io
from typing import BinaryIO

import torch

from models.network import SequenceNet, build_network
from playground.config import RunConfig, from_mapping
from playground.errors import ConfigError, DataError

FORMAT = "rnn-playground/1"


def checkpoint_dict(config: RunConfig, task_name: str, net: SequenceNet) -> dict:
    """The dict that is saved: config fields, task name and the network's state_dict."""
    return {"format": FORMAT, "config": config.to_dict(), "task": task_name,
            "state_dict": {k: v.detach().clone() for k, v in net.state_dict().items()}}


def save_checkpoint(target: str | BinaryIO, config: RunConfig, task_name: str, net: SequenceNet) -> None:
    """Write the checkpoint to a path or a binary file object."""
    torch.save(checkpoint_dict(config, task_name, net), target)


def checkpoint_bytes(config: RunConfig, task_name: str, net: SequenceNet) -> bytes:
    """The checkpoint as bytes (for a download button)."""
    buffer = io.BytesIO()
    save_checkpoint(buffer, config, task_name, net)
    return buffer.getvalue()


def read_checkpoint(source: str | bytes | BinaryIO) -> dict:
    """Read an untrusted checkpoint without executing code; DataError when it is not one."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        data = torch.load(source, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many kinds for junk / pickles with code
        raise DataError(f"not a weights file this app can read safely ({type(err).__name__}: "
                        f"{str(err).splitlines()[0][:160] if str(err) else 'unreadable'})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError("not an RNN Playground weights file (missing format marker)")
    if not isinstance(data.get("state_dict"), dict) or not isinstance(data.get("config"), dict):
        raise DataError("weights file lacks its config or state_dict")
    return data


def load_network(data: dict, task) -> tuple[RunConfig, SequenceNet]:
    """Build the network the checkpoint's config describes and load its weights, checking shapes."""
    try:
        config = from_mapping({k: v for k, v in data["config"].items()})
    except ConfigError as err:
        raise DataError(f"weights file has a bad config: {err}") from None
    net = build_network(config, task)
    expected = net.state_dict()
    given = data["state_dict"]
    missing = sorted(set(expected) - set(given))
    extra = sorted(set(given) - set(expected))
    if missing or extra:
        raise DataError(f"weights do not match the config: missing {missing[:3]}, unexpected {extra[:3]}")
    for name, tensor in given.items():
        if not isinstance(tensor, torch.Tensor) or tensor.shape != expected[name].shape:
            shape = tuple(tensor.shape) if isinstance(tensor, torch.Tensor) else type(tensor).__name__
            raise DataError(f"weight {name} has shape {shape}, the config needs {tuple(expected[name].shape)}")
        if not torch.isfinite(tensor).all():
            raise DataError(f"weight {name} contains NaN or Inf")
    net.load_state_dict({k: v.to(expected[k].dtype) for k, v in given.items()})
    return config, net
