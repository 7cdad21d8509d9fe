"""Hostile weights files (issue class 1): each is refused with one line naming the problem and the
limit, before any task is built when the config is at fault, in under 2 s of CPU and 100 MB extra memory.

The files are built here: zip bombs (a torch.save'd dict re-zipped with ZIP_DEFLATED), archives
with too many or too large entries, configs with absurd values or nested structures, and tensors
of the wrong dtype, layout, shape or range. ``measured`` (``hostile_measure``) reports CPU time and the peak extra
memory of one call: the larger of the tracemalloc peak and the process RSS rise, sampled
(in separate runs, so tracemalloc does not slow the timed one).
"""
import io
import struct
import zipfile
from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from models.network import build_network
from playground.io import checkpoint as ck, checkpoint_format as fmt
from playground.io import export
from playground.io.checkpoint import checkpoint_dict
from playground.config import RunConfig
from playground.errors import DataError
from playground.tasks import make_task
from playground.ui.keys import LIVE_RUN
from playground.ui.page_files import page_file
from hostile_measure import MAX_EXTRA_BYTES, MAX_SECONDS, measured

torch.set_num_threads(1)
CONFIG = RunConfig(arch="gru", task="adding", hidden=8, seq_len=10, batch=8, seed=4)


def saved(obj) -> bytes:
    """``obj`` as torch.save writes it."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def base() -> dict:
    """A valid checkpoint dict of a small GRU on the adding task."""
    net = build_network(CONFIG, make_task(CONFIG))
    return checkpoint_dict(CONFIG, "adding", net)


def edited(config=None, tensors=None, **top) -> bytes:
    """A valid checkpoint with some config fields, tensors or top-level fields replaced."""
    data = base()
    data["config"].update(config or {})
    data["state_dict"].update(tensors or {})
    data.update(top)
    return saved(data)


def rezipped(data: bytes, compression=zipfile.ZIP_STORED, extra=0) -> bytes:
    """The archive's entries written again by Python's zipfile, with ``extra`` empty entries added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for entry in src.infolist():
            dst.writestr(entry.filename, src.read(entry.filename))
        for k in range(extra):
            dst.writestr(f"archive/extra/{k}", b"")
    return out.getvalue()


class Reducer:
    """Pickles as a call to a harmless global; weights_only loading must refuse any call."""

    def __reduce__(self):
        return (len, ("abc",))


def with_pickle(data: bytes, pickled: bytes) -> bytes:
    """The archive with its data.pkl replaced by ``pickled`` (written stored, as torch.save does)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for entry in src.infolist():
            dst.writestr(entry.filename, pickled if entry.filename.endswith("data.pkl") else src.read(entry))
    return out.getvalue()


def flipped(data: bytes, name: str) -> bytes:
    """The archive with the first byte of entry ``name``'s contents changed (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = archive.getinfo(name)
    name_len, extra_len = struct.unpack("<HH", data[entry.header_offset + 26:entry.header_offset + 30])
    start = entry.header_offset + 30 + name_len + extra_len         # the local header's own lengths
    return data[:start] + bytes([data[start] ^ 0xFF]) + data[start + 1:]


def zip_bomb(tmp: Path, values: int = 64 * 2**20) -> bytes:
    """A checkpoint whose one tensor of ``values`` float32 zeros (256 MB) is deflated to ~0.3 MB."""
    source = tmp / "big.pt"
    data = base()
    data["state_dict"]["head.weight"] = torch.empty(values)     # untouched pages: written, never filled
    torch.save(data, source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            with src.open(entry) as reader, dst.open(entry.filename, "w", force_zip64=True) as writer:
                while chunk := reader.read(2**22):
                    writer.write(bytes(len(chunk)))         # zeros compress best
    source.unlink()
    return out.getvalue()


def renamed(key, new) -> bytes:
    """A valid checkpoint whose config setting ``key`` is stored under the name ``new``."""
    data = base()
    data["config"][new] = data["config"].pop(key)
    return saved(data)


def nested(depth: int = 40):
    """A list of 2**depth leaves that pickles in a few hundred bytes (every level is shared)."""
    value = [0]
    for _ in range(depth):
        value = [value, value]
    return value


class Recorder:
    """A ``task_for`` that counts its calls: a bad config must fail before any task is built."""

    def __init__(self):
        self.calls = 0

    def __call__(self, name, config):
        self.calls += 1
        return make_task(config)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """One zip bomb for the module (building it writes, then deletes, a 256 MB file)."""
    return zip_bomb(tmp_path_factory.mktemp("bomb"))


W = base()["state_dict"]["head.weight"]          # (1, 8) float32
CASES = {
    # --- the archive, before torch.load --------------------------------------------------------------
    "junk": (lambda: b"junk bytes, not a checkpoint" * 10, "not a zip archive"),
    "empty": (lambda: b"", "not a zip archive"),
    "raw-pickle": (lambda: b"\x80\x02]q\x00." * 3, "not a zip archive"),
    "truncated": (lambda: edited()[:700], "damaged zip archive"),
    "deflated-valid-file": (lambda: rezipped(edited(), zipfile.ZIP_DEFLATED), "only stored entries are accepted"),
    "bzip2-valid-file": (lambda: rezipped(edited(), zipfile.ZIP_BZIP2), "only stored entries are accepted"),
    "code-in-pickle": (lambda: edited(tensors={"head.bias": Reducer()}), "holds something other than tensors"),
    "deeply-nested-pickle": (lambda: with_pickle(edited(), b"\x80\x02" + b"(" * 60_000 + b"l" * 60_000 + b"."),
                             "holds something other than tensors"),
    "bad-crc": (lambda: flipped(edited(), "archive/data/0"), "damaged zip archive: Bad CRC-32"),
    "many-entries": (lambda: rezipped(edited(), extra=200), f"more than {fmt.MAX_ENTRIES} entries"),
    "large-pickle": (lambda: edited(padding=list(range(200_000))), "data.pkl is"),
    "over-file-limit": (lambda: b"PK\x03\x04" + bytes(fmt.MAX_FILE_BYTES), "the limit"),
    # --- the dict and the config, before any task is built -------------------------------------------
    "no-format-marker": (lambda: saved({"state_dict": {}, "config": {}}), "missing format marker"),
    "format-is-a-tensor": (lambda: edited(format=torch.zeros(3)), "missing format marker"),
    "state-dict-is-a-list": (lambda: edited(state_dict=[1, 2]), "lacks its config or state_dict"),
    "seq-len-1e9": (lambda: edited({"seq_len": 10**9}), "seq_len must be between 1 and 400"),
    "lag-1e9": (lambda: edited({"lag": 10**9}), "lag must be between 1 and 400"),
    "hidden-1e6": (lambda: edited({"hidden": 10**6}), "hidden must be between 1 and 256"),
    "layers-100": (lambda: edited({"layers": 100}), "layers must be between 1 and 3"),
    "batch-1e9": (lambda: edited({"batch": 10**9}), "batch must be between 1 and 256"),
    "seed-negative": (lambda: edited({"seed": -1}), "seed must be between 0"),
    "lr-inf": (lambda: edited({"lr": float("inf")}), "lr must be a finite number"),
    "lr-nan": (lambda: edited({"lr": float("nan")}), "lr must be a finite number"),
    "radius-1e308": (lambda: edited({"radius": 1e308}), "radius must be between 0.01 and 3"),
    "huge-int": (lambda: edited({"seq_len": 10**30}), "seq_len must be between 1 and 400 (got 1e+30)"),
    "4000-digit-int": (lambda: edited({"seq_len": 10**4000}), "not a weights file this app can read safely"),
    "arch-unknown": (lambda: edited({"arch": "transformer"}), "arch must be one of rnn, gru, lstm"),
    "nested-list-value": (lambda: edited({"seq_len": nested()}), "setting `seq_len` is a list; only numbers and strings"),
    "nested-list-task": (lambda: edited({"task": nested()}), "setting `task` is a list; only numbers and strings"),
    "dict-value": (lambda: edited({"hidden": {"a": nested()}}), "`hidden` is a dict"),
    "tuple-value": (lambda: edited({"layers": (1, 2)}), "`layers` is a tuple"),
    "bytes-value": (lambda: edited({"arch": b"gru"}), "`arch` is a bytes"),
    "tensor-value": (lambda: edited({"seq_len": torch.tensor(10)}), "`seq_len` is a Tensor"),
    "none-value": (lambda: edited({"lr": None}), "`lr` is a NoneType"),
    "1kb-string-value": (lambda: edited({"arch": "g" * 1000}), "`arch` is a str too long; only numbers and strings of at most 64"),
    "1mb-string-value": (lambda: edited({"arch": "g" * 2**20}), "data.pkl is 1 MB; the limit is 0.25 MB"),
    "1000-settings": (lambda: edited({f"k{k}": 1 for k in range(1000)}), "settings; there are only 14"),
    "int-setting-name": (lambda: renamed("clip", 7), "a setting name that is not a string of at most 64"),
    "unknown-setting": (lambda: renamed("clip", "steps"), "unknown setting `steps`"),
    "nested-task-name": (lambda: edited(task=nested()), "bad task name: it must be a string of at most 64"),
    "1kb-task-name": (lambda: edited(task="x" * 1000), "bad task name: it must be a string of at most 64"),
    "unknown-task-name": (lambda: edited(task="nope"), "unknown task 'nope'"),
    # --- the tensors ---------------------------------------------------------------------------------
    "1000-tensors": (lambda: edited(tensors=dict.fromkeys((f"t{k}" for k in range(1000)), torch.zeros(1))),
                     "1006 tensors; the limit is 32"),
    "1000-separate-tensors": (lambda: edited(tensors={f"t{k}": torch.zeros(1) for k in range(1000)}),
                              f"more than {fmt.MAX_ENTRIES} entries"),
    "1kb-tensor-name": (lambda: edited(tensors={"w" * 1000: torch.zeros(1)}), "tensor name that is not a string of at most 64"),
    "extra-tensor": (lambda: edited(tensors={"spy": torch.zeros(1)}), "unexpected `spy`"),
    "not-a-tensor": (lambda: edited(tensors={"head.bias": 3}), "head.bias is a int, not a tensor"),
    "complex64": (lambda: edited(tensors={"head.weight": W.to(torch.complex64)}), "dtype complex64; only real"),
    "complex128": (lambda: edited(tensors={"head.weight": W.to(torch.complex128)}), "dtype complex128"),
    "int64": (lambda: edited(tensors={"head.weight": W.to(torch.int64)}), "dtype int64"),
    "int8": (lambda: edited(tensors={"head.weight": W.to(torch.int8)}), "dtype int8"),
    "bool": (lambda: edited(tensors={"head.weight": W > 0}), "dtype bool"),
    "sparse-coo": (lambda: edited(tensors={"head.weight": W.to_sparse()}), "sparse_coo tensor; only dense"),
    "meta-device": (lambda: edited(tensors={"head.weight": torch.empty(1, 8, device="meta")}), "device meta"),
    "float64-overflows-float32": (lambda: edited(tensors={"head.weight": torch.full((1, 8), 1e300, dtype=torch.float64)}),
                                  "NaN or Inf (after conversion to float32"),
    "float64-just-over": (lambda: edited(tensors={"head.bias": torch.full((1,), 3.5e38, dtype=torch.float64)}),
                          "±3.4e38"),
    "nan": (lambda: edited(tensors={"head.bias": torch.full((1,), float("nan"))}), "NaN or Inf"),
    "wrong-shape": (lambda: edited(tensors={"head.weight": torch.zeros(3, 3)}), "has shape (3, 3), the config needs (1, 8)"),
    "expanded-huge-shape": (lambda: edited(tensors={"head.weight": torch.zeros(1).expand(10**6, 10**6)}),
                            "has shape (1000000, 1000000)"),
    "bloated-storage": (lambda: edited(tensors={"head.weight": torch.zeros(2_000_000)[:8].view(1, 8)}),
                        "the config's shapes need at most"),
}
CONFIG_FAULTS = {"seq-len-1e9", "lag-1e9", "hidden-1e6", "layers-100", "batch-1e9", "seed-negative", "lr-inf",
                 "lr-nan", "radius-1e308", "huge-int", "arch-unknown", "nested-list-value", "nested-list-task",
                 "dict-value", "tuple-value", "bytes-value", "tensor-value", "none-value", "1mb-string-value",
                 "1kb-string-value", "1000-settings", "int-setting-name", "unknown-setting", "nested-task-name",
                 "1kb-task-name", "unknown-task-name", "1000-tensors", "1kb-tensor-name", "4000-digit-int"}


def refused(data: bytes, fragment: str, task_for=None):
    """Import ``data``; assert a one-line DataError containing ``fragment``, fast and small."""
    task_for = task_for or Recorder()
    outcome, seconds, extra = measured(lambda: export.import_run(data, task_for), count_retained=True)
    assert isinstance(outcome, DataError), repr(outcome)
    message = str(outcome)
    assert fragment in message and "\n" not in message and len(message) < 400, message
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)
    return task_for, seconds, extra


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_weights_file_is_refused_with_one_line(name):
    build, fragment = CASES[name]
    task_for, _, _ = refused(build(), fragment)
    if name in CONFIG_FAULTS:
        assert task_for.calls == 0, "a task was built from an unchecked config"


def test_zip_bomb_is_refused_before_it_inflates(bomb):
    assert len(bomb) < 2 * 2**20                      # a small file ...
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:    # ... that would inflate past 256 MB
        assert sum(e.file_size for e in archive.infolist()) > 256 * 2**20
    _, seconds, extra = refused(bomb, "only stored entries are accepted")
    assert seconds < 0.5 and extra < 20 * 2**20


def test_archive_larger_than_the_limit_uncompressed(monkeypatch):
    monkeypatch.setattr(fmt, "MAX_ARCHIVE_BYTES", 2048)
    refused(edited(), "uncompressed; the limit is 0.00195 MB")


def test_a_path_past_the_size_limit_is_not_read(tmp_path):
    big = tmp_path / "big.pt"
    with open(big, "wb") as handle:
        handle.truncate(fmt.MAX_FILE_BYTES + 1)                  # sparse: no disk, no read
    with pytest.raises(DataError, match=f"the limit is {fmt.MAX_FILE_BYTES // 2**20} MB"):
        fmt.read_checkpoint(str(big))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float64])
def test_other_float_dtypes_load_as_float32_with_the_same_values(dtype):
    data = base()
    data["state_dict"] = {k: v.to(dtype) for k, v in data["state_dict"].items()}
    ckpt = fmt.read_checkpoint(saved(data))
    name, config = fmt.checkpoint_config(ckpt)
    assert (name, config) == ("adding", CONFIG)
    _, net = ck.load_network(ckpt, make_task(config))
    for key, value in net.state_dict().items():
        assert value.dtype == torch.float32
        assert torch.equal(value, data["state_dict"][key].to(torch.float32))


def test_a_valid_file_still_round_trips():
    data = base()
    ckpt = fmt.read_checkpoint(saved(data))
    _, net = ck.load_network(ckpt, make_task(CONFIG))
    assert all(torch.equal(v, data["state_dict"][k]) for k, v in net.state_dict().items())


# --- through the model page: the session's run stays as it was -----------------------------------
NAV = f"""
import streamlit as st
from playground.ui.frame import setup_frame
setup_frame()
st.navigation([st.Page({page_file('model_io')!r}, url_path="model", default=True)]).run()
"""
PAGE_CASES = ["seq-len-1e9", "nested-list-value", "complex64", "float64-overflows-float32", "deflated-valid-file",
              "1kb-string-value"]


@pytest.mark.parametrize("name", PAGE_CASES)
def test_model_page_refuses_and_keeps_the_run(name):
    from playground.engine.live import LiveRun

    build, fragment = CASES[name]
    run = LiveRun(CONFIG)
    run.step_once()
    before = {k: v.clone() for k, v in run.trainer.net.state_dict().items()}
    steps = run.step_count
    at = AppTest.from_string(NAV, default_timeout=60)
    at.session_state[LIVE_RUN] = run
    at.run()
    at.file_uploader(key="model_upload").set_value((f"{name}.pt", build(), "application/octet-stream")).run()
    at.button(key="model_load").click().run()
    errors = " | ".join(e.value for e in at.error)
    assert fragment in errors and "The current run is unchanged" in errors, errors
    assert not at.exception
    assert at.session_state[LIVE_RUN] is run and run.step_count == steps
    assert all(torch.equal(v, before[k]) for k, v in run.trainer.net.state_dict().items())


# --- class 5 (inside these files): text from the file is never echoed as markup -------------------
@pytest.mark.parametrize("build, fragment, hostile", [
    (lambda: renamed("clip", "[x](http://e.example)"), "unknown setting `[x](http://e.example)`", "]("),
    (lambda: edited({"arch": "www.evil.example"}), "setting arch holds characters other than", "www."),
    (lambda: edited({"init": ":smile:"}), "setting init holds characters other than", ":smile:"),
    (lambda: edited(task="<img src=x>"), "the task name holds characters other than", "<img"),
    (lambda: edited(tensors={"www.evil.example": torch.zeros(1)}), "unexpected `www.evil.example`", "www."),
], ids=["setting-name-link", "value-bare-domain", "value-shortcode", "task-html", "tensor-name-domain"])
def test_hostile_text_in_a_weights_file_is_not_echoed_as_markup(build, fragment, hostile):
    import re

    task_for, _, _ = refused(build(), fragment)
    message = str(pytest.raises(DataError, export.import_run, build(), task_for).value)
    outside = re.sub(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", "", message)
    assert hostile not in outside, message


# --- every tensor of the resume part: sizes, strides and storage before any conversion --------------
def resumable() -> dict:
    """A valid checkpoint dict of the small GRU after two steps, with its resume part."""
    from playground.engine.live import LiveRun

    run = LiveRun(CONFIG)
    run.step_to(2)
    state = dict(run.resume_state())
    return checkpoint_dict(CONFIG, "adding", state.pop("weights"), state)


def resume_edited(change) -> bytes:
    """``resumable()`` with ``change(data)`` applied, as torch.save writes it."""
    data = resumable()
    change(data)
    return saved(data)


def first_moment(data) -> str:
    return next(k for k in data["resume"]["moments"] if k.endswith("/exp_avg"))


def expanded(values: int, dtype=torch.float32) -> torch.Tensor:
    """``values`` elements that all read one stored number (stride 0): a few bytes in the file."""
    return torch.zeros(1, dtype=dtype).expand(values)


RESUME_CASES = {
    # 1.2 GB as float64 from a file of a few KB: the history was converted before its length was checked
    "history-expanded-150M": (lambda d: d["resume"]["history"].update({k: expanded(150_000_000)
                                                                      for k in d["resume"]["history"]}),
                              "history column step has 150,000,000 values; at most"),
    "one-history-column-expanded": (lambda d: d["resume"]["history"].__setitem__("loss", expanded(10**9)),
                                    "history column loss has 1,000,000,000 values"),
    "history-2d": (lambda d: d["resume"]["history"].__setitem__("loss", torch.zeros(2, 2, dtype=torch.float64)),
                   "history column loss has 2 dimensions; it must have 1"),
    "history-bloated-storage": (lambda d: d["resume"]["history"].__setitem__(
        "loss", torch.zeros(2_000_000, dtype=torch.float64)[:2]), "history column loss is stored in 16,000,000 bytes"),
    "history-complex": (lambda d: d["resume"]["history"].__setitem__("loss", torch.zeros(2, dtype=torch.complex128)),
                        "dtype complex128"),
    "history-sparse": (lambda d: d["resume"]["history"].__setitem__("loss", torch.zeros(2).to_sparse()),
                       "sparse_coo tensor; only dense"),
    "history-meta": (lambda d: d["resume"]["history"].__setitem__("loss", torch.empty(10**9, device="meta")),
                     "device meta"),
    "rng-expanded": (lambda d: d["resume"].__setitem__("data_rng", expanded(10**9, torch.uint8)),
                     "generator state has shape (1000000000,)"),
    "rng-bloated-storage": (lambda d: d["resume"].__setitem__(
        "data_rng", torch.zeros(5_000_000, dtype=torch.uint8)[:d["resume"]["data_rng"].numel()]),
                            "generator state is stored in 5,000,000 bytes"),
    "moment-expanded": (lambda d: d["resume"]["moments"].__setitem__(first_moment(d), expanded(10**9)),
                        "has shape (1000000000,), the config needs"),
    "moment-bloated-storage": (lambda d: d["resume"]["moments"].__setitem__(
        first_moment(d), torch.zeros(3_000_000)[:d["resume"]["moments"][first_moment(d)].numel()].view_as(
            d["resume"]["moments"][first_moment(d)])), "is stored in 12,000,000 bytes"),
}


@pytest.mark.parametrize("name", list(RESUME_CASES))
def test_hostile_resume_tensor_is_refused_before_any_conversion(name):
    change, fragment = RESUME_CASES[name]
    data = resume_edited(change)
    assert len(data) < 20 * 2**20
    refused(data, fragment)


def test_a_valid_resume_state_still_loads():
    outcome = export.import_run(saved(resumable()), Recorder(), make_run=lambda c, t, w, r: r)
    assert outcome["step"] == 2 and len(outcome["history"]["step"]) == 2
