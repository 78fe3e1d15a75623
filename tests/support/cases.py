"""Case builders shared by the tests."""
from __future__ import annotations

# The no-trigger answer to every question: a full, quiet case that tests then change.
QUIET = {
    "caffeine": "none", "nicotine": "no", "stress": "low", "sleep": "good", "exertion": "moderate",
    "fluid_intake": "adequate", "diuretic": "no", "asthma_medication": "no", "ssri": "no",
    "prolonged_sitting": "no", "twitching": "yes", "twitch_duration": "days", "cramps": "no",
    "weakness": "none", "atrophy": "no", "numbness_tingling": "no", "persistent_pain": "no",
    "speech_swallowing": "no", "weight_loss": "no", "fever": "no",
    "alcohol": "none_or_light", "ppi": "no", "breathing": "no", "sudden_symptoms": "no",
}


def quiet(**changes) -> dict:
    """A fully answered case with no triggers and no symptom but twitching, then `changes`."""
    return {**QUIET, "age": "under_40", **changes}
