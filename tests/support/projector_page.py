"""A browser page at a projector's size (1280x720), for the browser tests of presenter mode and talks."""
from tools.deck_player import PROJECTOR


def projector_page(browser, timeout_ms: int):
    """Yield a page at 1280x720 in a context of its own, waiting up to ``timeout_ms`` by default; close it after.

    A fixture serves it with ``yield from projector_page(browser, timeout_ms)``, at the scope it needs.
    """
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    yield page
    context.close()
