"""Saving and loading a trained model with its run config, as tensors only.

The file is a plain dict {"format", "config", "task", "state_dict"} written with
torch.save and read with ``torch.load(..., weights_only=True)``, which refuses any
pickled code: an uploaded file is untrusted input, so it is checked in this order and
nothing is built from it before its check has passed:

1. the bytes: at most ``MAX_FILE_BYTES``, a zip archive as torch.save writes it;
2. the archive's directory (``check_archive``): at most ``MAX_ENTRIES`` entries, every one
   stored (torch.save never compresses; a deflated entry could inflate to gigabytes inside
   torch.load), at most ``MAX_ARCHIVE_BYTES`` uncompressed, a small pickle;
3. the unpickled dict (``read_checkpoint``): the format marker, a config of plain scalars and
   short strings only, a bounded state_dict of tensors under short names;
4. the config (``checkpoint_config``): every field through the same field table as the URL
   (``playground.config.from_mapping``), before any task or network is built;
5. the tensors (``load_network``): real floating dtype, dense, on the CPU, the shape the
   config needs, finite after the cast to float32, and in all no more bytes than the
   config's shapes need (``MAX_BYTES_PER_VALUE`` each, float64 at most).

Every refusal is a DataError with one line naming the problem and the limit.
"""
from __future__ import annotations

import io
import os
import pickle
import re
import zipfile
from typing import Any, BinaryIO

import torch

from models.network import SequenceNet, build_network
from playground.config import FIELDS, RunConfig, clipped, from_mapping, parse_value
from playground.errors import ConfigError, DataError
from playground.user_data import literal

FORMAT = "rnn-playground/1"

# The largest checkpoint the app can write (3 LSTM layers of 256 units on a 10,000-word
# vocabulary) is under 7 MB; these limits leave room for that and nothing like a bomb.
MAX_FILE_BYTES = 16 * 2**20          # the .pt file itself
MAX_ARCHIVE_BYTES = 16 * 2**20       # every entry of the archive, uncompressed
MAX_PICKLE_BYTES = 256 * 2**10       # the archive's data.pkl (the dict without tensor data)
MAX_ENTRIES = 64                     # entries of the archive (a state_dict has at most 15 tensors)
MAX_TENSORS = 32                     # entries of the state_dict
MAX_NAME_CHARS = 64                  # a state_dict key, a config key
MAX_TEXT_CHARS = 64                  # a string value in the config, the task name
MAX_BYTES_PER_VALUE = 8              # float64: the widest dtype accepted
STORAGE_SLACK_BYTES = 4096           # allowance over the exact size, for alignment
FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_CENTRAL_ENTRY = b"PK\x01\x02"       # signature of one entry of a zip's central directory
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_-]*")   # what a string in a config may hold: no link, markup or shortcode


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


def _mb(n: int) -> str:
    """Bytes as megabytes for a message ('16 MB', '0.3 MB')."""
    return f"{n / 2**20:.3g} MB"


def source_bytes(source: str | os.PathLike | bytes | bytearray | BinaryIO) -> bytes:
    """The file's bytes, never more than MAX_FILE_BYTES + 1 read; DataError when larger."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            if os.stat(source).st_size > MAX_FILE_BYTES:
                raise DataError(f"the weights file is {_mb(os.stat(source).st_size)}; the limit is "
                                f"{_mb(MAX_FILE_BYTES)}")
            with open(source, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as err:
            raise DataError(f"cannot read the weights file ({err.strerror or type(err).__name__})") from None
    else:
        data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise DataError(f"the weights file is larger than {_mb(MAX_FILE_BYTES)}, the limit")
    return data


def _refuse_unsafe(reason: str) -> DataError:
    """The error for a file that is not a readable, safe archive (one line)."""
    return DataError(f"not a weights file this app can read safely ({reason})")


def check_archive(data: bytes) -> bytes:
    """Check the zip directory of a .pt file before torch.load opens it; DataError when unsafe.

    The entry count is bounded from the raw bytes first (every central-directory entry
    starts with its own signature), so even reading the directory costs little. Returns the
    archive rewritten from the checked entries only, so torch.load's own zip reader cannot
    see anything else (no second directory, no entry this check did not read).
    """
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse_unsafe("not a zip archive as torch.save writes it")
    if data.count(_CENTRAL_ENTRY) > MAX_ENTRIES:
        raise _refuse_unsafe(f"the archive has more than {MAX_ENTRIES} entries, the limit")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as err:
        raise _refuse_unsafe(f"damaged zip archive: {clipped(str(err).splitlines()[0] if str(err) else 'unreadable', 80)}") from None
    if not entries or len(entries) > MAX_ENTRIES:
        raise _refuse_unsafe(f"the archive has {len(entries)} entries; 1 to {MAX_ENTRIES} are allowed")
    total = 0
    for entry in entries:
        if entry.compress_type != zipfile.ZIP_STORED or entry.compress_size != entry.file_size:
            raise _refuse_unsafe("the archive has compressed entries; torch.save writes them stored, "
                                 "and only stored entries are accepted")
        if entry.flag_bits & 0x1:
            raise _refuse_unsafe("the archive has encrypted entries")
        if entry.filename.endswith("data.pkl") and entry.file_size > MAX_PICKLE_BYTES:
            raise _refuse_unsafe(f"its data.pkl is {_mb(entry.file_size)}; the limit is {_mb(MAX_PICKLE_BYTES)}")
        total += entry.file_size
    if total > MAX_ARCHIVE_BYTES:
        raise _refuse_unsafe(f"the archive holds {_mb(total)} uncompressed; the limit is {_mb(MAX_ARCHIVE_BYTES)}")
    return _rewritten(data, entries)


def _rewritten(data: bytes, entries: list[zipfile.ZipInfo]) -> bytes:
    """The checked entries copied into a fresh stored archive (each read once, its CRC checked)."""
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
            for entry in entries:
                target.writestr(entry.filename, source.read(entry))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, RuntimeError) as err:
        raise _refuse_unsafe(f"damaged zip archive: {clipped(str(err).splitlines()[0] if str(err) else 'unreadable', 80)}") from None
    return out.getvalue()


def _is_plain(value: Any) -> bool:
    """A config value the app accepts: a number, a bool or a short string (never a container)."""
    if isinstance(value, str):
        return len(value) <= MAX_TEXT_CHARS
    return type(value) in (int, float, bool)


def _check_text(what: str, value: str) -> None:
    """A string from the file holds only letters, digits, '-' and '_' (so an echo of it is inert)."""
    if not _PLAIN_TEXT.fullmatch(value):
        raise DataError(f"weights file has a bad config: {what} holds characters other than letters, digits, "
                        "'-' and '_'")


def _check_fields(data: dict) -> None:
    """Types and sizes of the top-level fields, config and state_dict; nothing is stringified."""
    config, state = data.get("config"), data.get("state_dict")
    if not isinstance(state, dict) or not isinstance(config, dict):
        raise DataError("weights file lacks its config or state_dict")
    if len(config) > len(FIELDS):
        raise DataError(f"weights file has a bad config: {len(config)} settings; there are only {len(FIELDS)}")
    for key, value in config.items():
        if not isinstance(key, str) or len(key) > MAX_NAME_CHARS:
            raise DataError(f"weights file has a bad config: a setting name that is not a string of at most "
                            f"{MAX_NAME_CHARS} characters")
        if not _is_plain(value):
            raise DataError(f"weights file has a bad config: setting {literal(key)} is a "
                            f"{type(value).__name__}{' too long' if isinstance(value, str) else ''}; only "
                            f"numbers and strings of at most {MAX_TEXT_CHARS} characters are accepted")
        if key not in FIELDS:
            raise DataError(f"weights file has a bad config: unknown setting {literal(key)}")
        if isinstance(value, str):
            _check_text(f"setting {key}", value)
    task = data.get("task")
    if task is not None and not (isinstance(task, str) and len(task) <= MAX_TEXT_CHARS):
        raise DataError(f"weights file has a bad task name: it must be a string of at most {MAX_TEXT_CHARS} "
                        "characters")
    if task is not None:
        _check_text("the task name", task)
    if len(state) > MAX_TENSORS:
        raise DataError(f"weights file has {len(state)} tensors; the limit is {MAX_TENSORS}")
    for key in state:
        if not isinstance(key, str) or len(key) > MAX_NAME_CHARS:
            raise DataError(f"weights file has a tensor name that is not a string of at most {MAX_NAME_CHARS} "
                            "characters")


def read_checkpoint(source: str | bytes | BinaryIO) -> dict:
    """Read an untrusted checkpoint without executing code; DataError when it is not one."""
    data = check_archive(source_bytes(source))
    try:
        loaded = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise _refuse_unsafe("it holds something other than tensors and plain values, e.g. code") from None
    except Exception as err:  # torch raises many kinds for junk / pickles with code
        raise _refuse_unsafe(f"{type(err).__name__}: " + (clipped(str(err).splitlines()[0], 160)
                                                          if str(err).strip() else "unreadable")) from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("format"), str) or loaded["format"] != FORMAT:
        raise DataError("not an RNN Playground weights file (missing format marker)")
    _check_fields(loaded)
    return loaded


def checkpoint_config(data: dict) -> tuple[str, RunConfig]:
    """The task name and the validated config of a read checkpoint; DataError when a field is bad.

    Every field passes the same field table as a URL parameter, so a task can be built from
    the result safely (its sequence length, sizes and seed are within the app's limits).
    """
    _check_fields(data)
    try:
        config = from_mapping(data["config"])
        name = parse_value("task", data.get("task") or config.task)
    except ConfigError as err:
        raise DataError(f"weights file has a bad config: {err}") from None
    return name, config


def _check_tensor(name: str, tensor: Any, expected: torch.Tensor) -> torch.Tensor:
    """One weight as float32, checked for type, layout, dtype, device, shape and finiteness."""
    if not isinstance(tensor, torch.Tensor):
        raise DataError(f"weight {clipped(name)} is a {type(tensor).__name__}, not a tensor")
    if tensor.layout != torch.strided:
        raise DataError(f"weight {clipped(name)} is a {str(tensor.layout).replace('torch.', '')} tensor; only "
                        "dense (strided) tensors are accepted")
    if tensor.dtype not in FLOAT_DTYPES:
        raise DataError(f"weight {clipped(name)} has dtype {str(tensor.dtype).replace('torch.', '')}; only real "
                        "floating-point tensors (float16, bfloat16, float32, float64) are accepted")
    if tensor.device.type != "cpu":
        raise DataError(f"weight {clipped(name)} is on device {tensor.device.type}; only CPU tensors are accepted")
    if tensor.shape != expected.shape:
        raise DataError(f"weight {clipped(name)} has shape {tuple(tensor.shape)}, the config needs "
                        f"{tuple(expected.shape)}")
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
    checked = {name: _check_tensor(name, given[name], expected[name]) for name in expected}
    _check_storage_bytes(given, expected)
    net.load_state_dict({k: v.to(expected[k].dtype) for k, v in checked.items()})
    return config, net
