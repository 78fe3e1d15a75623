"""The priors folder: every number backed, and every kind of malformed folder refused by name."""
import os
import re
from pathlib import Path

import numpy as np
import pytest

from model import PriorsError, load_ranker
from model.priors import load_priors


def test_every_number_has_a_rationale_a_source_and_a_range():
    priors = load_priors()
    assert len(priors.parameters) > 150
    for p in priors.parameters:
        assert p.rationale and p.source, p.id
        assert 0 <= p.low <= p.value <= p.high <= 1, p.id
        if p.judgement:
            assert p.low < p.high or p.value in (0.0, 1.0), f"{p.id}: a judgement needs a real range"


def test_every_vocabulary_node_is_in_the_priors():
    priors = load_priors()
    vocab = priors.vocabulary
    assert set(vocab.inputs) | set(vocab.causes) <= set(priors.nodes)
    for i in vocab.inputs.values():
        assert priors.nodes[i.id].states == i.states
    for c in vocab.causes:
        assert priors.nodes[c].states == ("absent", "present")


def edit(folder, name, old, new, count=1):
    path = folder / name
    text = path.read_text()
    assert old in text, f"fixture text not found in {name}: {old!r}"
    path.write_text(text.replace(old, new, count))


def refused(folder, *patterns):
    with pytest.raises(PriorsError) as err:
        load_priors(folder)
    for pattern in patterns:
        assert re.search(pattern, str(err.value)), (pattern, str(err.value))
    return str(err.value)


def test_broken_toml(priors_copy):
    edit(priors_copy, "causes.toml", "[caffeine_effect.baseline]", "[caffeine_effect.baseline")
    refused(priors_copy, r"^causes\.toml", "not valid TOML")


def test_missing_key(priors_copy):
    edit(priors_copy, "findings.toml", 'source = "Reed & Kurland 1963 (about 70% of healthy', 'sauce = "x', 1)
    refused(priors_copy, r"findings\.toml", r"twitching\.baseline", "missing key source")


def test_extra_key(priors_copy):
    edit(priors_copy, "causes.toml", "[caffeine_effect.baseline]\n", "[caffeine_effect.baseline]\nunit = 'x'\n")
    refused(priors_copy, r"causes\.toml", r"caffeine_effect\.baseline", "unknown key unit")


def test_probability_outside_zero_one(priors_copy):
    edit(priors_copy, "findings.toml", "[twitching.given.caffeine_effect]\nvalue = 0.8", "[twitching.given.caffeine_effect]\nvalue = 1.30")
    refused(priors_copy, r"findings\.toml", r"twitching\.given\.caffeine_effect", r"not a probability")


def test_value_outside_its_range(priors_copy):
    edit(priors_copy, "findings.toml", "[twitching.given.caffeine_effect]\nvalue = 0.8", "[twitching.given.caffeine_effect]\nvalue = 0.99")
    refused(priors_copy, r"twitching\.given\.caffeine_effect", "outside its range")


def test_distribution_not_summing_to_one(priors_copy):
    edit(priors_copy, "exposures.toml", "value = { none = 0.10, moderate = 0.80, high = 0.10 }",
         "value = { none = 0.10, moderate = 0.801, high = 0.10 }")
    refused(priors_copy, r"exposures\.toml", r"caffeine\.prior", "sum to 1")


def test_graded_finding_over_one(priors_copy):
    edit(priors_copy, "findings.toml", "value = { subjective = 0.25, progressive = 0.60 }",
         "value = { subjective = 0.45, progressive = 0.60 }")
    edit(priors_copy, "findings.toml", "range = { subjective = [0.15, 0.35], progressive = [0.45, 0.75] }",
         "range = { subjective = [0.15, 0.50], progressive = [0.45, 0.75] }")
    refused(priors_copy, r"weakness\.given\.neuromuscular_disease", "at most 1")


def test_unknown_parent(priors_copy):
    edit(priors_copy, "findings.toml", "[twitching.given.caffeine_effect]", "[twitching.given.cafeine_effect]")
    refused(priors_copy, r"findings\.toml", r"twitching\.given\.cafeine_effect", "unknown parent")


def test_cycle(priors_copy):
    edit(priors_copy, "causes.toml", "[calcium_imbalance.given.dehydration]",
         "[calcium_imbalance.given.dehydration]\nvalue = 0.02\nrange = [0.01, 0.05]\njudgement = true\n"
         "source = \"x\"\nrationale = \"x\"\n[dehydration.given.calcium_imbalance]")
    refused(priors_copy, r"causes\.toml", "cycle", "dehydration", "calcium_imbalance")


def test_missing_file(priors_copy):
    (priors_copy / "triage.toml").unlink()
    refused(priors_copy, r"triage\.toml", "missing")


def test_missing_vocabulary_node(priors_copy):
    text = (priors_copy / "causes.toml").read_text()
    start = text.index("[nicotine_effect]")
    end = text.index("[medication_side_effect]")
    (priors_copy / "causes.toml").write_text(text[:start] + text[end:])
    refused(priors_copy, r"causes\.toml", r"nicotine_effect", "missing")


def test_wrong_type_and_nan(priors_copy):
    edit(priors_copy, "findings.toml", "[twitching.given.caffeine_effect]\nvalue = 0.8", "[twitching.given.caffeine_effect]\nvalue = nan")
    refused(priors_copy, r"twitching\.given\.caffeine_effect", "not a probability")


def test_unknown_state(priors_copy):
    edit(priors_copy, "causes.toml", "[caffeine_effect.given.caffeine.high]", "[caffeine_effect.given.caffeine.huge]")
    refused(priors_copy, r"caffeine_effect\.given\.caffeine\.huge", "unknown state")


def test_triage_thresholds_in_order(priors_copy):
    edit(priors_copy, "triage.toml", "value = 0.0018\nrange = [0.001, 0.003]", "value = 0.05\nrange = [0.001, 0.1]")
    refused(priors_copy, r"triage\.toml", "must not exceed")


def test_an_edited_number_changes_the_ranking(priors_copy):
    before = load_ranker(priors_copy).rank({"caffeine": "high", "twitching": "yes"}).probability("caffeine_effect")
    edit(priors_copy, "causes.toml", "[caffeine_effect.given.caffeine.high]\nvalue = 0.12", "[caffeine_effect.given.caffeine.high]\nvalue = 0.06")
    after = load_ranker(priors_copy).rank({"caffeine": "high", "twitching": "yes"}).probability("caffeine_effect")
    assert after < before


def test_an_extra_cause_must_have_a_label(priors_copy):
    extra = ("\n[alcohol_effect]\nmodel = \"noisy_or\"\n[alcohol_effect.baseline]\nvalue = 0.05\nrange = [0.01, 0.1]\n"
             "judgement = true\nsource = \"x\"\nrationale = \"x\"\n")
    (priors_copy / "causes.toml").write_text((priors_copy / "causes.toml").read_text() + extra)
    refused(priors_copy, r"alcohol_effect", "needs a label")
    (priors_copy / "causes.toml").write_text((priors_copy / "causes.toml").read_text().replace(
        "[alcohol_effect]\nmodel", "[alcohol_effect]\nlabel = \"Alcohol\"\nmodel"))
    ranker = load_ranker(priors_copy)
    assert "alcohol_effect" in [c.id for c in ranker.rank({}).causes]


def test_the_fingerprint_follows_content_not_timestamps(priors_copy):
    from model.priors import fingerprint

    first = fingerprint(priors_copy)
    os.utime(priors_copy / "triage.toml")
    assert fingerprint(priors_copy) == first
    path = priors_copy / "triage.toml"
    path.write_text(path.read_text().replace("value = 0.03", "value = 0.04"))
    assert fingerprint(priors_copy) != first
    assert load_priors(priors_copy).fingerprint == fingerprint(priors_copy)


WEAKNESS_HEAD = '[weakness]\nmodel = "noisy_max"\norder = ["none", "subjective", "progressive"]\nreference = { age = "under_40" }'


def test_a_graded_finding_may_take_age_as_a_parent():
    """noisy_max with an input parent: each non-reference state gives one grade distribution."""
    from model.network import dense_tables

    priors = load_priors()
    node = priors.nodes["weakness"]
    ages = priors.nodes["age"].states
    assert "age" in node.parents and node.reference["age"] == ages.index("under_40")
    table = dense_tables(priors)["weakness"][0]  # (weakness, *parents)
    axis = 1 + node.parents.index("age")
    young, old = (np.take(table, ages.index(a), axis=axis) for a in ("under_40", "over_60"))
    causes_off = tuple(0 for p in node.parents if p != "age")
    prog = node.states.index("progressive")
    assert old[(prog, *causes_off)] > young[(prog, *causes_off)]
    np.testing.assert_allclose(table.sum(axis=0), 1.0)


def test_a_graded_input_parent_is_checked_like_any_other(priors_copy):
    edit(priors_copy, "findings.toml", WEAKNESS_HEAD, WEAKNESS_HEAD.replace('"under_40"', '"young"'))
    refused(priors_copy, r"findings\.toml", r"\[weakness\]\.reference\.age", "unknown state 'young'")


def test_a_graded_input_parent_needs_its_grades(priors_copy):
    edit(priors_copy, "findings.toml", "[weakness.given.age.over_60]\nvalue = { subjective = 0.08, progressive = 0.03 }",
         "[weakness.given.age.over_60]\nvalue = { subjective = 0.08 }")
    refused(priors_copy, r"weakness\.given\.age\.over_60\.value", "missing progressive")


def test_a_graded_input_parent_needs_a_reference(priors_copy):
    edit(priors_copy, "findings.toml", WEAKNESS_HEAD, WEAKNESS_HEAD.replace('\nreference = { age = "under_40" }', ""))
    refused(priors_copy, r"weakness\.given\.age", "needs a reference state")


def test_a_finding_takes_causes_and_age_only(priors_copy):
    block = ("[twitching.reference]\ncaffeine = \"none\"\n[twitching.given.caffeine.high]\nvalue = 0.2\n"
             "range = [0.1, 0.3]\njudgement = true\nsource = \"x\"\nrationale = \"x\"\n")
    text = (priors_copy / "findings.toml").read_text()
    start = text.index("[twitching.baseline]")
    (priors_copy / "findings.toml").write_text(text[:start] + block + text[start:])
    refused(priors_copy, r"findings\.toml", r"twitching\.given\.caffeine", "a finding's parents are causes",
            "link it to a cause")


def test_a_finding_cannot_be_a_parent(priors_copy):
    block = ("[caffeine_effect.given.cramps]\nvalue = 0.2\nrange = [0.1, 0.3]\njudgement = true\n"
             "source = \"x\"\nrationale = \"x\"\n")
    (priors_copy / "causes.toml").write_text((priors_copy / "causes.toml").read_text() + "\n" + block)
    refused(priors_copy, r"causes\.toml", r"caffeine_effect\.given\.cramps", "is a finding", "cannot be a parent")


def test_an_answer_cannot_have_a_cause_as_parent(priors_copy):
    block = ("[diuretic.given.low_potassium]\nvalue = 0.2\nrange = [0.1, 0.3]\njudgement = true\n"
             "source = \"x\"\nrationale = \"x\"\n")
    (priors_copy / "exposures.toml").write_text((priors_copy / "exposures.toml").read_text() + "\n" + block)
    refused(priors_copy, r"exposures\.toml", r"diuretic\.given\.low_potassium", "an answer's parents are other answers")


# ------------------------------------------------------------------ the files themselves (issue 11, item 14)


def test_a_byte_order_mark_is_accepted(priors_copy):
    path = priors_copy / "causes.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_priors(priors_copy).values.tolist() == load_priors().values.tolist()


@pytest.mark.parametrize("kind, words", [("fifo", "causes.toml: is a FIFO, not a file"),
                                         ("folder", "causes.toml: is a folder, not a file"),
                                         ("loop", "causes.toml: is a symbolic link loop, not a file"),
                                         ("dangling", "causes.toml: is a symbolic link to a missing file")])
def test_what_stands_where_a_file_should_be_is_named(priors_copy, kind, words):
    path = priors_copy / "causes.toml"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "loop":
        path.symlink_to(priors_copy / "other.link")
        (priors_copy / "other.link").symlink_to(path)
    else:
        path.symlink_to(priors_copy / "gone.toml.bak")
    message = refused(priors_copy, re.escape(words))
    assert "missing" not in message or kind == "dangling"


def test_permission_denied_is_said_so(priors_copy, monkeypatch):
    from model.priors import loader

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(loader, "_open_file", denied)
    refused(priors_copy, r"^exposures\.toml: cannot be read: permission denied$")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_said_to_be_so(priors_copy):
    (priors_copy / "triage.toml").chmod(0)
    refused(priors_copy, r"^triage\.toml: cannot be read: permission denied$")


def test_extra_toml_files_are_refused_by_name(priors_copy):
    (priors_copy / "README.md").write_text("notes are fine")
    (priors_copy / "extra_causes.toml").write_text("[x]\n")
    (priors_copy / "Old.TOML").write_text("")
    refused(priors_copy, r"^Old\.TOML, extra_causes\.toml: not a priors file", "remove or rename them")


def test_symlinks_are_followed_only_inside_the_folder(priors_copy, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (priors_copy / "triage.toml").rename(outside / "triage.toml")
    (priors_copy / "triage.toml").symlink_to(outside / "triage.toml")
    refused(priors_copy, r"^triage\.toml: is a symbolic link to .*elsewhere/triage\.toml, outside the priors folder")
    (priors_copy / "triage.toml").unlink()
    (priors_copy / "kept").mkdir()
    (outside / "triage.toml").rename(priors_copy / "kept" / "triage.toml")
    (priors_copy / "triage.toml").symlink_to(Path("kept") / "triage.toml")  # within the folder: fine
    assert load_priors(priors_copy).values.tolist() == load_priors().values.tolist()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(priors_copy):
    from model.priors.loader import MAX_FILE_BYTES

    path = priors_copy / "findings.toml"
    path.write_bytes(path.read_bytes() + b"# padding\n" * (MAX_FILE_BYTES // 10))
    refused(priors_copy, r"^findings\.toml: is [\d,]+ bytes, over the 1,048,576 bytes \(1 MiB\) a priors file may hold")


def test_the_diary_settings_are_backed_and_in_range():
    settings = load_priors().diary
    assert {"experience_days", "persisting_weeks", "experiment_effect", "experiment_probability"} <= set(settings)
    for s in settings.values():
        assert s.rationale and s.source and s.unit in ("days", "weeks", "share", "count"), s.id
        assert s.low <= s.value <= s.high, s.id
        if s.unit == "share":
            assert 0 <= s.low and s.high <= 1, s.id


@pytest.mark.parametrize("old, new, words", [
    ('unit = "weeks"', 'unit = "days"', [r"diary\.toml: \[persisting_weeks\]\.unit", "must be 'weeks'"]),
    ("[persisting_share]\nvalue = 0.5", "[persisting_share]\nvalue = 1.5", [r"\[persisting_share\]", "0 to 1"]),
    ("[experience_days]\nvalue = 10", "[experience_days]\nvalue = 50", [r"\[experience_days\]", "outside its range"]),
    ("[experiment_phases]", "[experiment_stages]", [r"diary\.toml", "experiment_phases|experiment_stages"]),
    ("[persisting_weeks]\nvalue = 3\n", "[persisting_weeks]\nvalue = -1\n", [r"\[persisting_weeks\]", "numbers from 0"]),
    ("[experiment_effect]\nvalue = 0.3\nrange = [0.2, 0.5]\n", "[experiment_effect]\nvalue = 0.3\nrange = [0.2, 1.5]\n",
     [r"\[experiment_effect\]", "0 to 1"]),
])
def test_a_bad_diary_setting_is_refused_by_name(priors_copy, old, new, words):
    edit(priors_copy, "diary.toml", old, new)
    refused(priors_copy, *words)

