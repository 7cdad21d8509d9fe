"""Tools for people working on the app, not part of it: a local test server, screenshots, the UI bench.

Run them from the repository root with ``python -m tools.<name>``.
"""
