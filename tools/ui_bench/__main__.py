"""``python -m tools.ui_bench``: run the UI benchmark (see ``tools.ui_bench``)."""
from tools.ui_bench.cli import main

main()
