"""The app frame in a real browser: deep links keep the navigation; gallery cards open their page."""
from urllib.parse import parse_qs, urlparse

from playground.config import from_query
from playground.gallery import GALLERY

SIDEBAR_NAV = "[data-testid='stSidebarNav']"


def test_deep_link_first_on_a_fresh_server_has_the_app_frame(fresh_app_url, page, wait_for_app):
    page.goto(f"{fresh_app_url}/train?arch=gru")
    wait_for_app(page)
    assert page.locator(SIDEBAR_NAV).count() == 1
    assert urlparse(page.url).path == "/train"
    assert page.locator(f"{SIDEBAR_NAV} a[href$='/compare']").count() == 1


def test_gallery_card_opens_its_page_with_its_settings(app_url, page, wait_for_app, click_and_wait):
    page.goto(app_url)
    wait_for_app(page)
    experiment = next(e for e in GALLERY if e.page == "train")
    card = page.locator("[data-testid='stVerticalBlock']", has_text=experiment.title).last  # innermost block: the card
    click_and_wait(page, card.locator("[data-testid='stPageLink'] a"), live=True)  # autostart trains
    page.wait_for_url(f"**/{experiment.page}?**")
    url = urlparse(page.url)
    assert url.path == f"/{experiment.page}"
    landed, _ = from_query({k: v[-1] for k, v in parse_qs(url.query).items()})
    assert landed == from_query(experiment.params)[0]  # the page may tidy the URL, not change the run
    assert page.locator(SIDEBAR_NAV).count() == 1
