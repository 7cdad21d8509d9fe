"""Home: what the app is, one-click experiments, and the five topologies with their tasks."""

import streamlit as st

from playground.figures.topology import describe_topology, make_topology_svg
from playground.gallery import GALLERY, TOPOLOGIES
from playground.ui.text import page_text
from playground.ui.page_files import page_file


st.title("RNN Playground")
st.markdown(page_text("home"))

st.header("Try one", divider="gray")
st.markdown(page_text("home_gallery"))
CARDS_PER_ROW = 3
for k, experiment in enumerate(GALLERY):
    if k % CARDS_PER_ROW == 0:
        row = st.columns(CARDS_PER_ROW)
    with row[k % CARDS_PER_ROW].container(border=True, height="stretch"):
        st.markdown(f"**{experiment.title}**")
        st.caption(experiment.blurb)
        if experiment.cites:
            st.caption(f":material/menu_book: A classic experiment: {experiment.cites}")
        st.page_link(page_file(experiment.page), label="Open and run", icon=":material/play_arrow:",
                     query_params=experiment.params)

st.header("Five shapes of a recurrent net", divider="gray")
st.markdown(page_text("home_topologies"))
for k, topology in enumerate(TOPOLOGIES):
    if k % CARDS_PER_ROW == 0:
        row = st.columns(CARDS_PER_ROW)
    with row[k % CARDS_PER_ROW].container(border=True, height="stretch"):
        st.markdown(f"**{topology.name}**")
        st.image(make_topology_svg(topology), alt=describe_topology(topology))
        st.caption(f"{topology.explanation} *Example:* {topology.example}.")
        st.page_link(page_file(topology.page), label=f"Open the {topology.task} task",
                     icon=":material/play_arrow:", query_params=topology.params)
