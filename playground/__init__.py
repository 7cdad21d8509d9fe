"""RNN Playground's core: everything but the Streamlit pages, importable and tested without Streamlit.

Subpackages: ``tasks`` (the task registry), ``figures`` (pure Plotly figure builders) and ``ui``
(the only Streamlit glue). ``python -m playground`` is the command line (``playground.cli``).
"""
