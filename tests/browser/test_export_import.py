"""Save & load in a real browser: every export downloads, and the weights re-import into the app."""
import io

import numpy as np
import torch

EXCEPTION = "[data-testid='stException']"
DOWNLOADS = ["History (CSV)", "Weights + config (.pt)", "Probe (NPZ)", "Probe (CSV)", "All figures in one HTML page"]


def download(page, label: str) -> bytes:
    """Click a download button and return the bytes the browser saved."""
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=label).first.click()
    return open(info.value.path(), "rb").read()


def test_every_export_downloads_and_the_weights_reimport(app_url, page, wait_for_app, tmp_path):
    page.goto(f"{app_url}/train?arch=gru&task=adding&seq_len=12&hidden=8&seed=3")
    wait_for_app(page)
    for step in (1, 2):          # wait for what the click draws: a quick rerun can pass unseen by the run counter
        page.get_by_role("button", name="Step").first.click()
        page.wait_for_function("(n) => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
                               " return m && parseInt(m.innerText.replace(/,/g, ''), 10) === n; }", arg=step)
        wait_for_app(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Save & load").click()
    wait_for_app(page)
    files = {label: download(page, label) for label in DOWNLOADS}
    assert files["History (CSV)"].decode().splitlines()[0].startswith("step,loss")
    assert len(files["History (CSV)"].decode().strip().splitlines()) == 3         # header + 2 steps
    probe = np.load(io.BytesIO(files["Probe (NPZ)"]))
    assert probe["hidden"].shape[-1] == 8 and "grad_norm" in probe.files
    assert b"<html" in files["All figures in one HTML page"][:2000].lower()
    checkpoint = torch.load(io.BytesIO(files["Weights + config (.pt)"]), weights_only=True)
    assert checkpoint["config"]["arch"] == "gru" and checkpoint["config"]["hidden"] == 8

    weights = tmp_path / "weights.pt"
    weights.write_bytes(files["Weights + config (.pt)"])
    page.goto(f"{app_url}/train?arch=lstm&task=adding&seq_len=12&hidden=8")     # a different model first
    wait_for_app(page)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Save & load").click()
    wait_for_app(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(weights))
    wait_for_app(page)
    page.get_by_role("button", name="Load these weights").first.click()
    page.get_by_text("Loaded:").first.wait_for(timeout=120_000)      # the import reruns once more
    wait_for_app(page)
    assert page.locator(EXCEPTION).count() == 0
    reloaded = torch.load(io.BytesIO(download(page, "Weights + config (.pt)")), weights_only=True)
    for name, tensor in checkpoint["state_dict"].items():
        assert torch.equal(reloaded["state_dict"][name], tensor), name
    assert checkpoint["resume"]["step"] == 2 and reloaded["resume"]["step"] == 2      # the run resumes at step 2
    assert torch.equal(reloaded["resume"]["history"]["loss"], checkpoint["resume"]["history"]["loss"])
    assert page.get_by_text("2 steps trained").count() > 0
