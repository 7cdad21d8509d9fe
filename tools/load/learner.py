"""A simulated member of the class: opens /train, presses Start, watches, sometimes pauses or moves a slider.

``Learner`` drives one ``Tab`` (``stream.py``) and records what a person would notice
(``SessionStats``): how long the page took to show its Start button, the time from pressing
Start to the first new step on the counter, every redraw of the step counter (an *update*),
and each command (start, pause, slider) with the time until the page showed its effect, or
*lost* when it never did within ``LOST_S``. Elements are found by their labels, as a reader
finds them; the Start/Pause widget is either a button or a toggle.
"""
from __future__ import annotations

import contextlib
import json
import random
import time
from dataclasses import dataclass, field

import gevent
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tools.load.stream import Tab

STEP_LABEL = "Step"            # the live counter's metric tile on /train
START, PAUSE = "Start", "Pause"
SLIDER_LABEL = "Sequence length T"
QUEUED = "Waiting for a free trainer"     # the note of a run the workers cannot take yet
PAGE_TIMEOUT_S = 180           # a cold server imports torch on its first page
LOST_S = 15.0                  # a command whose effect has not shown by then is lost (the reader presses again)
LATE_S = 2.0                   # ... and one that took longer than this was late


@dataclass
class Command:
    """One press or change: when it was sent and how long until the page showed its effect."""

    kind: str
    sent: float
    effect_s: float | None = None
    lost: bool = False


@dataclass
class SessionStats:
    """What one simulated session saw."""

    name: str
    replica: str = ""
    page_load_s: float | None = None
    start_pressed: float | None = None
    first_update_s: float | None = None
    update_times: list[float] = field(default_factory=list)
    redraw_times: list[float] = field(default_factory=list)        # every redraw of the counter, changed or not
    queued: int = 0                                                # redraws showing the run waiting for a trainer
    steps: list[tuple[float, int]] = field(default_factory=list)     # (time, step shown)
    commands: list[Command] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ended: float | None = None

    def update_rate(self, since: float | None = None, until: float | None = None) -> float:
        """Step-counter redraws per second from the first update (or ``since``) to the end (or ``until``)."""
        if not self.update_times:
            return 0.0
        start = max(since or 0.0, self.update_times[0])
        end = until or self.ended or time.monotonic()
        count = sum(1 for t in self.update_times if start < t <= end)
        return count / (end - start) if end > start else 0.0

    def redraw_rate(self, since: float, until: float) -> float:
        """Step-counter redraws per second (a new step or not) between two instants."""
        return sum(1 for t in self.redraw_times if since < t <= until) / (until - since) if until > since else 0.0

    def training_rate(self, since: float | None = None, until: float | None = None) -> float:
        """Training steps per second as the counter showed them (a run rebuilt by a slider restarts its count)."""
        end = until or self.ended or time.monotonic()
        points = [(t, s) for t, s in self.steps if (since or 0.0) <= t <= end]
        gained = sum(max(0, b - a) for (_, a), (_, b) in zip(points, points[1:]))
        span = points[-1][0] - points[0][0] if len(points) > 1 else 0.0
        return gained / span if span > 0 else 0.0


def step_shown(element) -> int | None | bool:
    """The Step counter ``element`` shows (None for '—'): a metric tile labelled Step, or the Step tile of the
    live tiles component (its JSON data); False for any other element."""
    kind = element.WhichOneof("type")
    if kind == "metric" and element.metric.label == STEP_LABEL:
        return shown_int(element.metric.body)
    if kind == "bidi_component" and element.bidi_component.WhichOneof("data") == "json":
        with contextlib.suppress(ValueError):
            for tile in json.loads(element.bidi_component.json).get("tiles") or ():
                if tile.get("label") == STEP_LABEL:
                    return shown_int(str(tile.get("value", "")))
    return False


def queued_shown(element) -> bool:
    """True when ``element`` (the live tiles component) says the run waits for a free trainer."""
    with contextlib.suppress(ValueError, AttributeError):
        status = json.loads(element.bidi_component.json).get("status")
        return bool(status) and str(status[1]).startswith(QUEUED)
    return False


def tab_step(tab) -> int | None:
    """The Step counter the page in ``tab`` shows last, None before there is one."""
    for element in reversed(list(tab.elements.values())):
        step = step_shown(element)
        if step is not False:
            return step
    return None


def shown_int(text: str) -> int | None:
    """The integer a metric tile shows ('1,234' → 1234), None for '—'."""
    digits = text.replace(",", "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() else None


class Learner:
    """One session of the class on ``base_url`` (``run(until)``); ``fire`` reports to Locust."""

    def __init__(self, base_url: str, name: str, query: str = "", fire=None, act_every_s: float = 12.0,
                 seed: int | None = None):
        self.tab = Tab(base_url)
        self.stats = SessionStats(name)
        self.query = query
        self.fire = fire or (lambda **_: None)
        self.act_every_s = act_every_s
        self.random = random.Random(seed)
        self.last_step: int | None = None
        self.running_shown = False
        self.tab.listeners.append(self._saw)

    # --- what the page shows ---
    def _saw(self, msg: ForwardMsg) -> None:
        now = time.monotonic()
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            kind = element.WhichOneof("type")
            step = step_shown(element)
            if step is not False and queued_shown(element):
                self.stats.queued += 1
            if step is not False:
                if self.stats.start_pressed is not None:
                    self.stats.redraw_times.append(now)
                self._counter(now, step)
            elif kind == "alert" and element.alert.body.startswith(QUEUED):
                self.stats.queued += 1
            elif kind == "exception":
                self.stats.errors.append(f"exception shown: {element.exception.type}: {element.exception.message[:120]}")
            elif kind in ("button", "checkbox") and getattr(element, kind).label in (START, PAUSE):
                widget = getattr(element, kind)
                self.running_shown = widget.label == PAUSE if kind == "button" else bool(widget.value)
                self._settle("start" if self.running_shown else "pause", now)
        elif msg.WhichOneof("type") == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self._settle("slider", now)

    def _counter(self, now: float, step: int | None) -> None:
        if step is None or step == self.last_step:
            return
        self.last_step = step
        self.stats.steps.append((now, step))
        if self.stats.start_pressed is None or now < self.stats.start_pressed:
            return
        if self.stats.first_update_s is None and step == 0:      # the page drawn before training began
            return
        previous = self.stats.update_times[-1] if self.stats.update_times else self.stats.start_pressed
        self.stats.update_times.append(now)
        if self.stats.first_update_s is None:
            self.stats.first_update_s = now - self.stats.start_pressed
            self.fire(request_type="WS", name="Start → first update", response_time=self.stats.first_update_s * 1000,
                      response_length=0, exception=None, context={})
        else:
            self.fire(request_type="WS", name="update", response_time=(now - previous) * 1000, response_length=0,
                      exception=None, context={})

    def _settle(self, kind: str, now: float) -> None:
        for command in self.stats.commands:
            if command.kind == kind and command.effect_s is None and not command.lost and now >= command.sent:
                command.effect_s = now - command.sent
                self.fire(request_type="command", name=kind, response_time=command.effect_s * 1000,
                          response_length=0, exception=None, context={})

    # --- acting ---
    def _command(self, kind: str, act) -> Command:
        command = Command(kind, time.monotonic())
        self.stats.commands.append(command)
        act()
        deadline = command.sent + LOST_S
        while command.effect_s is None and time.monotonic() < deadline and not self.tab.closed:
            gevent.sleep(0.05)
        if command.effect_s is None:
            command.lost = True
            self.fire(request_type="command", name=kind, response_time=LOST_S * 1000, response_length=0,
                      exception=RuntimeError(f"{kind} lost: no effect within {LOST_S:.0f} s"), context={})
        return command

    def _wait_for(self, kind: str, label: str, timeout_s: float):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self.tab.closed:
            element = self.tab.find(kind, label)
            if element is not None:
                return element
            gevent.sleep(0.05)
        return None

    def run_widget(self, label: str, timeout_s: float = LOST_S):
        """The Start/Pause widget while it reads ``label`` (a button, or a toggle), or None."""
        return self._wait_for("button", label, timeout_s) or self.tab.find("checkbox", START)

    def start(self) -> None:
        """Press Start (again, if the press was lost, until it takes or the tab closes)."""
        while not self.tab.closed and not self.running_shown:
            widget = self.run_widget(START)
            if widget is None:
                break
            if self.stats.start_pressed is None:
                self.stats.start_pressed = time.monotonic()
            self._command("start", lambda: self.tab.press(widget))

    def pause(self) -> None:
        """Press Pause."""
        widget = self.run_widget(PAUSE)
        if widget is not None:
            self._command("pause", lambda: self.tab.press(widget))

    def move_slider(self) -> None:
        """Move the sequence-length slider one notch (the run is rebuilt and keeps training)."""
        slider = self.tab.find("slider", SLIDER_LABEL)
        if slider is not None:
            value = (slider.slider.value[0] if slider.slider.set_value and slider.slider.value
                     else slider.slider.default[0])
            target = value + (1 if value < slider.slider.max else -1)
            self._command("slider", lambda: self.tab.set_slider(slider, target))

    def run(self, until: float) -> SessionStats:
        """Open /train, press Start, watch until ``until`` (monotonic), now and then pausing or moving a slider."""
        opened = time.monotonic()
        try:
            self.tab.open("train", self.query)
            self.stats.replica = self.tab.http.cookies.get("rnn_replica", "")
            wait_s = min(PAGE_TIMEOUT_S, until - time.monotonic())
            if self._wait_for("button", START, wait_s) is None and not self.running_shown:
                self.stats.errors.append(f"no Start button within {wait_s:.0f} s "
                                         f"({self.tab.close_reason or f'{len(self.tab.elements)} elements shown'})")
                return self.stats
            self.stats.page_load_s = time.monotonic() - opened
            self.fire(request_type="page", name="/train until Start shows", response_time=self.stats.page_load_s * 1000,
                      response_length=0, exception=None, context={})
            self.start()
            while time.monotonic() < until and not self.tab.closed:
                gevent.sleep(min(self.random.expovariate(1 / self.act_every_s), max(0.0, until - time.monotonic())))
                if time.monotonic() >= until or self.tab.closed:
                    break
                if self.random.random() < 0.5:
                    self.pause()
                    gevent.sleep(self.random.uniform(1, 3))
                    self.start()
                else:
                    self.move_slider()
            if self.tab.closed:
                self.stats.errors.append(f"stream closed: {self.tab.close_reason}")
        finally:
            self.stats.ended = min(time.monotonic(), until)
            self.tab.close()
        return self.stats
