"""A case as a file (model/readwrite/cases.py): what one surface saves, the others read."""
import pytest

from model import InputError, rank
from model.readwrite import MAX_CASE_BYTES, case_json, parse_case_json, read_case, read_case_file


def test_case_files_round_trip_and_saved_results_load(ranker):
    case = {"caffeine": "high", "twitching": "yes"}
    assert read_case(case_json(case).encode(), ranker.vocabulary) == case
    assert read_case(rank(case).to_json().encode(), ranker.vocabulary) == case


@pytest.mark.parametrize("raw, words", [
    (b"[1, 2]", "JSON object"), (b"\xff\xfe", "UTF-8"), (b'{"caffeine": 3}', "must be a string"),
    (b'{"caffeine": "lots"}', "valid states"), (b'{"caffeine": "high",', r"not valid JSON \(line 1"),
    (b"1" * 5000, "not valid JSON|JSON object"),
])
def test_bad_files_are_refused_with_the_reason(ranker, raw, words):
    with pytest.raises(InputError, match=words):
        read_case(raw, ranker.vocabulary)


def test_size_is_limited_before_parsing():
    with pytest.raises(InputError, match="larger than"):
        parse_case_json(b" " * (MAX_CASE_BYTES + 1))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="cannot read the case file"):
        read_case_file(str(tmp_path / "none.json"))
    good = tmp_path / "case.json"
    good.write_text('\ufeff{"twitching": "yes"}', encoding="utf-8")  # a byte-order mark is fine
    assert read_case_file(str(good)) == {"twitching": "yes"}


# ------------------------------------------------------------------ issue 11, item 7


@pytest.mark.parametrize("raw, key", [(b'{"atrophy": "yes", "atrophy": "no"}', "'atrophy'"),
                                      (b'{"twitching": "yes", "caffeine": "high", "twitching": "yes"}', "'twitching'"),
                                      (b'{"evidence": {"atrophy": "yes", "atrophy": "no"}, "causes": []}', "'atrophy'")])
def test_a_key_given_twice_is_refused_by_name(ranker, raw, key):
    with pytest.raises(InputError, match=f"the key {key} appears more than once"):
        read_case(raw, ranker.vocabulary)


def test_an_object_with_answers_beside_evidence_and_causes_is_not_read_as_a_saved_result(ranker):
    with pytest.raises(InputError, match="has the keys of a saved result .* but also 'atrophy'") as err:
        read_case(b'{"atrophy": "yes", "evidence": {}, "causes": []}', ranker.vocabulary)
    assert "a case only input ids" in str(err.value)
    with pytest.raises(InputError, match="'evidence' must be a JSON object"):
        read_case(b'{"evidence": ["atrophy"], "causes": []}', ranker.vocabulary)


def test_every_key_of_a_detailed_result_marks_a_saved_result(ranker):
    from model.ranking import RESULT_KEYS

    case = {"caffeine": "high", "twitching": "yes"}
    saved = rank(case, detail=True)
    assert set(saved.to_dict()) <= RESULT_KEYS
    assert read_case(saved.to_json().encode(), ranker.vocabulary) == case
