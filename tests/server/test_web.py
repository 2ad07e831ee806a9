"""The chat page in a real headless Chromium (Debian's, never a downloaded one) against uvicorn on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_fakes import FAILED, LiveServer

CHROMIUM = os.environ.get("CRM_INSIGHTS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} missing: CI installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} missing (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(20_000)
        # Everything the page needs is served by the app: any other host is a CDN leak.
        outside: list[str] = []
        page.on(
            "request",
            lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "blob:", "data:")) else None,
        )
        yield page
        failed = request.node.stash.get(FAILED, False)
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
        assert not outside, f"requests left the machine: {outside}"
        browser.close()


def test_ask_streams_answer_with_steps_and_chart(page: Any, live_app: LiveServer) -> None:
    page.goto(live_app.url + "/")
    assert page.evaluate("document.characterSet") == "UTF-8"
    assert page.locator("#samples button").count() >= 3
    page.fill("[data-testid=question-input]", "哪些高价值客户有流失风险？")
    page.click("[data-testid=send]")
    answer = page.locator("[data-testid=answer]").last
    answer.locator("[data-testid=answer-text]").filter(has_text="第1轮").wait_for()
    page.wait_for_selector("[data-testid=answer][data-done=true]")
    # The tool step is folded under the answer, with its evidence.
    step = answer.locator("[data-testid=tool-step]").first
    assert "at_risk_customers" in step.locator("summary").inner_text()
    assert step.get_attribute("open") is None
    step.locator("summary").click()
    assert "forecast-test" in step.inner_text()
    step.locator("summary").click()  # fold it again for the screenshot
    # The chart is inline and actually decoded.
    chart = answer.locator("[data-testid=chart]").first
    chart.wait_for()
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=chart]'); return i && i.naturalWidth > 100; }"
    )
    # The thread is listed; a follow-up lands in the same thread.
    page.wait_for_selector("#thread-list li")
    page.fill("[data-testid=question-input]", "那分群呢？")
    page.keyboard.press("Enter")
    page.locator("[data-testid=answer-text]").filter(has_text="第2轮").wait_for()
    assert page.locator("#thread-list li").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("[data-testid=answer]").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)
    # English UI.
    page.click("[data-testid=lang-toggle]")
    assert page.locator("[data-testid=send]").inner_text() == "Send"
    # Reload: the thread comes back from the server's history.
    page.reload()
    page.locator("[data-testid=answer-text]").filter(has_text="第2轮").wait_for()


def test_answer_markdown_is_escaped(page: Any, live_app: LiveServer) -> None:
    page.goto(live_app.url + "/")
    page.fill("[data-testid=question-input]", "inject a quote")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=answer][data-done=true]")
    text = page.locator("[data-testid=answer-text]").last
    assert text.locator("strong").inner_text() == "bold"
    assert text.locator("img").count() == 0 and '<img src=x onerror="window.__pwned=1">' in text.inner_text()
    assert page.evaluate("window.__pwned") is None
