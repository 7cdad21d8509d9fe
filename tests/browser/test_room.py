"""A room: two replicas behind a real nginx (started and stopped here), eight browser sessions.

The sessions spread over both replicas (sticky by the ``rnn_replica`` cookie, each replica's
/health page names itself and counts its sessions); a deep link to a live run, and an upload
larger than nginx's default 1 MB body limit, work through the proxy; stopping one replica
leaves the other's session training.
"""

import pytest

from deploy.room import Room
from nginx_required import require_nginx

pytestmark = pytest.mark.slow
SESSIONS = 8
WAIT_MS = 180_000
LIVE_RUN = "/train?arch=gru&task=adding&seq_len=20&hidden=16&autostart=1"
STEP_JS = ("(above) => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
           " return !!m && parseInt(m.innerText.replace(/,/g, ''), 10) > above; }")


@pytest.fixture(scope="module")
def room():
    require_nginx()
    room = Room(replicas=2).start()
    yield room
    room.stop()


def replica_of(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "rnn_replica")


def test_sessions_spread_over_two_replicas_and_survive_the_loss_of_one(room, browser, wait_for_app, tmp_path):
    contexts, pages = [], []
    try:
        for _ in range(SESSIONS):
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{room.url}/health")
            wait_for_app(page)
            contexts.append(context)
            pages.append(page)
        replicas = [replica_of(c) for c in contexts]
        assert set(replicas) == {"r0", "r1"}, replicas
        for page, replica in zip(pages, replicas):
            page.reload()
            page.wait_for_function("() => document.querySelectorAll(\"[data-testid='stMetricValue']\").length === 5")
            wait_for_app(page)
            shown = dict(zip(page.locator("[data-testid='stMetricLabel']").all_inner_texts(),
                             page.locator("[data-testid='stMetricValue']").all_inner_texts()))
            assert shown.get("Replica") == replica, shown
            assert int(shown["Sessions"]) >= replicas.count(replica)   # this replica holds its browsers' sessions
            print(f"{replica}: {shown}")

        keep, lose = replicas.index("r0"), replicas.index("r1")
        for k in (keep, lose):                          # a deep link straight to a live run, on each replica
            pages[k].goto(room.url + LIVE_RUN)
            pages[k].wait_for_function(STEP_JS, arg=0, timeout=WAIT_MS)

        uploader = pages[(lose + 1) % SESSIONS] if (lose + 1) % SESSIONS != keep else pages[(lose + 2) % SESSIONS]
        series = tmp_path / "series.csv"
        series.write_text("t,a,b,c\n" + "".join(f"{i},{i % 97 / 97:.6f},{i % 89 / 89:.6f},{i % 83 / 83:.6f}\n"
                                                 for i in range(50_000)))
        assert series.stat().st_size > 2**20                # above nginx's default body limit
        uploader.goto(f"{room.url}/data")
        wait_for_app(uploader)
        uploader.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(series))
        uploader.locator("[data-testid='stCaptionContainer']", has_text="50,000 rows × 4 columns").wait_for()

        room.stop_replica(1)
        survivor = pages[keep]
        before = int(survivor.locator("[data-testid='stMetricValue']").first.inner_text().replace(",", ""))
        survivor.wait_for_function(STEP_JS, arg=before + 20, timeout=WAIT_MS)   # still training on r0
        assert replica_of(contexts[keep]) == "r0"
        assert survivor.locator("[data-testid='stException']").count() == 0
    finally:
        for context in contexts:
            context.close()
