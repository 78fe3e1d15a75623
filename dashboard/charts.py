"""The dashboard's charts (Altair), drawn to stay readable at any width, a 390-px phone included.

Each bar has its name and number written above it, from the left edge, instead of an axis
label beside it: a label column would take the whole width of a phone and push the bars
off the chart. Every bar carries its own description (what a screen reader announces, in
rank order), the chart gets a short accessible name, and the pages show the same rows as a
table.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

BAR = "#1d4ed8"  # 6.7:1 on white
INK = "#111827"
ROW_PX = 40  # each row: the name above, then its bar


def ranked_chart(rows: list[dict]) -> alt.LayerChart:
    """Causes highest first: a bar with a whisker for its 90% range, its name and chance above."""
    df = pd.DataFrame(rows, columns=["rank", "id", "name", "probability", "low", "high", "label", "description"])
    base = alt.Chart(df).encode(y=alt.Y("name:N", sort=alt.EncodingSortField("rank", order="ascending"), axis=None))
    x = alt.X("probability:Q", scale=alt.Scale(domain=[0, 1]), title=None,
              axis=alt.Axis(format="%", tickCount=5, labelColor=INK, domainColor=INK, tickColor=INK))
    bars = base.mark_bar(height=12, color=BAR).encode(x=x, description="description:N")
    whisker = base.mark_rule(color=INK, aria=False).encode(x="low:Q", x2="high:Q")
    names = base.mark_text(align="left", baseline="bottom", dy=-9, x=0, fontSize=13, color=INK,
                           aria=False).encode(text="label:N")
    return (bars + whisker + names).properties(height=alt.Step(ROW_PX), width="container")


def tornado_chart(rows: list[dict], top_chance: float) -> alt.LayerChart:
    """Each number swept across its range: a bar from the top cause's chance at one end to the
    other, its name above; the black line is the chance with the files' numbers."""
    df = pd.DataFrame(rows, columns=["name", "low", "high", "label", "changes"]).assign(order=range(len(rows)))
    df["description"] = [f"{i + 1}. {label} ({changes})" for i, (label, changes)
                         in enumerate(zip(df["label"], df["changes"], strict=True))]
    base = alt.Chart(df).encode(y=alt.Y("name:N", sort=alt.EncodingSortField("order"), axis=None))
    x = alt.X("low:Q", title=None, scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%", tickCount=5, labelColor=INK, domainColor=INK, tickColor=INK))
    bars = base.mark_bar(height=12, color=BAR).encode(x=x, x2="high:Q", description="description:N")
    names = base.mark_text(align="left", baseline="bottom", dy=-9, x=0, fontSize=12, color=INK, limit=1000,
                           aria=False).encode(text="label:N")
    line = alt.Chart(pd.DataFrame({"p": [top_chance]})).mark_rule(color="black", strokeDash=[4, 3],
                                                                   aria=False).encode(x="p:Q")
    return (bars + names + line).properties(height=alt.Step(ROW_PX), width="container")


TIMELINE_COLOURS = {"Twitching": "#1d4ed8", "No twitching": "#bfdbfe", "Trigger": "#b45309", "Usual": "#e5e7eb"}


def timeline_chart(rows: list[dict]) -> alt.Chart:
    """Logged days across, twitching and each everyday trigger down: a filled cell for what was
    logged, nothing for a day or an answer not logged."""
    df = pd.DataFrame(rows, columns=["day", "row", "order", "status", "description"])
    colours = alt.Scale(domain=list(TIMELINE_COLOURS), range=list(TIMELINE_COLOURS.values()))
    return alt.Chart(df).mark_rect().encode(
        x=alt.X("day:T", title=None, timeUnit="yearmonthdate",
                axis=alt.Axis(format="%d %b", labelColor=INK, domainColor=INK, tickColor=INK, labelAngle=0,
                              tickCount=6)),
        y=alt.Y("row:N", sort=alt.EncodingSortField("order"), title=None,
                axis=alt.Axis(labelColor=INK, labelLimit=120)),
        color=alt.Color("status:N", scale=colours, title=None,
                        legend=alt.Legend(orient="bottom", direction="horizontal", columns=2, labelColor=INK)),
        description="description:N",
    ).properties(height=alt.Step(22), width="container")


def strengths_chart(rows: list[dict]) -> alt.LayerChart:
    """Each trigger: this person's strength as a bar with its 90% interval, most people's as a
    black tick; the trigger, its cause and both numbers written above it in three lines (readable
    at 390 px). The axis ends a little past the largest interval, so small strengths show."""
    df = pd.DataFrame(rows, columns=["rank", "name", "personal", "low", "high", "population", "label", "description"])
    top = min(1.0, max([0.05, *df["high"], *df["population"]]) * 1.1)
    base = alt.Chart(df).encode(y=alt.Y("name:N", sort=alt.EncodingSortField("rank", order="ascending"), axis=None))
    x = alt.X("personal:Q", scale=alt.Scale(domain=[0, top]), title=None,
              axis=alt.Axis(format="%", tickCount=4, labelColor=INK, domainColor=INK, tickColor=INK))
    bars = base.mark_bar(height=12, color=BAR).encode(x=x, description="description:N")
    whisker = base.mark_rule(color=INK, aria=False).encode(x="low:Q", x2="high:Q")
    population = base.mark_tick(color="black", thickness=3, size=20, aria=False).encode(x="population:Q")
    names = base.mark_text(align="left", baseline="bottom", dy=-39, x=0, fontSize=12, color=INK, lineHeight=15,
                           lineBreak="\n", aria=False).encode(text="label:N")
    return (bars + whisker + population + names).properties(height=alt.Step(ROW_PX + 42), width="container")
