"""The dashboard in headless Chromium (Debian's, driven by Playwright; no browser download):
login with a read token, the DORA tiles, the charts drawn by the shipped uPlot, an
application's sync history, the consistency matrix, and no script errors."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from gitops_schema.server.app import create_app
from gitops_schema.server.settings import Settings
from gitops_schema.store.tokens import Role, create_token

from . import history

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("live")
    app = create_app(Settings(db_url=f"sqlite:///{folder / 'h.db'}", spool_dir=folder / "spool"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    history.load(app.state.engine, folder / "repo")
    token = create_token(app.state.engine, name="viewer", role=Role.READ)
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(10)


def test_dashboard_in_chromium(live: tuple[str, str], tmp_path: Path) -> None:
    base, token = live
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(base + "/")
        assert page.url == base + "/login"
        page.fill("#token", "gsk_wrong")
        page.click("button[type=submit]")
        assert "unknown" in page.inner_text("[role=alert]")
        errors.clear()  # the refused login is a 401, which Chromium logs
        page.fill("#token", token)
        page.click("button[type=submit]")
        page.goto(base + f"/?from={history.WINDOW[0][:10]}&to={history.WINDOW[1][:10]}")
        page.wait_for_selector("body[data-ready=true]", timeout=15000)
        tiles = page.inner_text("#dora")
        assert "2 days/week" in tiles and "high" in tiles
        assert "50 %" in tiles and "71 min" in tiles and "15 min" in tiles
        # five uPlot charts, each drawn on a canvas
        assert page.locator(".uplot canvas").count() == 5
        rows = page.locator("#applications tbody tr")
        assert rows.count() == 2  # production: web-prod and api
        rows.filter(has_text="web-prod").click()
        page.wait_for_selector("#history tbody tr")
        assert page.locator("#history tbody tr").count() == 6
        matrix = page.inner_text("#consistency")
        assert "argocd web" in matrix and "prod" in matrix and "staging" in matrix
        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
        browser.close()
    assert errors == []
