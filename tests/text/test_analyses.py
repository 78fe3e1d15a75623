"""The analyses in plain words (model/text/analyses.py)."""
from model import rank
from model.analyses import SensitivityEntry, WhatIf
from model.formatting import natural_frequency, percent
from model.text import how_sure_line, turning_points, what_if_lines


def test_what_if_lines_say_the_chance_strongest_first_and_guard_medicines():
    lines = what_if_lines([WhatIf("caffeine", "high", "none", 0.3), WhatIf("ssri", "yes", "no", 0.6),
                           WhatIf("exertion", "intense", "moderate", 0.0)])
    assert lines[0].startswith("If you were not taking the SSRI: " + natural_frequency(0.6))
    assert "Never stop or change a prescribed medicine" in lines[0]
    assert lines[1] == f"If you cut out caffeine: {natural_frequency(0.3)} chance the twitching settles."
    assert "would not change the twitching" in lines[2]


def test_how_sure_line_names_the_top_cause_and_both_shares(ranker):
    sure = rank({"caffeine": "high", "twitching": "yes"}, detail=True).detail.how_sure
    line = how_sure_line(sure, ranker.priors.causes)
    assert line.startswith("How sure: ") and "Caffeine stays first in " + percent(sure.top_stays_first) in line
    assert f"of {sure.draws:,} plausible settings" in line and percent(sure.triage_stays) in line


def test_turning_points_only_for_numbers_that_change_something(ranker):
    entries = [SensitivityEntry("a.b", 0.3, (0.1, 0.5), True, "caffeine_effect", 0.6, 0.7, 0.0, 0.0),
               SensitivityEntry("c.d", 0.3, (0.1, 0.5), True, "caffeine_effect", 0.6, 0.4, 0.0, 0.0,
                                top_changes_at=0.45, new_top="stress_anxiety"),
               SensitivityEntry("e.f", 0.005, (0.002, 0.01), True, "caffeine_effect", 0.6, 0.6, 0.0, 0.0,
                                triage_changes_at=0.003, new_triage="see_doctor")]
    lines = turning_points(entries, ranker.priors.causes)
    assert len(lines) == 2
    assert lines[0] == "`c.d` at 0.45 instead of 0.3 would put stress or anxiety first (range 0.1 to 0.5)."
    assert lines[1].endswith("would change the advice to see doctor (range 0.002 to 0.01).")


def test_turning_points_use_readable_names_when_given(ranker):
    entry = SensitivityEntry("c.d", 0.3, (0.1, 0.5), True, "caffeine_effect", 0.6, 0.4, 0.0, 0.0,
                             top_changes_at=0.45, new_top="stress_anxiety")
    (line,) = turning_points([entry], ranker.priors.causes, names={"c.d": "Caffeine, from coffee"})
    assert line.startswith('"Caffeine, from coffee" at 0.45 instead of 0.3') and "c.d" not in line


def test_what_if_lines_within_1e_12_are_tied_and_ordered_by_input():
    lines = what_if_lines([WhatIf("stress", "high", "low", 0.3 + 1e-16), WhatIf("caffeine", "high", "none", 0.3)])
    assert lines[0].startswith("If you cut out caffeine") and lines[1].startswith("If you brought your stress")
