"""The README's weight-loading snippet runs against a real training run's output."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_loading_snippet_runs(tmp_path):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Load the weights in plain PyTorch", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    run = subprocess.run([sys.executable, "-m", "playground", "train", "--arch", "lstm", "--task", "adding",
                          "--seq-len", "10", "--hidden", "8", "--steps", "2", "--quiet",
                          "--out", str(tmp_path / "runs" / "x")], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    result = subprocess.run([sys.executable, "-c", snippet + "\nprint(tuple(y.shape))"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("(1, 50, 1)")
