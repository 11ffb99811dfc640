"""geo.map.html: all escaping."""
from __future__ import annotations

import json

from geo.records import Source
from geo.map import build_map, esc, js_json, tooltip_html
from map_util import HOSTILE, fixture_incident, page_rows, render


def test_esc_neutralises_html_and_js_template_syntax():
    for s in HOSTILE:
        out = esc(s)
        for c in '<>`$\\"\'{}':
            assert c not in out, (s, c)


def test_js_json_round_trips_without_markup_or_template_syntax():
    data = {"rows": [[1.5, "</script><b>'&'</b>", "{{ 6*7 }}", "{% if 1 %}", "{# c #}"]], "n": {"m": None}}
    out = js_json(data)
    assert json.loads(out) == data
    for bad in ("<", ">", "&", "'", "{{", "{%", "{#"):
        assert bad not in out, bad


def test_article_text_is_not_evaluated_as_a_template_on_the_server():
    html = render(build_map([fixture_incident(location="{{ 6*7 }}", evidence=["{% for x in [1, 2] %}X{% endfor %}"])]))
    row = page_rows(html)[0]
    assert "&#123;&#123; 6*7 &#125;&#125;" in row[7] and "42" not in row[7]
    assert "&#123;% for x in [1, 2] %&#125;X" in row[8] and "XX" not in row[8]


def test_rendered_map_never_carries_raw_hostile_text():
    evil = fixture_incident(location=HOSTILE[1], evidence=HOSTILE, sub_event_type=HOSTILE[6], actor1=HOSTILE[7],
                     sources=[Source("f", "javascript:alert(1)", HOSTILE[1], None)])
    html = render(build_map([evil]))
    body = html.split("<body>", 1)[1]
    for s in HOSTILE:
        assert s not in body
    assert "onerror=alert(2)>" not in body and "<img" not in body and "</script><script>" not in body
    assert "42" not in page_rows(html)[0][8]
    assert "javascript:" not in body
    assert "L.popup(" not in html and "bindTooltip(`" not in html  # no folium Popup/Tooltip template literals
    row = page_rows(html)[0]
    assert "&lt;script&gt;" in row[8] and row[7] == tooltip_html(evil)
