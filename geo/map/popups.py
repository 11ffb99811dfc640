"""An incident's popup and tooltip: every field, claim, denial, evidence sentence, source and the reason
(which trigger, date rule, place and actor rule made it), all escaped."""
from __future__ import annotations

from ..records import Incident, Source
from .html import esc, safe_url
from .style import COUNTRY_NAMES, PRECISION

__all__ = ["EVIDENCE_SHOWN", "popup_html", "tooltip_html"]


EVIDENCE_SHOWN = 3


def _source_html(s: Source) -> str:
    label = esc(s.title or s.file)
    url = safe_url(s.url)
    pub = f" ({esc(s.published)})" if s.published else ""
    if url:
        return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{label}</a>{pub}'
    return f"{label}{pub}"


def _casualties(i: Incident) -> str:
    if i.fatalities is None and i.injured is None:
        return "not reported"
    f = "?" if i.fatalities is None else str(i.fatalities)
    w = "?" if i.injured is None else str(i.injured)
    return f"{esc(f)} killed, {esc(w)} injured"


def popup_html(i: Incident) -> str:
    e = esc
    where = {1: "", 2: " (near; approximate)", 3: " (region; approximate)"}.get(i.geo_precision, " (approximate)")
    region = ", ".join(e(x) for x in (i.admin1, COUNTRY_NAMES.get(i.country or "", i.country)) if x)
    rows = [
        f"<b>{e(i.sub_event_type or i.event_type)}</b> &middot; {e(i.event_type)}",
        f"{e(i.event_date)} (precision: {PRECISION.get(i.time_precision, '?')})",
        f"{e(i.location)}{where}{' &middot; ' + region if region else ''}",
        f"Actors: {e(i.actor1 or 'unknown')} &rarr; {e(i.actor2 or 'unknown')}",
        f"Reported by: {e(', '.join(i.claimed_by) or 'not stated')}",
    ]
    if i.denied_by:
        rows.append(f"Denied by: {e(', '.join(i.denied_by))}")
    rows.append(f"Casualties: {_casualties(i)}")
    ev = "".join(f"<li>{e(s)}</li>" for s in i.evidence[:EVIDENCE_SHOWN])
    if ev:
        more = len(i.evidence) - EVIDENCE_SHOWN
        rows.append(f"Evidence:<ul class='evidence'>{ev}</ul>" + (f"(+{more} more sentences)" if more > 0 else ""))
    srcs = "".join(f"<li>{_source_html(s)}</li>" for s in i.sources)
    rows.append(f"Sources:<ul class='sources'>{srcs}</ul>" if srcs else "Sources: none recorded")
    reason = "".join(f"<li>{e(part)}</li>" for part in i.notes.split("; ") if part.strip())
    if reason:
        rows.append(f"Why this incident:<ul class='reason'>{reason}</ul>")
    return "<div class='incident-popup'>" + "<br>".join(rows) + "</div>"


def tooltip_html(i: Incident) -> str:
    return esc(f"{i.event_date} · {i.location}: {i.sub_event_type or i.event_type}")
