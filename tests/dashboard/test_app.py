"""The dashboard (app.py) in process with Streamlit's AppTest, and the helpers it relies on.

Every number is compared with rank() (or a ranker with the same overrides), never hard-coded.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.case import NOT_SURE, answers_from_case
from dashboard.priors_view import parameters_by_node, slider_bounds
from model import load_ranker, rank
from model.analyses import sensitivity
from model.formatting import natural_frequency, percent
from model.readwrite import case_json
from model.text import display_label, how_sure_line, report_content, turning_points
from tests.support.apptest import chart_data, graphviz_source, markdown_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EXPERTS = "The numbers behind it (for experts)"
NETWORK = "How the causes connect"
CAFFEINE_HIGH = "caffeine_effect.given.caffeine.high"


@pytest.fixture(autouse=True)
def fresh_caches():
    """st.cache_resource and st.cache_data outlive an AppTest: start each test clean."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons hand to Streamlit, by file name."""
    files: dict[str, bytes] = {}
    add = MediaFileManager.add

    def recording(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            data = path_or_data.encode() if isinstance(path_or_data, str) else path_or_data
            files[file_name] = data
        return add(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", recording)
    return files


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    return at


def answer(at: AppTest, **case) -> AppTest:
    for input_id, state in case.items():
        at.selectbox(key=input_id).set_value(state)
    at.run()
    assert not at.exception
    return at


def ranked_ids(at: AppTest) -> list[str]:
    """The causes in the order the chart draws them."""
    return list(chart_data(at, 0)["id"])


def alerts_text(elements) -> str:
    return " ".join(e.value for e in elements)


# ----------------------------------------------------------------------------- the app
def test_starts_calm_with_every_question_unanswered(ranker):
    at = start()
    assert not at.error and not at.warning
    assert "Self-care" in at.success[0].value
    boxes = {b.key: b for b in at.selectbox if b.key in ranker.vocabulary.inputs}
    assert list(boxes) == list(ranker.vocabulary.inputs)
    for input_id, spec in ranker.vocabulary.inputs.items():
        box = boxes[input_id]
        assert box.label == spec.question
        assert box.options == ["Not sure", *spec.labels]
        assert box.value == NOT_SURE
    assert ranked_ids(at) == [c.id for c in rank({}).causes]


def test_caffeine_high_with_twitching_ranks_caffeine_first():
    at = answer(start(), caffeine="high", twitching="yes")
    expected = rank({"caffeine": "high", "twitching": "yes"})
    chart = chart_data(at, 0)
    assert ranked_ids(at)[0] == "caffeine_effect"
    assert list(zip(chart["id"], chart["probability"], chart["shown"], strict=True)) == [
        (c.id, c.probability, percent(c.probability)) for c in expected.causes]
    assert [e.label for e in at.tabs[0].expander] == [display_label(c.label) for c in expected.causes]


def test_a_red_flag_shows_the_prompt_banner_above_the_ranking():
    at = answer(start(), atrophy="yes", twitching="yes")
    expected = rank({"atrophy": "yes", "twitching": "yes"})
    assert expected.triage.level == "prompt_evaluation"
    banner = at.error[0].value
    assert "Seek prompt medical evaluation" in banner
    assert all(reason in banner for reason in expected.triage.reasons)
    assert not at.success and not at.warning
    banner_node = at.error[0]
    order = list(at.main)
    banner_at = next(i for i, node in enumerate(order) if node is banner_node)
    ranking_at = next(i for i, node in enumerate(order) if getattr(node, "type", "") == "expander")
    assert banner_at < ranking_at


def test_a_long_duration_shows_the_see_a_doctor_banner():
    at = answer(start(), twitch_duration="months")
    assert rank({"twitch_duration": "months"}).triage.level == "see_doctor"
    assert "Book a routine appointment" in at.warning[0].value and not at.error


def test_not_sure_leaves_the_question_out(downloads):
    at = answer(start(), caffeine="high", twitching="yes")
    at = answer(at, caffeine=NOT_SURE)
    result = json.loads(downloads["twitch-causes-result.json"])
    assert result["evidence"] == {"twitching": "yes"}
    assert result == json.loads(rank({"twitching": "yes"}, detail=True).to_json())
    assert json.loads(downloads["twitch-causes-answers.json"]) == {"twitching": "yes"}


def test_downloads_carry_the_numbers_of_rank(downloads):
    case = {"age": "over_60", "caffeine": "moderate", "twitching": "yes", "cramps": "yes"}
    answer(start(), **case)
    expected = rank(case, detail=True)
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(expected.to_json())
    report = downloads["twitch-causes-report.md"].decode()
    content = report_content(expected, load_ranker().vocabulary)
    assert content.leading[0] in report and content.serious in report
    assert downloads["twitch-causes-report.pdf"].startswith(b"%PDF")
    assert expected.triage.reasons[0] in report
    assert json.loads(downloads["twitch-causes-answers.json"]) == case


def test_a_prior_override_reranks_and_reset_restores(ranker, downloads):
    case = {"caffeine": "high", "exertion": "intense", "twitching": "yes"}
    at = answer(start(), **case)
    before = rank(case)
    changed = ranker.with_overrides({CAFFEINE_HIGH: 0.2}).rank(case)
    assert before.causes[0].id != changed.causes[0].id  # the scenario: this number decides the order
    at.session_state["view"] = EXPERTS
    at.run()
    at.selectbox(key="prior_node").set_value("caffeine_effect").run()
    at.slider(key="prior::" + CAFFEINE_HIGH).set_value(0.2).run()
    assert not at.exception
    assert at.session_state["overrides"] == {CAFFEINE_HIGH: 0.2}
    comparison = at.dataframe[0].value
    assert list(comparison["cause"]) == [display_label(c.label) for c in changed.causes]
    assert list(comparison["with your changes"]) == [percent(c.probability) for c in changed.causes]
    assert list(comparison["with the files' numbers"]) == [percent(before.probability(c.id)) for c in changed.causes]
    detailed = ranker.with_overrides({CAFFEINE_HIGH: 0.2}).rank(case, detail=True)
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(detailed.to_json())
    assert "changed for this session" in at.info[0].value
    at.session_state["view"] = "Likely causes"
    at.run()
    assert ranked_ids(at) == [c.id for c in changed.causes]

    at.session_state["view"] = EXPERTS
    at.run()
    at.button(key="reset_priors").click().run()
    assert at.session_state["overrides"] == {}
    assert at.slider(key="prior::" + CAFFEINE_HIGH).value == ranker.priors.parameter(CAFFEINE_HIGH).value
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(rank(case, detail=True).to_json())
    assert not at.info
    at.session_state["view"] = "Likely causes"
    at.run()
    chart = chart_data(at, 0)
    assert list(zip(chart["id"], chart["probability"], strict=True)) == [(c.id, c.probability) for c in before.causes]


def test_an_invalid_override_is_refused_with_a_message(ranker):
    at = start()
    at.session_state["view"] = EXPERTS
    at.run()
    at.selectbox(key="prior_node").set_value("weakness").run()
    subjective, progressive = ("weakness.given.neuromuscular_disease." + s for s in ("subjective", "progressive"))
    at.slider(key="prior::" + subjective).set_value(slider_bounds(ranker.priors.parameter(subjective))[1]).run()
    at.slider(key="prior::" + progressive).set_value(slider_bounds(ranker.priors.parameter(progressive))[1]).run()
    assert not at.exception
    assert "That change was not applied" in alerts_text(at.error) and "1.1" in alerts_text(at.error)
    assert progressive not in at.session_state["overrides"]
    assert at.slider(key="prior::" + progressive).value == ranker.priors.parameter(progressive).value


def test_the_experts_view_lists_every_number_with_its_source(ranker):
    at = start()
    at.session_state["view"] = EXPERTS
    at.run()
    table = at.dataframe[-1].value
    assert list(table["number"]) == [p.id for p in ranker.priors.parameters]
    assert list(table["source"]) == [p.source for p in ranker.priors.parameters]
    assert list(table["rationale"]) == [p.rationale for p in ranker.priors.parameters]
    assert list(at.selectbox(key="prior_node").options) and len(at.slider) == len(
        next(iter(parameters_by_node(ranker.priors).values())))


def test_a_cause_section_explains_itself_when_opened(ranker):
    at = answer(start(), caffeine="high", twitching="yes")
    at.session_state["about::caffeine_effect"] = True
    at.run()
    caffeine = next(e for e in at.expander if e.label == "Caffeine")
    text = " ".join(m.value for m in caffeine.markdown)
    assert "Caffeine most days: 4+ cups, or energy drinks** raised it" in text
    assert "What to try" in text and "Cut down gradually" in text
    sources = caffeine.caption[0].value
    assert ranker.priors.parameter(CAFFEINE_HIGH).source in sources


def test_the_network_highlights_this_case():
    at = answer(start(), caffeine="high", twitching="yes")
    at.session_state["view"] = NETWORK
    at.run()
    assert not at.exception
    dot = graphviz_source(at)
    assert '"caffeine" [label="Caffeine\\n= 4+ cups, or energy drinks", style="filled,rounded"' in dot


def test_a_case_file_fills_in_the_answers(ranker):
    at = start()
    case = {"caffeine": "high", "twitching": "yes", "age": "40_to_60"}
    at.file_uploader(key="case_file").upload("case.json", case_json(case).encode(), "application/json")
    at.run()
    assert not at.exception and not at.error
    for input_id, state in answers_from_case(case, ranker.vocabulary).items():
        assert at.selectbox(key=input_id).value == state
    assert ranked_ids(at) == [c.id for c in rank(case).causes]


def test_a_malformed_case_file_gets_a_friendly_message():
    at = answer(start(), caffeine="high")
    at.file_uploader(key="case_file").upload("broken.json", b'{"caffeine": "high",', "application/json")
    at.run()
    assert not at.exception
    message = alerts_text(at.error)
    assert "Could not load answers" in message and "not valid JSON" in message
    assert "Traceback" not in message
    assert at.selectbox(key="caffeine").value == "high"  # the answers are left as they were
    at.file_uploader(key="case_file").upload("unknown.json", b'{"cafeine": "high"}', "application/json")
    at.run()
    assert not at.exception
    assert "did you mean" in alerts_text(at.error)


def test_an_unexpected_error_becomes_a_friendly_message(monkeypatch):
    import model.analyses

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(model.analyses, "explain", broken)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "Something went wrong" in alerts_text(at.error) and "boom" not in alerts_text(at.error)


def test_streamlit_config_keys_are_valid():
    from streamlit import config

    config.get_config_options(force_reparse=True)
    expected = {"browser.gatherUsageStats": False, "server.address": "127.0.0.1", "server.headless": True,
                "server.maxUploadSize": 1, "client.showErrorDetails": "none",
                "server.enableXsrfProtection": True, "server.enableCORS": True}
    cwd = os.getcwd()
    try:
        os.chdir(Path(APP).parent)
        config.get_config_options(force_reparse=True)
        for key, value in expected.items():
            assert config.get_option(key) == value, key
    finally:
        os.chdir(cwd)
        config.get_config_options(force_reparse=True)


def test_overrides_that_no_longer_fit_the_priors_get_a_way_out():
    at = start()
    at.session_state["overrides"] = {"caffeine_effect.given.caffeine.extreme": 0.5}  # e.g. after the files changed
    at.run()
    assert not at.exception
    assert "cannot be ranked" in alerts_text(at.error)
    at.button(key="reset_priors").click().run()
    assert not at.exception and not at.error
    assert at.session_state["overrides"] == {} and "Self-care" in at.success[0].value


# ----------------------------------------------------------------------------- the analyses
SURE = "How sure is it?"


def test_answering_this_would_help_most_offers_three_one_click_questions():
    at = answer(start(), twitching="yes")
    expected = [q.input for q in rank({"twitching": "yes"}, detail=True).detail.next_questions[:3]]
    assert offered(at) == expected
    assert "weakness" in expected
    at.button(key="ask::weakness::progressive").click().run()
    assert not at.exception
    assert at.selectbox(key="weakness").value == "progressive"
    assert "Seek prompt medical evaluation" in at.error[0].value
    assert "weakness" not in offered(at)


def offered(at: AppTest) -> list[str]:
    """The inputs the one-click questions offer, in the order shown."""
    return list(dict.fromkeys(b.key.split("::")[1] for b in at.button if b.key and b.key.startswith("ask::")))


def test_what_if_says_how_likely_the_twitching_settles_and_warns_about_medicines():
    case = {"caffeine": "high", "ssri": "yes", "twitching": "yes"}
    at = answer(start(), **case)
    what_if = {w.input: w.twitching_stops for w in rank(case, detail=True).detail.what_if}
    assert set(what_if) == {"caffeine", "ssri"}
    shown = markdown_text(at)
    lines = [line.removeprefix("- ") for line in shown.splitlines() if line.startswith("- If you ")]
    assert len(lines) == 2
    caffeine = next(line for line in lines if "caffeine" in line)
    assert caffeine.startswith("If you cut out caffeine:") and natural_frequency(what_if["caffeine"]) in caffeine
    ssri = next(line for line in lines if "SSRI" in line)
    assert "Never stop or change a prescribed medicine without talking to your doctor" in ssri


def test_the_bars_carry_whiskers_and_a_how_sure_badge():
    case = {"caffeine": "high", "twitching": "yes"}
    at = answer(start(), **case)
    detailed = rank(case, detail=True)
    intervals = {c["id"]: c["interval"] for c in detailed.to_dict()["causes"]}
    chart = chart_data(at, 0)
    for cause, low, high, probability in zip(chart["id"], chart["low"], chart["high"], chart["probability"], strict=True):
        assert [low, high] == intervals[cause]
        assert low <= probability <= high
    badge = how_sure_line(detailed.detail.how_sure, load_ranker().priors.causes)
    assert badge.startswith("How sure:") and "Caffeine stays first" in badge
    assert badge in markdown_text(at)


def test_the_how_sure_tab_shows_turning_points_and_a_tornado():
    case = {"caffeine": "high", "stress": "high", "twitching": "yes"}
    at = answer(start(), **case)
    at.session_state["view"] = SURE
    at.run()
    assert not at.exception
    entries = sensitivity(load_ranker(), case)
    points = turning_points(entries, load_ranker().priors.causes)
    flips = [e for e in entries if e.top_changes_at is not None]
    shown = markdown_text(at)
    assert flips and len(points) >= len(flips) and all(p in shown for p in points)
    tornado = chart_data(at, 0)
    widths = list(tornado["high"] - tornado["low"])
    assert len(tornado) == 12 and widths == sorted(widths, reverse=True)
    assert list(tornado["prior"]) == [e.parameter for e in sorted(entries, key=lambda e: (-e.swing, e.parameter))[:12]]
