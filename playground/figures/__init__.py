"""Pure figure builders: numpy arrays and tables in, Plotly figures out (no Streamlit)."""
