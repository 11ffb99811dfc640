"""The charts beside the map: incidents per day by event type, conservative fatalities per day, incidents by actor
(Altair; Streamlit bundles Vega, no CDN)."""
from __future__ import annotations

from datetime import date, timedelta

from .selection import Selection
from .style import TYPE_STYLE, style_of

__all__ = ["timeline_chart", "fatalities_chart", "actors_chart", "regions_chart"]


def _days(sel: Selection):
    """Every day of the filter's range, at least a week, so that the charts of one range line up day by day."""
    import altair as alt

    f = sel.filters
    days = sel.table.day[sel.idx]
    start = f.start or (str(days.min()) if len(days) else None)
    end = f.end or (str(days.max()) if len(days) else None)
    x_days = alt.Undefined
    if start and end:  # every day of the range gets its slot, empty or not; at least a week
        lo, hi = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
        pad = max(0, 7 - ((hi - lo).days + 1))
        lo, hi = lo - timedelta(days=pad // 2), hi + timedelta(days=pad - pad // 2)
        x_days = [(lo + timedelta(days=k)).isoformat() for k in range((hi - lo).days + 1)]
    return alt.X("day:O", title=None, scale=alt.Scale(domain=x_days, paddingInner=0.15),
                 axis=alt.Axis(labelExpr="utcFormat(toDate(datum.value), '%b %d')", labelAngle=0,
                               labelOverlap="parity", ticks=False))


def timeline_chart(sel: Selection, height: int = 200):
    """Stacked bars of incidents per day by event type."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(sel.per_day(), columns=["day", "event_type", "incidents"])
    present = set(df["event_type"])
    domain = [t for t in TYPE_STYLE if t in present] + sorted(present - set(TYPE_STYLE))
    colors = [style_of(t)[0] for t in domain]
    return alt.Chart(df).mark_bar().encode(
        x=_days(sel),
        y=alt.Y("sum(incidents):Q", title="incidents", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("event_type:N", scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=0, labelFontSize=10,
                                          symbolSize=60)),
        tooltip=["day:N", "event_type:N", "incidents:Q"],
    ).properties(height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def fatalities_chart(sel: Selection, height: int = 140):
    """Conservative reported fatalities per day: the headline's figure, day by day (Selection.counted)."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(sel.fatalities_per_day(), columns=["day", "fatalities"])
    return alt.Chart(df).mark_bar(color="#7b241c").encode(
        x=_days(sel), y=alt.Y("fatalities:Q", title="fatalities", axis=alt.Axis(tickMinStep=1)),
        tooltip=["day:N", "fatalities:Q"],
    ).properties(height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def actors_chart(sel: Selection, top: int = 8):
    """Incidents by actor, acting or targeted, the ``top`` most frequent (an incident counts for each of its two)."""
    return _ranked(sel.per_actor()[:top], "actor", "#566573")


def regions_chart(sel: Selection, top: int = 8):
    """Incidents by region (the place's first-level area), the ``top`` most frequent."""
    return _ranked(sel.per_region()[:top], "region", "#7d6608")


def _ranked(rows: list[dict], name: str, color: str):
    """Horizontal bars of incidents per `name`, most first."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(rows, columns=[name, "incidents"])
    return alt.Chart(df).mark_bar(color=color).encode(
        y=alt.Y(f"{name}:N", title=None, sort="-x", axis=alt.Axis(labelLimit=160)),
        x=alt.X("incidents:Q", title="incidents", axis=alt.Axis(tickMinStep=1)),
        tooltip=[f"{name}:N", "incidents:Q"],
    ).properties(height=max(60, 22 * len(df)), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
