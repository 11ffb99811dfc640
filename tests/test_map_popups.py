"""geo.map.popups: an incident's popup and tooltip."""
from __future__ import annotations

from geo.records import Source
from geo.map import popup_html
from map_util import HOSTILE, fixture_incident


def test_popup_escapes_hostile_text_and_drops_javascript_links():
    evil = fixture_incident(location=HOSTILE[2], evidence=HOSTILE, actor1=HOSTILE[3], claimed_by=[HOSTILE[5]],
                     denied_by=[HOSTILE[6]], sub_event_type=HOSTILE[7],
                     sources=[Source("f.txt", "javascript:alert(3)", "<b onmouseover=alert(4)>t</b>", "2020-10-01"),
                              Source("g.txt", " JavaScript:alert(8)", "x", None),
                              Source("h.txt", "https://example.org/ok?a=1&b=\"2\"", "fine", None)])
    h = popup_html(evil)
    for tag in ("<script", "<img", "<b onmouseover", "<svg", "javascript:", "JavaScript:", "${", "`", "{{", "{%"):
        assert tag not in h
    assert "&lt;script&gt;" in h
    assert h.count("<a ") == 1 and 'href="https://example.org/ok?a=1&amp;b=&quot;2&quot;"' in h
    assert 'rel="noopener noreferrer"' in h


def test_popup_shows_every_field_and_every_source():
    i = fixture_incident(denied_by=["Armenia"], claimed_by=["Azerbaijan"], fatalities=3, injured=None, time_precision=2,
                  geo_precision=2, evidence=["One.", "Two.", "Three.", "Four."],
                  sources=[Source(f"{k}.txt", f"https://example.org/{k}", f"Title {k}", "2020-10-02")
                           for k in range(4)])
    h = popup_html(i)
    for text in ("Armed clash", "Battles", "2020-10-01", "precision: week", "Tartar", "approximate",
                 "Azerbaijan &rarr; Armenia", "Reported by: Azerbaijan", "Denied by: Armenia",
                 "3 killed, ? injured", "One.", "Three.", "+1 more", "Title 3"):
        assert text in h, text
    assert h.count("<a ") == 4
    assert "Casualties: not reported" in popup_html(fixture_incident())


def test_popup_shows_the_reason_escaped():
    i = fixture_incident(notes=f"trigger 'shelled' (attack); place {HOSTILE[1]} = Tartar; actor1 {HOSTILE[0]}")
    h = popup_html(i)
    assert "Why this incident:<ul class='reason'><li>trigger &#x27;shelled&#x27; (attack)</li>" in h
    assert "<li>place &lt;script&gt;alert(1)&lt;/script&gt; = Tartar</li>" in h
    assert "{{" not in h and "{%" not in h
    assert "Why this incident" not in popup_html(fixture_incident())
