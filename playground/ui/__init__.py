"""Streamlit glue: the only part of ``playground`` that imports streamlit.

Pages call into this subpackage for the shared frame, widgets and live-training
plumbing; the rest of ``playground`` stays importable (and testable) without it.
"""
