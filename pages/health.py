"""Health page: which replica served this page, how many sessions it holds and its training load."""
import streamlit as st

from playground.ui.health_panels import health_ui

st.title("Server health")
health_ui()
