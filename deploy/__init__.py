"""Running the app for a room: N Streamlit replicas behind nginx with sticky sessions (see room.py)."""
