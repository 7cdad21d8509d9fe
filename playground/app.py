"""Streamlit entrypoint: `streamlit run playground/app.py`.

The entrypoint lives one folder away from `pages/` on purpose: a `pages/` folder next
to the entrypoint switches Streamlit into its legacy multipage mode until a session
has run the entrypoint, and a deep link such as `/train` opened first on a fresh
server would then render without the app frame.
"""
from pathlib import Path

import streamlit as st

from playground.ui.frame import setup_frame
from playground.ui.live_session import training_backend
from playground.ui.url_state import note_page

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

PAGES = {
    "Playground": [
        st.Page(PAGES_DIR / "home.py", title="Home", icon=":material/home:", url_path="", default=True),
        st.Page(PAGES_DIR / "train.py", title="Train", icon=":material/play_arrow:", url_path="train"),
        st.Page(PAGES_DIR / "compare.py", title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(PAGES_DIR / "sweep.py", title="Sweep", icon=":material/grid_view:", url_path="sweep"),
        st.Page(PAGES_DIR / "talk.py", title="Talk", icon=":material/co_present:", url_path="talk"),
    ],
    "Teaching views": [
        st.Page(PAGES_DIR / "cell.py", title="Inside the cell", icon=":material/memory:", url_path="cell"),
        st.Page(PAGES_DIR / "gradients.py", title="Gradients through time", icon=":material/trending_down:", url_path="gradients"),
        st.Page(PAGES_DIR / "language.py", title="Language model", icon=":material/text_fields:", url_path="language"),
        st.Page(PAGES_DIR / "interventions.py", title="Interventions", icon=":material/tune:", url_path="interventions"),
        st.Page(PAGES_DIR / "units.py", title="Find the unit", icon=":material/manage_search:", url_path="units"),
    ],
    "Your data & model": [
        st.Page(PAGES_DIR / "data.py", title="Your data", icon=":material/upload_file:", url_path="data"),
        st.Page(PAGES_DIR / "model_io.py", title="Save & load", icon=":material/download:", url_path="model"),
    ],
    "Server": [
        st.Page(PAGES_DIR / "health.py", title="Health", icon=":material/monitor_heart:", url_path="health"),
    ],
}

training_backend()          # the worker pool starts with the first visit, not with the first run
setup_frame()
page = st.navigation(PAGES, expanded=True)     # every page listed: none hidden under "View more"
note_page(page.url_path)     # lets a page tell a page switch (its URL is a link) from its own rerun
page.run()
