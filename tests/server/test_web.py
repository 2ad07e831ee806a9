"""The chat page in a real headless Chromium (Debian's, never a downloaded one) against uvicorn on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_fakes import FAILED, HITS, HOSTILE_QUOTE, LiveServer

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
        # A script error or a Content-Security-Policy refusal shows up here.
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield page
        failed = request.node.stash.get(FAILED, False)
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
        assert not outside, f"requests left the machine: {outside}"
        assert not errors, f"errors in the page: {errors}"
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


def test_markdown_answer_renders_list_table_and_quote_as_text_with_copy_and_csv(
    page: Any, live_app: LiveServer, tmp_path: Path
) -> None:
    import pandas as pd

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    response = page.goto(live_app.url + "/")
    # Behind the sanitiser, the page allows no inline script at all.
    assert "script-src 'self';" in response.headers["content-security-policy"]
    page.fill("[data-testid=question-input]", "用表格列出关于物流的反馈")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=answer][data-done=true]")
    answer = page.locator("[data-testid=answer]").last
    text = answer.locator("[data-testid=answer-text]")

    # The list and the table are real elements.
    assert text.locator("ul > li").all_inner_texts() == ["负面 2 条", "正面 1 条"]
    assert text.locator("table th").all_inner_texts() == ["客户", "情感", "相似度"]
    cells = [row.locator("td").all_inner_texts() for row in text.locator("table tbody tr").all()]
    assert cells == [[h["customer_id"], h["sentiment"], str(h["score"])] for h in HITS]
    assert text.locator("table td").nth(2).evaluate("td => getComputedStyle(td).textAlign") == "right"
    # The customer's quote stays text: its markup is shown, not parsed, and nothing ran.
    assert text.locator("blockquote").inner_text().strip() == HOSTILE_QUOTE
    assert answer.locator("script, img").count() == 0
    step = answer.locator("[data-testid=tool-step]").first
    step.locator("summary").click()
    assert "<script>window.__pwned=1</script><img src=x onerror=" in step.inner_text()  # the result is text too
    step.locator("summary").click()
    assert page.evaluate("window.__pwned") is None

    # Copy puts the answer's Markdown on the clipboard.
    answer.locator("[data-testid=copy]").click()
    page.wait_for_function("() => document.querySelector('[data-testid=copy]').textContent === '已复制'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "| 客户 | 情感 | 相似度 |" in copied and HOSTILE_QUOTE in copied

    # The tool result's table downloads as CSV: UTF-8 with BOM, same rows, Chinese intact.
    button = answer.locator("[data-testid=csv-download]")
    assert button.count() == 1 and "search_feedback" in button.inner_text()
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("search_feedback-") and download.suggested_filename.endswith(".csv")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"customer_id": str})
    expected = pd.DataFrame(HITS)
    # A cell that starts like a formula is prefixed with ' so a spreadsheet shows it instead of running it.
    expected["quote"] = [("'" + q) if q.startswith("=") else q for q in expected["quote"]]
    pd.testing.assert_frame_equal(frame, expected)
    assert "物流太慢" in frame.loc[0, "quote"] and frame.loc[1, "quote"] == "包装破损，没人回复"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "web-markdown-answer.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
