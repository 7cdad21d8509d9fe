"""A hostile visitor who runs the room's attack classes through the app's own protocol while a class trains.

Each class is tried a few ways, every try bounded in time (``TRY_S``) and size:

- ``unicode digits in URL values``: every page opened with every URL setting it reads spelled in
  digits ``str.isdigit`` accepts and ``int`` refuses (a superscript); /train also in another
  script's digits, which ``int`` reads;
- ``hostile regex on /units``: patterns with nested or huge repeat counts, some spelled in
  non-ASCII digits, typed into *Find the unit* over a character model trained for a moment;
- ``crafted weights file``: a file of a few kilobytes whose resume history declares millions of
  values over one stored value (stride 0), uploaded on /model and loaded;
- ``oversized uploads``: files far over the uploader's own limit (which only the browser
  enforces) but under the server's, sent to /data;
- ``many runs per session``: one browser opening /train and /compare with ``autostart=1`` in
  several tabs, counting the runs its replica then holds (its /health page);
- ``a sweep from /sweep``: ``/sweep?autostart=1``, then the server must still serve.

For each class it records the tries, how many ended in a message on the page, any traceback
shown (an ``exception`` element), the server's health after it, and the peak rise in the
server's resident memory while it ran (when ``rss`` can read it).
"""
from __future__ import annotations

import io
import json
import time

import gevent
import requests
import torch
from streamlit.proto.Alert_pb2 import Alert

from tools.load.learner import START
from tools.load.stream import Tab

TRY_S = 30.0                    # the longest one try is watched
CRAFTED_VALUES = 2**22          # values a crafted history column declares (32 MB as float64)
OVERSIZED_MB = 20               # an upload over /data's own limit, under the server's
MB = 2**20
ODD_DIGITS = ("²", "١٢")        # isdigit() is True for both; int() refuses the first and reads the second
HOSTILE_PATTERNS = ("(?:a{999}){999}", "((a{99}){99}){99}", "a{٩٩٩}{٩٩٩}", "(x+x+)+y", "(?:(?:a{0,255}){0,255}){0,255}",
                    "a{1,99999}", "(a|aa)*b" * 4, "[^\\x00-\\x{10FFFF}]{9999}")
CHAR_MODEL = "arch=gru&task=charlm&hidden=16&seq_len=20"


class Prankster:
    """Runs ``attacks`` in order against ``base_url`` until ``until``; appends one record per class to ``results``."""

    def __init__(self, base_url: str, fire=None, results: list | None = None, check=None, rss=None):
        self.base_url = base_url
        self.fire = fire or (lambda **_: None)
        self.results = results if results is not None else []
        self.check = check or (lambda: True)
        self.rss = rss
        self.attacks = [("unicode digits in URL values", self.unicode_urls), ("hostile regex on /units", self.regex),
                        ("crafted weights file", self.crafted_weights), ("oversized uploads", self.oversized_uploads),
                        ("many runs per session", self.many_runs), ("a sweep from /sweep", self.sweep)]

    def run(self, until: float) -> list[dict]:
        """Each class once, in order, while time is left."""
        for name, attack in self.attacks:
            if time.monotonic() >= until:
                break
            record = {"attack": name, "tries": 0, "messages": 0, "exceptions": 0, "note": "", "server_up": None}
            self.results.append(record)             # kept, as far as it got, if the phase ends during it
            watcher = gevent.spawn(self._watch_memory, record)
            began = time.monotonic()
            try:
                attack(record, until)
            except gevent.GreenletExit:
                record["note"] = (record["note"] + " (cut short by the end of the phase)").strip()
                raise
            except Exception as err:     # noqa: BLE001 — a failed attack is a finding, not the end of the run
                record["note"] = f"attack stopped: {type(err).__name__}: {str(err)[:120]}"
            finally:
                watcher.kill()
                record["seconds"] = round(time.monotonic() - began, 1)
            record["server_up"] = self.check()
            self.fire(request_type="prank", name=name, response_time=record["seconds"] * 1000, response_length=0,
                      exception=None if record["server_up"] and not record["exceptions"] else
                      RuntimeError(f"{record['exceptions']} tracebacks shown, server up: {record['server_up']}"),
                      context={})
        return self.results

    def _watch_memory(self, record: dict) -> None:
        if self.rss is None:
            return
        base = self.rss()
        while True:
            rise = (self.rss() - base) / MB
            record["rss_rise_mb"] = round(max(record.get("rss_rise_mb", 0.0), rise))
            gevent.sleep(0.2)

    # --- helpers ---
    def _tab(self, page: str, query: str = "", http: requests.Session | None = None) -> Tab:
        return Tab(self.base_url, http).open(page, query)

    def _outcome(self, tab: Tab, record: dict) -> None:
        """Count what ``tab``'s page showed: a message (error or warning), a traceback."""
        shown_exceptions = [e.exception for e in tab.elements.values() if e.WhichOneof("type") == "exception"]
        record["exceptions"] += len(shown_exceptions)
        for shown_exception in shown_exceptions[:1]:
            record.setdefault("tracebacks", []).append(
                f"/{tab.page_name}?{tab.query[:80]}: {shown_exception.type} {shown_exception.message[:80]}")
        shown = [e.alert.body for e in tab.elements.values()
                 if e.WhichOneof("type") == "alert" and e.alert.format in (Alert.ERROR, Alert.WARNING)]
        shown += [e.toast.body for e in tab.elements.values() if e.WhichOneof("type") == "toast"]
        record["messages"] += bool(shown)
        if shown and not record["note"]:
            record["note"] = shown[-1].splitlines()[0][:160]

    def _wait_for(self, tab: Tab, kind: str, label: str, timeout_s: float = TRY_S, prefix: bool = False):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not tab.closed:
            found = tab.find(kind, label, prefix)
            if found is not None:
                return found
            gevent.sleep(0.1)
        return None

    # --- the classes ---
    def unicode_urls(self, record: dict, until: float) -> None:
        """Every page, every URL setting it reads, in odd digits."""
        from playground.config import FIELDS
        from playground.page_state import PAGE_TABLES
        probe = self._tab("", "")
        probe.wait_run(0, TRY_S)
        pages = [p for p in probe.pages if p != "health"] or ["train"]
        probe.close()
        for page in pages:
            names = list(PAGE_TABLES.get(page, FIELDS)) + ["step", "seq_len", "hidden"]
            for digits in ODD_DIGITS[:1] if page != "train" else ODD_DIGITS:    # one spelling per page, both on /train
                if time.monotonic() >= until:
                    return
                tab = self._tab(page, "&".join(f"{n}={requests.utils.quote(digits)}" for n in names))
                tab.wait_run(0, TRY_S)
                record["tries"] += 1
                self._outcome(tab, record)
                tab.close()

    def _trained_char_model(self, http: requests.Session | None = None) -> Tab:
        """A tab whose session holds a character model trained for a few steps."""
        tab = self._tab("train", CHAR_MODEL, http)
        start = self._wait_for(tab, "button", START, 120)
        if start is not None:
            tab.press(start)
            self._wait_for(tab, "button", "Pause", TRY_S)
            gevent.sleep(3)
            pause = tab.find("button", "Pause")
            if pause is not None:
                tab.press(pause)
                self._wait_for(tab, "button", START, TRY_S)
        return tab

    def regex(self, record: dict, until: float) -> None:
        """Hostile patterns typed into Find the unit."""
        tab = self._trained_char_model()
        try:
            tab.goto("units")
            preset = self._wait_for(tab, "selectbox", "Pattern")
            if preset is None:
                record["note"] = "no pattern box on /units (no trained model?)"
                return
            tab.set_value(preset, "your own regular expression")
            before = self.rss() if self.rss else 0
            for pattern in HOSTILE_PATTERNS:
                box = self._editable_box(tab)
                if box is None or time.monotonic() >= until:
                    break
                done = tab.runs_done
                tab.set_value(box, pattern[:box.text_input.max_chars or None])
                tab.wait_run(done, TRY_S)
                record["tries"] += 1
                self._outcome(tab, record)
                if self.rss:          # the patterns' own cost, apart from training the model they search
                    record["patterns_rss_rise_mb"] = max(record.get("patterns_rss_rise_mb", 0),
                                                         round((self.rss() - before) / MB))
        finally:
            tab.close()

    def _editable_box(self, tab: Tab):
        """The pattern box one can type into (its label may name its limit), once the page shows it."""
        deadline = time.monotonic() + TRY_S
        while time.monotonic() < deadline and not tab.closed:
            boxes = [e for e in tab.all("text_input")
                     if e.text_input.label.startswith("Regular expression") and not e.text_input.disabled]
            if boxes:
                return boxes[-1]
            gevent.sleep(0.1)
        return None

    def crafted_weights(self, record: dict, until: float) -> None:
        """A few-kilobyte weights file whose history declares millions of values, uploaded and loaded."""
        tab = self._tab("model")
        try:
            uploader = self._wait_for(tab, "file_uploader", "Weights file", prefix=True)
            if uploader is None:
                record["note"] = "no weights uploader on /model"
                return
            done = tab.runs_done
            status = tab.upload(uploader, "crafted.pt", crafted_weights_file())
            record["tries"] += 1
            tab.wait_run(done, TRY_S)                      # the page redrawn with the file: Load is enabled
            load = self._wait_for(tab, "button", "Load these weights")
            if 200 <= status < 300 and load is not None and not load.button.disabled:
                done = tab.runs_done
                tab.press(load)
                tab.wait_run(done, TRY_S)
            self._outcome(tab, record)
        finally:
            tab.close()

    def oversized_uploads(self, record: dict, until: float) -> None:
        """Three files far over /data's own upload limit, from one session."""
        tab = self._tab("data")
        try:
            uploader = self._wait_for(tab, "file_uploader", "Upload a file")
            if uploader is None:
                record["note"] = "no uploader on /data"
                return
            statuses = []
            for index in range(3):
                if time.monotonic() >= until:
                    break
                data = b"t,x\n" + b"".join(b"%d,%d\n" % (i, i % 7) for i in range(OVERSIZED_MB * MB // 8))
                done = tab.runs_done
                statuses.append(tab.upload(uploader, f"big{index}.csv", data[:OVERSIZED_MB * MB]))
                tab.wait_run(done, TRY_S)
                record["tries"] += 1
                self._outcome(tab, record)
            record["note"] = (record["note"] + f" (upload statuses {statuses})").strip()
        finally:
            tab.close()

    def many_runs(self, record: dict, until: float) -> None:
        """One browser, several tabs each starting a run; the runs its replica holds afterwards."""
        http = requests.Session()
        before = self._runs_held(http)
        tabs = []
        try:
            for page, query in [("train", "autostart=1&hidden=8")] * 4 + [("compare", "autostart=1")] * 2:
                if time.monotonic() >= until:
                    break
                tabs.append(self._tab(page, query, http))
                record["tries"] += 1
            for tab in tabs:
                tab.wait_run(0, TRY_S)
                self._outcome(tab, record)
            after = self._runs_held(http)
            record["note"] = f"runs held by the replica: {before} before, {after} with {len(tabs)} tabs open"
            record["runs_held"] = None if after is None or before is None else after - before
        finally:
            for tab in tabs:
                tab.close()

    def _runs_held(self, http: requests.Session) -> int | None:
        tab = self._tab("health", "", http)
        try:
            found, deadline = None, time.monotonic() + 20
            while found is None and time.monotonic() < deadline and not tab.closed:
                found = next((e for e in tab.elements.values() if e.WhichOneof("type") == "json"), None)
                gevent.sleep(0.1)
            return json.loads(found.json.body)["runs"] if found is not None else None
        finally:
            tab.close()

    def sweep(self, record: dict, until: float) -> None:
        """``/sweep?autostart=1``; the tab stays open while the sweep runs (the server must outlive it)."""
        tab = self._tab("sweep", "autostart=1")
        record["tries"] += 1
        try:
            deadline = min(until, time.monotonic() + 90)
            while time.monotonic() < deadline and not tab.closed:
                gevent.sleep(1)
            self._outcome(tab, record)
        finally:
            tab.close()


def crafted_weights_file() -> bytes:
    """A weights file of a few kilobytes for a small adding model whose resume history columns each
    declare ``CRAFTED_VALUES`` values over one stored value (a stride-0 view): cheap to send, dear
    to convert when the declared sizes are trusted."""
    from models.network import build_network
    from playground.config import RunConfig
    from playground.engine.history import COLUMNS
    from playground.io.checkpoint import checkpoint_dict
    from playground.tasks import make_task

    config = RunConfig().replace(task="adding", hidden=8, seq_len=10)
    net = build_network(config, make_task(config))
    resume = {"step": 10, "optimizer_steps": 0, "moments": {}, "data_rng": torch.Generator().get_state(),
              "history": {name: [1.0] for name in (*COLUMNS, "count")}}
    data = checkpoint_dict(config, "adding", net, resume)
    data["resume"]["history"] = {name: torch.ones(1, dtype=torch.float32).expand(CRAFTED_VALUES)
                                 for name in data["resume"]["history"]}
    buffer = io.BytesIO()
    torch.save(data, buffer)
    return buffer.getvalue()
