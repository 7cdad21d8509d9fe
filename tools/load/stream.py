"""One simulated browser tab: Streamlit's WebSocket protocol, spoken with the protobufs Streamlit ships.

A browser first asks ``/_stcore/health`` (which sets the XSRF cookie, and behind the room's nginx
the ``rnn_replica`` cookie that keeps the tab on one replica), then opens ``/_stcore/stream``
with the subprotocols ``streamlit, <xsrf token>`` and its cookies, and sends a ``rerun_script``
BackMsg whose ``ClientState`` names the page by its URL path, with the query string and the
widget states. The server answers with ForwardMsgs: ``new_session`` (the session id), the
page's deltas (elements, each widget with its id), ``auto_rerun`` for fragments that redraw on
a timer, and ``script_finished``. ``Tab`` does what the browser does with them:

- keeps the latest element at each delta path (``elements``), so a widget is found by its label;
- holds the messages the server marked cacheable and names their hashes on each rerun, and
  resolves a ``ref_hash`` message from them (an unknown reference is counted in ``missing_refs``);
- reruns each ``auto_rerun`` fragment at its interval (``is_auto_rerun``, the fragment's id),
  the set replaced by what each full run asks for, as the browser's timers are;
- uploads a file as the browser's uploader does (``file_urls_request``, a PUT with the XSRF
  header, then a rerun with the uploader's state).

It runs under gevent (Locust's); ``listeners`` are called with each ForwardMsg as it arrives.
"""
from __future__ import annotations

import time
import uuid
from typing import Callable
from urllib.parse import urlsplit

import gevent
import requests
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

XSRF_COOKIE = "_streamlit_xsrf"
CONNECT_TIMEOUT_S = 30
MAX_MESSAGE_BYTES = 64 * 2**20


class Tab:
    """A browser tab on ``base_url`` (``open(page, query)``, ``rerun(...)``, ``upload(...)``, ``close()``)."""

    def __init__(self, base_url: str, http: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = http or requests.Session()       # a second tab of the same browser shares its cookies
        self.ws = None
        self.session_id = ""
        self.page_name = ""
        self.page_hash = ""
        self.query = ""
        self.elements: dict[tuple[int, ...], object] = {}    # delta path → Element
        self.widgets: dict[str, WidgetState] = {}            # values this tab has set, sent on every rerun
        self.cache: dict[str, ForwardMsg] = {}
        self.timers: dict[str, float] = {}                   # fragment id → interval (s)
        self.next_due: dict[str, float] = {}
        self._asked_timers: dict[str, float] = {}
        self.listeners: list[Callable[[ForwardMsg], None]] = []
        self.file_urls: dict[str, object] = {}
        self.pages: dict[str, str] = {}                      # URL path → page script hash (from the navigation)
        self.runs_done = 0                                   # script runs finished, full or fragment
        self.missing_refs = 0
        self.full_runs_done = 0
        self.closed = False
        self.close_reason = ""
        self._greenlets: list = []

    # --- opening and closing ---
    def open(self, page: str, query: str = "") -> "Tab":
        """Load the page as a browser would: health (cookies), the stream, the first rerun."""
        response = self.http.get(f"{self.base_url}/_stcore/health", timeout=CONNECT_TIMEOUT_S)
        response.raise_for_status()
        netloc = urlsplit(self.base_url).netloc
        scheme = "wss" if self.base_url.startswith("https") else "ws"
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.ws = connect(f"{scheme}://{netloc}/_stcore/stream", origin=self.base_url,
                          subprotocols=["streamlit", self.xsrf or "xsrf"],
                          additional_headers={"Cookie": cookies} if cookies else None,
                          open_timeout=CONNECT_TIMEOUT_S, max_size=MAX_MESSAGE_BYTES, compression=None)
        self._greenlets = [gevent.spawn(self._read), gevent.spawn(self._tick)]
        self.page_name, self.query = page, query
        self.rerun()
        return self

    def goto(self, page: str, query: str = "") -> None:
        """Switch this tab to another page of the app (as a sidebar link does): same session, new page."""
        self.page_hash, self.page_name, self.query = self.pages.get(page, ""), page, query
        self.elements.clear()
        self.widgets.clear()
        self.timers.clear()
        self.rerun()

    def wait_run(self, after: int, timeout_s: float) -> bool:
        """Wait until more than ``after`` script runs have finished; False on timeout or a closed stream."""
        deadline = time.monotonic() + timeout_s
        while self.runs_done <= after:
            if self.closed or time.monotonic() > deadline:
                return False
            gevent.sleep(0.05)
        return True

    @property
    def xsrf(self) -> str:
        """The XSRF cookie's value (the token uploads send back in a header)."""
        return self.http.cookies.get(XSRF_COOKIE, "")

    def close(self) -> None:
        """Close the stream (the server ends the session after its disconnect grace time)."""
        self.closed = True
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:        # already gone: nothing to close
                pass
        gevent.killall([g for g in self._greenlets if g is not gevent.getcurrent()], block=False)

    # --- talking ---
    def rerun(self, *press: WidgetState, fragment_id: str = "", auto: bool = False) -> None:
        """Send a rerun with the widget states this tab holds, plus one-shot ``press`` states (triggers)."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.page_name = "" if self.page_hash else self.page_name
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.cached_message_hashes.extend(self.cache)
        pressed = {w.id for w in press}
        state.widget_states.widgets.extend([w for i, w in self.widgets.items() if i not in pressed] + list(press))
        if not fragment_id:
            self._asked_timers = {}
        self.send(msg)

    def send(self, msg: BackMsg) -> None:
        """Send one BackMsg (a closed stream only marks the tab closed)."""
        if self.closed:
            return
        try:
            self.ws.send(msg.SerializeToString())
        except (ConnectionClosed, OSError) as err:
            self._closed_by(err)

    def press(self, element) -> None:
        """Click a button (a trigger for one rerun) or flip a toggle/checkbox."""
        kind = element.WhichOneof("type")
        widget = getattr(element, kind)
        state = WidgetState(id=widget.id)
        if kind == "checkbox":
            state.bool_value = not (widget.value if widget.set_value else widget.default)
            self.widgets[widget.id] = state
            self.rerun()
        else:
            state.trigger_value = True
            self.rerun(state)

    def set_value(self, element, value) -> None:
        """Type into a text input or area, or pick a select box's option (by its label), and rerun."""
        kind = element.WhichOneof("type")
        state = WidgetState(id=getattr(element, kind).id)
        state.string_value = value
        self.widgets[state.id] = state
        self.rerun()

    def set_slider(self, element, value: float) -> None:
        """Move a slider to ``value`` and rerun, as releasing the handle does."""
        state = WidgetState(id=element.slider.id)
        state.double_array_value.data.append(value)
        self.widgets[state.id] = state
        self.rerun()

    def upload(self, element, name: str, data: bytes, timeout_s: float = 60) -> int:
        """Upload ``data`` through the file uploader ``element`` as its browser widget would; the PUT's status."""
        request_id = uuid.uuid4().hex
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        self.send(msg)
        deadline = time.monotonic() + timeout_s
        while request_id not in self.file_urls and time.monotonic() < deadline and not self.closed:
            gevent.sleep(0.05)
        urls = self.file_urls.pop(request_id, None)
        if urls is None:
            return 0
        url = urls.upload_url if urls.upload_url.startswith("http") else self.base_url + urls.upload_url
        response = self.http.put(url, files={"file": (name, data)}, headers={"X-Xsrftoken": self.xsrf},
                                 timeout=timeout_s)
        if response.ok:
            state = WidgetState(id=element.file_uploader.id)
            info = state.file_uploader_state_value.uploaded_file_info.add()
            info.name, info.size, info.file_id = name, len(data), urls.file_id
            info.file_urls.CopyFrom(urls)
            self.widgets[state.id] = state
            self.rerun()
        return response.status_code

    # --- what the page shows ---
    def find(self, kind: str, label: str, prefix: bool = False):
        """The element of ``kind`` (e.g. 'button', 'slider', 'metric') labelled ``label`` (or starting so), or None."""
        for element in reversed(list(self.elements.values())):
            if element.WhichOneof("type") == kind:
                shown = getattr(element, kind).label
                if shown == label or (prefix and shown.startswith(label)):
                    return element
        return None

    def all(self, kind: str) -> list:
        """Every element of ``kind`` on the page, in the order drawn."""
        return [e for _, e in sorted(self.elements.items()) if e.WhichOneof("type") == kind]

    # --- the reader and the fragment timers ---
    def _read(self) -> None:
        try:
            for raw in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._handle(msg)
        except (ConnectionClosed, OSError) as err:
            self._closed_by(err)
        else:
            self._closed_by("closed by the server")

    def _closed_by(self, reason) -> None:
        if not self.closed:
            self.closed, self.close_reason = True, str(reason) or type(reason).__name__

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                self.missing_refs += 1
                return
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(msg.metadata)
            msg, kind = resolved, resolved.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id or self.session_id
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
            self.pages.update({p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages})
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.elements[tuple(msg.metadata.delta_path)] = msg.delta.new_element
        elif kind == "auto_rerun":
            self._asked_timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            self.timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment in msg.stop_auto_rerun.fragment_ids:
                self.timers.pop(fragment, None)
        elif kind == "script_finished":
            self.runs_done += 1
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.timers = dict(self._asked_timers)    # a full run sets the page's timers anew
                self.full_runs_done += 1
        elif kind == "file_urls_response":
            if msg.file_urls_response.file_urls:
                self.file_urls[msg.file_urls_response.response_id] = msg.file_urls_response.file_urls[0]
        for listener in self.listeners:
            listener(msg)

    def _tick(self) -> None:
        while not self.closed:
            now = time.monotonic()
            for fragment, interval in list(self.timers.items()):
                due = self.next_due.setdefault(fragment, now + interval)
                if now >= due:
                    self.next_due[fragment] = now + interval
                    self.rerun(fragment_id=fragment, auto=True)
            for fragment in set(self.next_due) - set(self.timers):
                del self.next_due[fragment]
            gevent.sleep(0.02)
