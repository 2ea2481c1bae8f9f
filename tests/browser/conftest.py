"""The browser harness: `spiral run` on a free port with a temporary database, driven by Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import missing_prerequisite

CHROMIUM = Path("/usr/bin/chromium")
# Without these flags Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"`spiral run` exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("`spiral run` did not become healthy in time")


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> Iterator[str]:
    """The base URL of a running Spiral, started on an empty database (so the demo is loaded).

    One per test module, so that one journey's changes never show up in another's figures.
    """
    folder = tmp_path_factory.mktemp("live")
    port = _free_port()
    env = {**os.environ, "SPIRAL_DATABASE_URL": f"sqlite:///{folder / 'spiral.db'}", "SPIRAL_MODEL_DIR": str(model_dir)}
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "spiral_app.cli", "run", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing_prerequisite(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_app: str) -> Iterator[Page]:
    """A fresh browser tab on the running app's Home page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(live_app)
    tab.get_by_role("heading", name="Spiral", exact=True).wait_for()
    yield tab
    context.close()
