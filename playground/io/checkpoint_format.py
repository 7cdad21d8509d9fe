"""The weights file's format, its limits, and the checks of an untrusted file before anything is built.

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
5. the tensors (``playground.io.checkpoint.load_network``): each one's metadata first
   (``playground.io.checkpoint_tensors.bounded_tensor``: dense, on the CPU, a real floating
   dtype, the shape the config needs, strides inside its storage), then in all no more bytes
   than the config's shapes need (``MAX_BYTES_PER_VALUE`` each, float64 at most), and only
   then the values: finite after the cast to float32.

A file saved from a run also holds what continuing it needs (``"resume"``: step count,
optimizer moments, the training data's random state, the bounded history), so load + Step
continues the run as if it had never stopped. Its parts pass the same kind of checks
(``check_resume_fields`` here, then ``playground.io.checkpoint_resume.load_resume``): plain
integers in range, moments of the parameters' shapes (second moments non-negative), a
generator state of the right size, a history no longer than the app keeps; every tensor's
dtype, dimensions, element count, strides and storage before any of its values is converted. A file without
it (or from plain PyTorch) loads as weights only.

Steps 1 to 4 are here; saving and loading the weights are in ``playground.io.checkpoint``.
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

from playground.config import FIELDS, RunConfig, clipped, from_mapping, parse_value
from playground.engine.history import COLUMNS as HISTORY_COLUMNS
from playground.errors import ConfigError, DataError
from playground.markup import literal

FORMAT = "rnn-playground/1"

# The largest checkpoint the app can write (3 LSTM layers of 256 units on a 10,000-word
# vocabulary: weights under 7 MB, Adam's two moments as much again each) is under 21 MB;
# these limits leave room for that and nothing like a bomb.
MAX_FILE_BYTES = 24 * 2**20          # the .pt file itself
MAX_ARCHIVE_BYTES = 24 * 2**20       # every entry of the archive, uncompressed
MAX_PICKLE_BYTES = 256 * 2**10       # the archive's data.pkl (the dict without tensor data)
MAX_ENTRIES = 96                     # entries of the archive (15 weights, 30 moments, 9 more to resume)
MAX_TENSORS = 32                     # entries of the state_dict
MAX_STEP = 10**9                     # a saved step count
MAX_NAME_CHARS = 64                  # a state_dict key, a config key
MAX_TEXT_CHARS = 64                  # a string value in the config, the task name
MAX_BYTES_PER_VALUE = 8              # float64: the widest dtype accepted
STORAGE_SLACK_BYTES = 4096           # allowance over the exact size, for alignment
FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
_CENTRAL_ENTRY = b"PK\x01\x02"       # signature of one entry of a zip's central directory
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_-]*")   # what a string in a config may hold: no link, markup or shortcode


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
    if data.get("resume") is not None:
        check_resume_fields(data["resume"])
    for key in state:
        if not isinstance(key, str) or len(key) > MAX_NAME_CHARS:
            raise DataError(f"weights file has a tensor name that is not a string of at most {MAX_NAME_CHARS} "
                            "characters")


RESUME_KEYS = ("step", "optimizer_steps", "moments", "data_rng", "history")
HISTORY_KEYS = (*HISTORY_COLUMNS, "count")


def check_resume_fields(resume: Any) -> None:
    """The resume part's shape: known keys, integer counters in range, bounded dicts of tensors."""
    if not isinstance(resume, dict) or set(resume) != set(RESUME_KEYS):
        raise DataError("weights file has a bad resume state: it needs exactly " + ", ".join(RESUME_KEYS))
    for key in ("step", "optimizer_steps"):
        if type(resume[key]) is not int or not 0 <= resume[key] <= MAX_STEP:
            raise DataError(f"weights file has a bad resume state: {key} must be a whole number from 0 to {MAX_STEP:,}")
    moments, history = resume["moments"], resume["history"]
    if not isinstance(moments, dict) or len(moments) > 2 * MAX_TENSORS:
        raise DataError(f"weights file has a bad resume state: moments must be at most {2 * MAX_TENSORS} tensors")
    if not isinstance(history, dict) or set(history) != set(HISTORY_KEYS):
        raise DataError("weights file has a bad resume state: its history needs exactly the columns "
                        + ", ".join(HISTORY_KEYS))
    for key in moments:
        if not isinstance(key, str) or len(key) > 2 * MAX_NAME_CHARS:
            raise DataError("weights file has a bad resume state: a moment name that is not a short string")
    if not all(isinstance(v, torch.Tensor) for v in [*moments.values(), *history.values(), resume["data_rng"]]):
        raise DataError("weights file has a bad resume state: it holds something other than tensors")


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
