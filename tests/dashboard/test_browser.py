"""The real dashboard in Debian's Chromium: answer the questions as a person would and check
what they see. Needs /usr/bin/chromium; without it these tests skip, unless
TWITCH_CAUSES_REQUIRE_BROWSER=1, which makes a missing browser a failure.

    .venv/bin/python -m pytest tests/test_browser.py -m browser
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REQUIRED = os.environ.get("TWITCH_CAUSES_REQUIRE_BROWSER") == "1"
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
README_SHOT = ROOT / "docs" / "dashboard.png"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
WAIT_MS = 30_000  # generous: the machine may be busy

pytestmark = [pytest.mark.browser,
              # pytest-playwright's own base_url fixture trips a pytest deprecation; not ours to fix
              pytest.mark.filterwarnings("ignore:Session-scoped fixtures defined as instance methods")]

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the environment
    if REQUIRED:
        raise
    pytest.skip("playwright is not installed", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium, or `make browser`)"
        if REQUIRED:
            pytest.fail(message + "; TWITCH_CAUSES_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    """`streamlit run app.py` on a free port for this module; its output goes to a file."""
    from tests.support.server import serve

    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with serve(log) as url:
        yield url


@pytest.fixture
def app(page, dashboard):
    page.set_default_timeout(WAIT_MS)
    page.goto(dashboard)
    expect(triage_banner(page)).to_be_visible()
    page.wait_for_selector(IDLE)
    yield page
    expect(page.get_by_test_id("stException")).to_have_count(0)


def triage_banner(page):
    return page.locator(".st-key-triage [data-testid='stAlert']").first


def choose(page, input_id: str, label: str) -> None:
    """Open a question's list and click an answer."""
    widget = page.locator(f".st-key-{input_id}")
    widget.scroll_into_view_if_needed()
    page.wait_for_timeout(150)  # the list closes itself if it opens while the page still scrolls
    widget.locator("button[aria-label='Open']").click()
    page.get_by_role("listbox").get_by_role("option", name=label, exact=True).click()
    expect(widget.locator("input")).to_have_value(label)


def first_cause(page):
    return page.locator(".st-key-ranked_causes [data-testid='stExpander'] summary p").first


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_selector(IDLE)
    page.screenshot(path=str(SHOTS / name))


def test_the_page_opens_calm(app):
    expect(triage_banner(app)).to_contain_text("Self-care")
    expect(triage_banner(app).get_by_test_id("stAlertContentSuccess")).to_be_visible()
    expect(app.get_by_text("people with these answers")).to_be_visible()
    expect(app.get_by_text("This is not a diagnosis.")).to_be_visible()
    expect(app.get_by_test_id("stVegaLiteChart")).to_be_visible()
    expect(app.locator(".st-key-ranked_causes [data-testid='stExpander']")).to_have_count(14)
    shoot(app, "01-start.png")


def test_caffeine_and_twitching_put_caffeine_first(app):
    choose(app, "age", "Under 40")
    choose(app, "caffeine", "4+ cups, or energy drinks")
    choose(app, "twitching", "Yes")
    expect(first_cause(app)).to_have_text("Caffeine")
    expect(triage_banner(app)).to_contain_text("Self-care")
    app.evaluate("document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; })")
    shoot(app, "02-caffeine-first.png")
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    app.screenshot(path=str(README_SHOT))
    first_cause(app).click()
    expect(app.get_by_text("What your answers did")).to_be_visible()
    expect(app.get_by_text(re.compile("Caffeine most days: 4\\+ cups, or energy drinks raised it"))).to_be_visible()
    shoot(app, "03-caffeine-explained.png")


def test_a_red_flag_turns_the_banner_red(app):
    choose(app, "twitching", "Yes")
    choose(app, "atrophy", "Yes")
    expect(triage_banner(app)).to_contain_text("Seek prompt medical evaluation")
    expect(triage_banner(app).get_by_test_id("stAlertContentError")).to_be_visible()
    expect(triage_banner(app)).to_contain_text("muscle wasting or thinning")
    shoot(app, "04-red-flag.png")


def test_the_network_is_drawn_with_the_answers(app):
    choose(app, "caffeine", "4+ cups, or energy drinks")
    app.get_by_role("tab", name="How the causes connect").click()
    chart = app.get_by_test_id("stGraphVizChart")
    expect(chart.locator("g.node")).to_have_count(47)
    expect(chart.get_by_text("= 4+ cups, or energy drinks")).to_be_visible()
    shoot(app, "05-network.png")


def test_a_broken_case_file_gets_a_friendly_message(app):
    app.get_by_text("Load or save your answers").click()
    app.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": "broken.json", "mimeType": "application/json", "buffer": b'{"caffeine": "high",'}])
    sidebar = app.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile("Could not load answers from this file"))).to_be_visible()
    expect(sidebar.get_by_text(re.compile("Traceback"))).to_have_count(0)
    shoot(app, "06-broken-file.png")


def test_the_analyses_show_and_a_question_answers_in_one_click(app):
    choose(app, "caffeine", "4+ cups, or energy drinks")
    choose(app, "twitching", "Yes")
    expect(app.get_by_text(re.compile("^How sure: "))).to_be_visible()
    expect(app.get_by_text(re.compile("If you cut out caffeine: .* chance the twitching settles"))).to_be_visible()
    helper = app.locator(".st-key-help_most")
    expect(helper.get_by_text("Answering this would help most")).to_be_visible()
    expect(helper.get_by_text("Muscle weakness", exact=True)).to_be_visible()
    shoot(app, "07-analyses.png")
    helper.get_by_role("button", name=re.compile("^Real and worsening")).click()
    expect(triage_banner(app)).to_contain_text("Seek prompt medical evaluation")
    expect(app.locator(".st-key-weakness input")).to_have_value(re.compile("^Real and worsening"))
    app.get_by_role("tab", name="How sure is it?").click()
    expect(app.get_by_text(re.compile("tornado chart"))).to_be_visible()
    expect(app.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    shoot(app, "08-how-sure.png")


HOSTILE = {  # file name: (content, what the refusal says)
    "too-big.json": (b'{"caffeine": "' + b"x" * 1_100_000 + b'"}', "must be 1.0MB or smaller"),
    "nested.json": (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    "binary.json": (bytes(range(256)) * 64, "not UTF-8"),
    "script.json": (b'{"caffeine": "<script>window.__owned = 1</script><img src=x onerror=alert(1)>"}', "unknown state"),
    "huge-number.json": (b'{"caffeine": ' + b"9" * 5000 + b"}", "not valid JSON"),
    "wrong-shape.json": (b'["caffeine", "high"]', "expected a JSON object"),
    "unknown-input.json": (b'{"<b>coffee</b>": "high"}', "unknown input"),
}


def test_hostile_case_files_get_a_friendly_message_and_change_nothing(app):
    dialogs = []
    app.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    choose(app, "caffeine", "None")
    app.get_by_text("Load or save your answers").click()
    sidebar = app.get_by_test_id("stSidebar")
    for name, (data, refusal) in HOSTILE.items():
        app.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            files=[{"name": name, "mimeType": "application/json", "buffer": data}])
        app.wait_for_selector(IDLE)
        expect(sidebar.get_by_test_id("stFileChipName").get_by_text(name, exact=True)).to_be_visible()
        expect(sidebar.get_by_text(re.compile(re.escape(refusal))).first).to_be_visible()
        expect(sidebar.get_by_text(re.compile("Traceback"))).to_have_count(0)
        expect(app.locator(".st-key-caffeine input")).to_have_value("None")  # the answers were not changed
    assert dialogs == [] and app.evaluate("window.__owned === undefined")
    shoot(app, "09-hostile-files.png")
