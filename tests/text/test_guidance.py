"""Plain-language guidance per cause (model/text/guidance.py and guidance.toml)."""
import re

import pytest

from model import InputError
from model.text.guidance import load_guidance


def test_every_ranked_cause_has_guidance(ranker):
    guidance = load_guidance(ranker.causes)
    assert list(guidance) == list(ranker.causes) and "systemic_illness" in guidance
    for g in guidance.values():
        assert len(g.what) > 80 and "  " not in g.what
        assert g.advice and all(tip.strip().endswith((".", ")")) for tip in g.advice)


def test_medicines_are_never_stopped_without_the_doctor(ranker):
    guidance = load_guidance(ranker.causes)
    for cause in ("medication_side_effect", "low_potassium", "low_magnesium"):
        assert any("Never stop a prescribed medicine without your doctor" in tip for tip in guidance[cause].advice)
    medicine = re.compile(r"medicine|diuretic|inhaler|antidepressant|SSRI", re.I)
    for g in guidance.values():
        for sentence in re.split(r"(?<=\.)\s+", " ".join(g.advice)):
            if re.search(r"\bstop", sentence, re.I) and medicine.search(sentence):
                assert re.search(r"never stop|do not stop|without your doctor", sentence, re.I), sentence


def test_the_high_priority_cause_is_described_calmly(ranker):
    text = load_guidance(ranker.causes)["neuromuscular_disease"].what
    assert "rare" in text and "very rarely" in text


def test_guidance_loader_refuses_a_malformed_file(tmp_path, ranker):
    bad = tmp_path / "guidance.toml"
    bad.write_text('[caffeine_effect]\nwhat = "Caffeine."\n')
    with pytest.raises(InputError, match=r"\[caffeine_effect\].*try"):
        load_guidance(path=bad)
    bad.write_text('[caffeine_effect]\nwhat = "Caffeine."\ntry = ["Less."]\n')
    with pytest.raises(InputError, match="missing causes"):
        load_guidance(ranker.causes, path=bad)
    with pytest.raises(InputError, match="unknown causes.*caffeine_effect"):
        load_guidance([], path=bad)
