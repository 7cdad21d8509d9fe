"""The app frame every page shares: page config, one torch thread, plotly.js preloaded, sidebar footer,
presenter mode.

``setup_frame()`` runs in the entrypoint before ``st.navigation``, so every page,
deep links included, gets the same title, layout and footer.
"""
from __future__ import annotations

import streamlit as st

from playground.links import PRESENTER_FLAGS
from playground.presenter import Presenter, parse_presenter, scale_figure
from playground.ui.keys import PAGE_PRESENTER, PRESENTER
from playground.ui.plotly_preload import PRELOAD_CSS, preload_plotly

APP_TITLE = "RNN Playground"
APP_ICON = ":material/cycle:"
TAGLINE = "Train RNNs, GRUs and LSTMs live and watch them think."

_threads_set = False


def limit_torch_threads() -> None:
    """Use one torch thread per process: sessions share a few cores, so more threads only contend."""
    global _threads_set
    if _threads_set:
        return
    import torch  # lazy: importing the frame module stays cheap for tests and tools

    torch.set_num_threads(1)
    _threads_set = True


def setup_frame() -> None:
    """Configure the page and draw the sidebar footer; call once per run, before navigation."""
    st.set_page_config(page_title=APP_TITLE, page_icon=APP_ICON, layout="wide")
    limit_torch_threads()
    st.session_state.pop(PAGE_PRESENTER, None)      # a page's own presenter layout ends with the page
    presenter = presenter_ui()
    st.html(BASE_CSS + PRELOAD_CSS)
    with st.sidebar:
        preload_plotly()                            # first: the charts further down find plotly.js loaded
        if presenter.active and st.button("Leave presenter mode", icon=":material/close_fullscreen:",
                                          key="_leave_presenter"):
            st.session_state[PRESENTER] = Presenter()
            for name in PRESENTER_FLAGS:
                if name in st.query_params:
                    del st.query_params[name]
            st.rerun()
        st.caption(f"**{APP_TITLE}** · {TAGLINE}")


# Every page: an equation wider than its panel (a unit's row of W_hh, a long h_{t-1}) scrolls
# inside the panel instead of running off the page's edge.
BASE_CSS = """<style>
[data-testid="stMainBlockContainer"] .katex-display { overflow-x: auto; overflow-y: hidden; max-width: 100%;
  scrollbar-width: thin; padding: 0.2rem 0 0.4rem 0; }
[data-testid="stMainBlockContainer"] .katex-display > .katex { white-space: nowrap; }
</style>"""


# --- classroom / presenter mode (?present=1&hide=lr,clip,more) ---------------------------
PRESENTER_CSS = """<style>
[data-testid="stMainBlockContainer"] [data-testid="stMarkdownContainer"] :is(p, li),
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"],
[data-testid="stWidgetLabel"] p { font-size: 1.3rem !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"],
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] :is(div, p) { font-size: 2.2rem !important; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3.2rem !important; }
[data-testid="stMainBlockContainer"] h2, [data-testid="stMainBlockContainer"] h3 { font-size: 2.2rem !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding-top: 2.5rem !important; }
[data-testid="stMetricDelta"] { width: auto !important; max-width: 100% !important; height: auto !important; }
[data-testid="stMetricDelta"] :is(div, p) { font-size: 1.05rem !important; white-space: nowrap !important;
  overflow: visible !important; text-overflow: clip !important; min-width: 0 !important; }
[data-testid="stMetricLabel"] :is(div, p) { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; font-size: 1.2rem !important; }
[data-testid="stMain"] [data-testid="stPageLink"] :is(a, span, p) { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
</style>"""
# The talk's compact layout: the step's notes and buttons in a column beside its view (keyed
# containers ``talk_notes`` and ``talk_view``), so the whole step fits a 1280x720 projector.
TALK_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding: 3.6rem 1.5rem 1rem 1.5rem !important; }
.st-key-talk_notes [data-testid="stCaptionContainer"] { font-size: 1rem !important; }
[data-testid="stMainBlockContainer"] .st-key-talk_notes h1 { font-size: 2rem !important; padding: 0.25rem 0 0.5rem 0; }
.st-key-talk_notes [data-testid="stMarkdownContainer"] :is(p, li) { font-size: 1.1rem !important; }
.st-key-talk_notes [data-testid="stMarkdownContainer"] p { margin-bottom: 0.35rem; }
.st-key-talk_notes button p, .st-key-talk_progress p { font-size: 1.1rem !important; }
.st-key-talk_view [data-testid="stCaptionContainer"] { font-size: 0.95rem !important; }
.st-key-talk_view [data-testid="stMetricValue"], .st-key-talk_view [data-testid="stMetricValue"] :is(div, p) {
  font-size: 1.9rem !important; }
.st-key-talk_view [data-testid="stMetricLabel"] :is(div, p) { font-size: 1rem !important; }
.st-key-talk_view [data-testid="stMetricDelta"] :is(div, p) { font-size: 1rem !important; }
.st-key-talk_view h3 { font-size: 1.4rem !important; }
.st-key-talk_view [class*="st-key-talk_topology_"] { padding: 0.6rem !important; }
.st-key-talk_view [class*="st-key-talk_topology_"] [data-testid="stMarkdownContainer"] p {
  font-size: 1rem !important; overflow-wrap: normal; word-break: normal; }
#talk-blank { position: fixed; inset: 0; background: #000; z-index: 1000010; }
</style>"""
NO_SIDEBAR_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }
</style>"""


def presenter_ui() -> Presenter:
    """Read present/hide from the URL (or keep this session's flags), add the CSS, return the flags.

    The flags outlive a page switch: when the URL lost them, they are written back, so the
    address bar always holds a link that reproduces the view.
    """
    params = {k: st.query_params.get_all(k) for k in PRESENTER_FLAGS if k in st.query_params}
    if params:
        presenter, notes = parse_presenter(params)
        st.session_state[PRESENTER] = presenter
        for note in notes:
            st.warning(note, icon=":material/link_off:")
    else:
        presenter = st.session_state.get(PRESENTER) or Presenter()
        for name, value in presenter.to_query().items():
            st.query_params[name] = value
    if presenter.active:
        st.html(PRESENTER_CSS)
    if "sidebar" in presenter.hide:
        st.html(NO_SIDEBAR_CSS)
    return presenter


def current_presenter() -> Presenter:
    """The presenter flags of the page being drawn: the page's own (the talk's), else the session's."""
    return st.session_state.get(PAGE_PRESENTER) or st.session_state.get(PRESENTER) or Presenter()


def button_hint(text: str) -> str | None:
    """A button's tooltip; none in presenter mode, where it would cover the text above the button."""
    return None if current_presenter().active else text


def presenter_figure(fig):
    """``fig`` with fonts and height enlarged in presenter mode (unchanged otherwise)."""
    presenter = current_presenter()
    if not presenter.active:
        return fig
    return scale_figure(fig, presenter.font_scale, max_height=presenter.max_chart_height)


def enter_presenter_mode() -> None:
    """Draw this page in the talk's compact presenter layout, this page only.

    /talk calls it: a deck is played in front of a room. The session's own mode (``?present=1``,
    "Leave presenter mode") is left as it was, so the next page is drawn in it again:
    ``setup_frame`` clears the page's flags at the start of every full run.
    """
    own = st.session_state.get(PRESENTER) or Presenter()
    st.session_state[PAGE_PRESENTER] = Presenter(True, own.hide, compact=True)
    if not own.active:
        st.html(PRESENTER_CSS)
    st.html(TALK_CSS)
