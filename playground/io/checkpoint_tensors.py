"""The checks of one tensor from an untrusted weights file, before anything reads its values.

``torch.load`` builds a tensor as a view (sizes, strides, offset) of a storage read from the
archive. The storage is as small as the file, but the view is not: sizes of 10**8 with stride
0 ask for nothing on loading, and gigabytes from the first ``.to()``, ``.numpy()``, ``.clone()``
or comparison. So every tensor of every part of the file (weights, optimizer moments, history,
generator state) passes ``bounded_tensor`` first, which reads only its metadata, in this order:

1. it is a tensor, dense (strided), on the CPU, of an accepted dtype;
2. its number of dimensions, then its shape (or, where the shape is free, its element count)
   are what the part allows, computed from the sizes in Python integers;
3. its strides are non-negative and the elements it addresses lie inside its storage;
4. its storage holds at most ``max_storage_bytes`` (what the part needs, plus a little slack).

Only then may a caller convert it; the caller's own checks of the values come after.
Every refusal is a DataError with one line naming the problem and the limit.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import torch

from playground.errors import DataError
from playground.io.checkpoint_format import STORAGE_SLACK_BYTES


def _name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")


def _dtypes_text(dtypes: Sequence[torch.dtype]) -> str:
    return ", ".join(_name(d) for d in dtypes)


def bounded_tensor(what: str, tensor: Any, *, dtypes: Sequence[torch.dtype], shape: Sequence[int] | None = None,
                   dim: int | None = None, max_numel: int | None = None,
                   max_storage_bytes: int | None = None, needs: str = "the config needs") -> torch.Tensor:
    """``tensor`` unchanged once its metadata is within bounds (see the module docstring); else DataError.

    ``what`` names it in messages ("weight head.bias"). Give ``shape`` for an exact shape (``needs``
    says whose: "the config needs"), or ``dim`` and ``max_numel``. ``max_storage_bytes`` defaults to the element count at the
    widest accepted dtype plus ``STORAGE_SLACK_BYTES``; pass ``-1`` to leave the storage to a
    caller that bounds several tensors' storages together.
    """
    if not isinstance(tensor, torch.Tensor):
        raise DataError(f"{what} is a {type(tensor).__name__}, not a tensor")
    if tensor.layout != torch.strided:
        raise DataError(f"{what} is a {_name(tensor.layout)} tensor; only dense (strided) tensors are accepted")
    if tensor.device.type != "cpu":
        raise DataError(f"{what} is on device {tensor.device.type}; only CPU tensors are accepted")
    if tensor.dtype not in dtypes:
        kind = "real floating-point tensors" if all(d.is_floating_point for d in dtypes) else "tensors"
        raise DataError(f"{what} has dtype {_name(tensor.dtype)}; only {kind} ({_dtypes_text(dtypes)}) are accepted")
    sizes = tuple(int(n) for n in tensor.shape)
    if shape is not None and sizes != tuple(shape):
        raise DataError(f"{what} has shape {sizes}, {needs} {tuple(shape)}")
    if dim is not None and len(sizes) != dim:
        raise DataError(f"{what} has {len(sizes)} dimensions; it must have {dim}")
    numel = math.prod(sizes)
    if max_numel is not None and numel > max_numel:
        raise DataError(f"{what} has {numel:,} values; at most {max_numel:,} are accepted")
    _check_extent(what, tensor, sizes, numel, max_storage_bytes, dtypes)
    return tensor


def _check_extent(what: str, tensor: torch.Tensor, sizes: tuple[int, ...], numel: int,
                  max_storage_bytes: int | None, dtypes: Sequence[torch.dtype]) -> None:
    """Strides non-negative, the view inside its storage, the storage within its bound."""
    strides = tuple(int(s) for s in tensor.stride())
    if any(s < 0 for s in strides) or tensor.storage_offset() < 0:
        raise DataError(f"{what} has negative strides or offset")
    item = tensor.element_size()
    storage_bytes = tensor.untyped_storage().nbytes()
    if numel:
        last = tensor.storage_offset() + sum((n - 1) * s for n, s in zip(sizes, strides))
        if (last + 1) * item > storage_bytes:
            raise DataError(f"{what} reaches past the end of its storage")
    widest = max(d.itemsize for d in dtypes)
    bound = numel * widest + STORAGE_SLACK_BYTES if max_storage_bytes is None else max_storage_bytes
    if bound >= 0 and storage_bytes > bound:
        raise DataError(f"{what} is stored in {storage_bytes:,} bytes; its {numel:,} values need at most {bound:,}")
