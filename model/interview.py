"""The guided interview: warning signs first, then the questions that matter, and when to stop.

Screens come in this order, each shown once:

1. **emergency**: the answers that on their own mean calling the emergency number
   (triage rules at the emergency level, e.g. sudden weakness or slurred speech). A "yes"
   ends the interview at once: the result says what to do, now.
2. **warning signs**: every answer that on its own means a prompt evaluation (the
   prompt-level triage rules), on one checklist screen, each yes / no / not sure.
3. **core**: twitching, age and how long it has gone on, one per screen, if not answered.
4. **adaptive**: one question per screen, the unanswered input with the largest expected
   information gain (model.analyses.questions) among those that could still matter.

The stop rule. A question *could matter* when some answer to it that has a chance of at
least `MATTERS_IF_LIKELY` given the answers so far would change the triage level or the most
likely cause. The interview stops when no unanswered question could matter, or after
`MAX_ADAPTIVE` adaptive questions. Every term is exact: one engine call ranks every answer
to every open question.

"Not sure" is an answer too: the question was asked and its input stays unknown (left
out of the case, never read as "no"), so it is not asked again.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from .analyses import next_questions
from .evidence import validate_case
from .ranking import BaseRanker
from .triage import EMERGENCY, PROMPT, RULES, triage_levels

CORE = ("twitching", "age", "twitch_duration")
MATTERS_IF_LIKELY = 0.05
MAX_ADAPTIVE = 8
EMERGENCY_SCREEN, WARNING_SCREEN, QUESTION_SCREEN, RESULT_SCREEN = "emergency", "warning_signs", "question", "result"


def rule_inputs(level: int) -> tuple[str, ...]:
    """The inputs with a triage rule at `level`, in rule order (each once)."""
    return tuple(dict.fromkeys(r.input for r in RULES if r.level == level))


@dataclass(frozen=True)
class Screen:
    """What the person sees next: its kind, the questions on it, and why it comes now."""

    kind: str  # emergency, warning_signs, question, result
    inputs: tuple[str, ...] = ()
    why: str = ""


@dataclass(frozen=True)
class Interview:
    """The interview's state: the answers given and the screens answered (for Back).

    Immutable: `answer` and `back` return a new Interview. The dashboard keeps one in its
    session and ranks `interview.answers`, so what is shown, saved and ranked are the same.
    """

    ranker: BaseRanker = field(repr=False, compare=False)
    answers: Mapping[str, str] = field(default_factory=dict)  # only real answers (no "not sure")
    done: tuple[tuple[str, ...], ...] = ()  # the screens answered, in order
    reopened: tuple[str, ...] | None = None  # a screen brought back by Back

    @property
    def asked(self) -> frozenset[str]:
        """Every input that has been on an answered screen (answered or "not sure")."""
        return frozenset(i for screen in self.done for i in screen)

    @property
    def warning_signs_open(self) -> tuple[str, ...]:
        """Emergency and warning-sign questions not asked yet, in rule order."""
        return tuple(i for i in rule_inputs(EMERGENCY) + rule_inputs(PROMPT)
                     if i not in self.asked and i not in self.answers)

    @property
    def emergency(self) -> bool:
        return any(self.answers.get(r.input) == r.state for r in RULES if r.level == EMERGENCY)

    @property
    def adaptive_asked(self) -> int:
        fixed = set(rule_inputs(EMERGENCY) + rule_inputs(PROMPT) + CORE)
        return sum(1 for screen in self.done if not set(screen) <= fixed)

    def current(self) -> Screen:
        """The screen to show now."""
        if self.reopened is not None:
            return _fixed_screen(self.reopened)
        if self.emergency:
            return Screen(RESULT_SCREEN, why="an answer means calling the emergency number now")
        for level, kind, why in ((EMERGENCY, EMERGENCY_SCREEN, "first, the signs that need help now"),
                                 (PROMPT, WARNING_SCREEN, "next, the warning signs")):
            open_ = tuple(i for i in rule_inputs(level) if i not in self.asked and i not in self.answers)
            if open_:
                return Screen(kind, open_, why)
        for core in CORE:
            if core not in self.asked and core not in self.answers:
                return Screen(QUESTION_SCREEN, (core,), "what matters most for every cause")
        if self.adaptive_asked >= MAX_ADAPTIVE:
            return Screen(RESULT_SCREEN, why=f"{MAX_ADAPTIVE} questions after the first ones")
        best = next_to_ask(self.ranker, self.answers, self.asked)
        if best is None:
            return Screen(RESULT_SCREEN, why="no other question could change the advice or the most likely cause")
        return Screen(QUESTION_SCREEN, (best,), "the question that would tell the most now")

    def answer(self, given: Mapping[str, str | None]) -> Interview:
        """Answers to the current screen's questions (None = "not sure"); a question of the screen
        left out of `given` counts as "not sure". Invalid states are refused (InputError)."""
        screen = self.current()
        if screen.kind == RESULT_SCREEN:
            return self
        stray = sorted(set(given) - set(screen.inputs))
        if stray:
            raise ValueError(f"not on this screen: {', '.join(stray)}; it asks {', '.join(screen.inputs)}")
        real = validate_case({k: v for k, v in given.items() if v is not None}, self.ranker.vocabulary)
        answers = {k: v for k, v in self.answers.items() if k not in screen.inputs}
        answers.update(real)
        return replace(self, answers=answers, done=(*self.done, screen.inputs), reopened=None)

    def back(self) -> Interview:
        """The previous screen again, its answers kept until they are changed."""
        if self.reopened is not None:
            done = self.done
            if not done:
                return self
            return replace(self, done=done[:-1], reopened=done[-1])
        if not self.done:
            return self
        return replace(self, done=self.done[:-1], reopened=self.done[-1])

    def upcoming(self, n: int = 3) -> tuple[str, ...]:
        """The next `n` questions this interview would put, in the order it would put them,
        each assumed answered "not sure" (what one-click suggestions beside a full form offer:
        warning signs first, then the core questions, then those that could still matter)."""
        out: list[str] = []
        interview = self
        while len(out) < n:
            screen = interview.current()
            if screen.kind == RESULT_SCREEN:
                break
            out.extend(i for i in screen.inputs if i not in out)
            interview = interview.answer({})
        return tuple(out[:n])

    @property
    def progress(self) -> tuple[int, int]:
        """(screens answered, an estimate of all the screens): the fixed screens plus the
        adaptive questions asked, and at most MAX_ADAPTIVE more."""
        fixed = sum(1 for level in (EMERGENCY, PROMPT) if rule_inputs(level)) + len(CORE)
        estimate = fixed + min(MAX_ADAPTIVE, max(self.adaptive_asked + 3, 5))
        return len(self.done), max(estimate, len(self.done) + (self.current().kind != RESULT_SCREEN))


def _fixed_screen(inputs: tuple[str, ...]) -> Screen:
    if set(inputs) <= set(rule_inputs(EMERGENCY)):
        return Screen(EMERGENCY_SCREEN, inputs, "first, the signs that need help now")
    if set(inputs) <= set(rule_inputs(PROMPT)):
        return Screen(WARNING_SCREEN, inputs, "the warning signs")
    return Screen(QUESTION_SCREEN, inputs, "back to this question")


@dataclass(frozen=True)
class Impact:
    """What answering one open question could do, given the answers so far."""

    input: str
    could_matter: bool  # some answer with chance >= MATTERS_IF_LIKELY changes the level or the top cause
    changes: tuple[str, ...]  # those answers


def impacts(ranker: BaseRanker, answers: Mapping[str, str], candidates: list[str]) -> list[Impact]:
    """For each candidate input: which of its likely answers would change the triage level or
    the most likely cause (one batched engine call for every answer to every candidate)."""
    evidence = dict(answers)
    rows = [evidence] + [{**evidence, q: s} for q in candidates for s in ranker.vocabulary.inputs[q].states]
    post = ranker.engine.infer(ranker.engine.encode(rows))
    probs = np.nan_to_num(ranker.present(post))
    hp = probs[:, ranker.causes.index(ranker.high_priority)]
    states = {i: spec.states for i, spec in ranker.vocabulary.inputs.items()}
    levels = triage_levels(ranker.engine.encode(rows), ranker.engine.column, states, hp,
                           ranker.threshold("prompt_evaluation_above"), ranker.threshold("see_doctor_above"))
    ids = np.array(ranker.causes)
    tops = [ids[np.lexsort((ids, -row))[0]] for row in probs]  # highest first, ties by id
    out, row = [], 1
    for q in candidates:
        k = len(ranker.vocabulary.inputs[q].states)
        with np.errstate(invalid="ignore", over="ignore"):
            chance = np.exp(post.log_evidence[row:row + k] - post.log_evidence[0])
        chance = np.where(np.isfinite(chance), chance, 0.0)
        changes = tuple(ranker.vocabulary.inputs[q].states[j] for j in range(k)
                        if chance[j] >= MATTERS_IF_LIKELY and not post.impossible[row + j]
                        and (levels[row + j] != levels[0] or tops[row + j] != tops[0]))
        out.append(Impact(q, bool(changes), changes))
        row += k
    return out


def next_to_ask(ranker: BaseRanker, answers: Mapping[str, str], asked: frozenset[str] = frozenset()) -> str | None:
    """The open question with the largest information gain among those that could matter, or
    None when none could (the stop rule)."""
    candidates = [q.input for q in next_questions(ranker, answers) if q.input not in asked]
    if not candidates:
        return None
    matters = {i.input for i in impacts(ranker, answers, candidates) if i.could_matter}
    return next((q for q in candidates if q in matters), None)
