"""Streamlit entrypoint: `streamlit run playground/app.py`.

The entrypoint lives one folder away from `pages/` on purpose: a `pages/` folder next
to the entrypoint switches Streamlit into its legacy multipage mode until a session
has run the entrypoint, and a deep link such as `/train` opened first on a fresh
server would then render without the app frame.
"""
import streamlit as st

from playground.ui.frame import setup_frame
from playground.ui.live_session import training_backend
from playground.ui.page_files import navigation, page_file
from playground.ui.url_state import note_page


def navigation_pages() -> dict[str, list[st.Page]]:
    """The app's pages by section, as ``navigation.toml`` lists them."""
    return {section["name"]: [st.Page(page_file(page["file"]), title=page["title"],
                                      icon=f":material/{page['icon']}:", url_path=page["url"],
                                      default=page["url"] == "")
                              for page in section["pages"]]
            for section in navigation()}


PAGES = navigation_pages()

training_backend()          # the worker pool starts with the first visit, not with the first run
setup_frame()
page = st.navigation(PAGES, expanded=True)     # every page listed: none hidden under "View more"
note_page(page.url_path)     # lets a page tell a page switch (its URL is a link) from its own rerun
page.run()
