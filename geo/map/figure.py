"""What the app shows, as plain functions: filtering, popups, the folium map, the timeline and the exports.

Kept out of `app.py` so that everything handed to Streamlit can be tested without a browser.
All article text is escaped here: it is untrusted. It reaches the page only as JSON (:func:`js_json`)
holding HTML escaped by :func:`esc`, or as ``textContent``; never through folium's Popup/Tooltip,
whose JS template literals evaluate ``${...}``, and never through branca's second Jinja pass over
rendered scripts, which would evaluate ``{{ ... }}`` on the server (see :func:`_add_script`).
"""
from __future__ import annotations

import csv
import functools
import html
import io
import json
import math
import re
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template

from .export import feature_collection, incident_from_feature
from .offline import add_attribution, localize
from .records import Incident, Source

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "data" / "basemap.geojson"
THEATRES = Path(__file__).resolve().parent / "data" / "theatres"

TYPE_STYLE = {
    "Battles": ("#c0392b", "crosshairs"),
    "Explosions/Remote violence": ("#d35400", "bomb"),
    "Violence against civilians": ("#8e44ad", "user"),
    "Protests": ("#27ae60", "bullhorn"),
    "Riots": ("#f39c12", "fire"),
    "Strategic developments": ("#2c3e50", "flag"),
}
OTHER_STYLE = ("#7f8c8d", "circle-info")
SHORT_TYPE = {"Battles": "Battles", "Explosions/Remote violence": "Explosions", "Violence against civilians":
              "On civilians", "Protests": "Protests", "Riots": "Riots", "Strategic developments": "Strategic"}
MARKER_LIMIT = 5000  # above this many incidents the map shows aggregated cells, not one marker each
MAX_CELLS = 1500  # the aggregation grid coarsens until it has at most this many cells
CELL_SIZES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)  # degrees; 0 = one cell per place
EVIDENCE_SHOWN = 3
PRECISION = {1: "day", 2: "week", 3: "month"}
CLAIMED = "claimed"
COUNTRY_NAMES = {"AZ": "Azerbaijan", "AM": "Armenia", "GE": "Georgia", "IR": "Iran", "TR": "Turkey",
                 "RU": "Russia"}
ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                 "source", "notes", "fatalities"]
EXTRA_COLUMNS = ["claimed_by", "denied_by", "injured", "source_urls"]

_INERT_CHARS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_NAME_RE = re.compile(r"[^a-z0-9-]")


def esc(text) -> str:
    """HTML-escape, also turning ` $ \\ { } into entities: inert inside a JS template literal or a Jinja template."""
    return html.escape(str(text), quote=True).translate(_INERT_CHARS)


_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def js_json(data) -> str:
    """JSON for a <script>: like Jinja's |tojson (<, >, &, ' escaped), and with no '{{', '{%' or '{#'.

    branca compiles every rendered script as a Jinja template once more (MacroElement.render), so
    text like '{{ 6*7 }}' in an article would otherwise be evaluated on the server. Structural JSON
    never puts '{' before '{', '%' or '#', so each match is inside a string, where \\u007b is valid.
    """
    s = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("'", "\\u0027")
    return _JINJA_OPEN.sub(r"\\u007b", s)


def style_of(event_type: str | None) -> tuple[str, str]:
    return TYPE_STYLE.get(event_type or "", OTHER_STYLE)


@dataclass(frozen=True)
class Filters:
    start: str | None = None
    end: str | None = None
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    casualties_only: bool = False
    place: str = ""

    def as_dict(self) -> dict:
        d = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-insensitive form for the place search (Azerbaijani schwa folds to 'a')."""
    from unidecode import unidecode
    return unidecode(text.replace("ə", "a").replace("Ə", "A").replace("ǝ", "a")).casefold().strip()


def _codes(values: list[str]) -> tuple[list[str], np.ndarray]:
    names = sorted(set(values))
    index = {v: k for k, v in enumerate(names)}
    return names, np.fromiter((index[v] for v in values), dtype=np.int32, count=len(values))


class IncidentTable:
    """The incidents of one database load as columns, so that a filter change costs milliseconds at 100k.

    Built once per load (the app caches it); treat it as immutable.
    """

    def __init__(self, incidents: list[Incident]):
        self.incidents = list(incidents)
        incs = self.incidents
        n = len(incs)
        self.day = np.array([i.event_date[:10] for i in incs], dtype="datetime64[D]") if n else \
            np.array([], dtype="datetime64[D]")
        self.lat = np.fromiter((i.lat for i in incs), dtype=np.float64, count=n)
        self.lon = np.fromiter((i.lon for i in incs), dtype=np.float64, count=n)
        self.fatalities = np.fromiter((i.fatalities or 0 for i in incs), dtype=np.int64, count=n)
        self.injured = np.fromiter((i.injured or 0 for i in incs), dtype=np.int64, count=n)
        self.type_names, self.type_code = _codes([i.event_type or "" for i in incs])
        actor_names, codes = _codes([i.actor1 or "" for i in incs] + [i.actor2 or "" for i in incs])
        self.actor_names = actor_names
        self.actor1, self.actor2 = codes[:n], codes[n:]
        self.location_names, self.location_code = _codes([i.location or "" for i in incs])
        claims: dict[str, list[int]] = {}
        for k, i in enumerate(incs):
            for c in dict.fromkeys(i.claimed_by):
                claims.setdefault(c, []).append(k)
        self.claimant_index = {c: np.array(ks, dtype=np.int64) for c, ks in claims.items()}

    def __len__(self) -> int:
        return len(self.incidents)

    def bounds(self, bbox: list[float] | None = None, pad: float = 0.25,
               min_span: tuple[float, float] = (1.6, 2.6)) -> list[list[float]] | None:
        """[[south, west], [north, east]] of the incidents inside bbox (west, south, east, north).

        Padded, and at least min_span (degrees of latitude, longitude) so a few incidents keep their context.
        """
        keep = np.ones(len(self), dtype=bool)
        if bbox:
            w, s, e, n = bbox
            keep = (self.lon >= w) & (self.lon <= e) & (self.lat >= s) & (self.lat <= n)
        if not keep.any():
            return None
        lat, lon = self.lat[keep], self.lon[keep]
        (s, n), (w, e) = ((float(a.min()) - pad, float(a.max()) + pad) for a in (lat, lon))
        grow_lat, grow_lon = max(0.0, min_span[0] - (n - s)) / 2, max(0.0, min_span[1] - (e - w)) / 2
        return [[s - grow_lat, w - grow_lon], [n + grow_lat, e + grow_lon]]

    def date_range(self) -> tuple[date, date] | None:
        if not len(self):
            return None
        return self.day.min().astype(date), self.day.max().astype(date)

    def actors(self) -> list[str]:
        return [a for a in self.actor_names if a]

    def event_types(self) -> list[str]:
        return [t for t in self.type_names if t]

    def claimants(self) -> list[str]:
        return sorted(self.claimant_index)

    def _in(self, names: list[str], values: tuple[str, ...]) -> np.ndarray:
        values = set(values)
        wanted = [k for k, v in enumerate(names) if v in values]
        return np.asarray(wanted, dtype=np.int32)

    def mask(self, f: Filters) -> np.ndarray:
        keep = np.ones(len(self), dtype=bool)
        if f.start:
            keep &= self.day >= np.datetime64(f.start[:10], "D")
        if f.end:
            keep &= self.day <= np.datetime64(f.end[:10], "D")
        if f.actors:
            wanted = self._in(self.actor_names, f.actors)
            keep &= np.isin(self.actor1, wanted) | np.isin(self.actor2, wanted)
        if f.event_types:
            keep &= np.isin(self.type_code, self._in(self.type_names, f.event_types))
        if f.claimants:
            claimed = np.zeros(len(self), dtype=bool)
            for c in f.claimants:
                claimed[self.claimant_index.get(c, np.array([], dtype=np.int64))] = True
            keep &= claimed
        if f.casualties_only:
            keep &= (self.fatalities > 0) | (self.injured > 0)
        query = fold(f.place or "")
        if query:
            hits = [k for k, name in enumerate(self.location_names) if query in fold(name)]
            keep &= np.isin(self.location_code, np.asarray(hits, dtype=np.int32))
        return keep

    def select(self, f: Filters) -> Selection:
        return Selection(self, np.flatnonzero(self.mask(f)), f)


@dataclass
class Selection:
    """The incidents passing a filter: indices into an IncidentTable."""

    table: IncidentTable
    idx: np.ndarray
    filters: Filters = field(default_factory=Filters)

    def __len__(self) -> int:
        return len(self.idx)

    @functools.cached_property
    def incidents(self) -> list[Incident]:
        incs = self.table.incidents
        return [incs[k] for k in self.idx.tolist()]

    def counts(self) -> dict:
        t, k = self.table, self.idx
        types = np.bincount(t.type_code[k], minlength=len(t.type_names)) if len(k) else []
        return {
            "incidents": int(len(k)),
            "fatalities": int(t.fatalities[k].sum()),
            "injured": int(t.injured[k].sum()),
            "places": int(len(np.unique(t.location_code[k]))),
            "days": int(len(np.unique(t.day[k]))),
            "by_event_type": {t.type_names[c]: int(v) for c, v in enumerate(types) if v},
        }

    def per_day(self) -> list[dict]:
        """Incidents per day and event type, for the timeline."""
        t, k = self.table, self.idx
        pairs = Counter(zip(t.day[k].astype(str).tolist(), t.type_code[k].tolist()))
        return [{"day": d, "event_type": t.type_names[c], "incidents": v} for (d, c), v in sorted(pairs.items())]


def filter_incidents(incidents: list[Incident], f: Filters) -> list[Incident]:
    return IncidentTable(incidents).select(f).incidents


def actors_of(incidents: list[Incident]) -> list[str]:
    return sorted({a for i in incidents for a in (i.actor1, i.actor2) if a})


def as_selection(data) -> Selection:
    if isinstance(data, Selection):
        return data
    table = IncidentTable(list(data))
    return Selection(table, np.arange(len(table)))


def _safe_url(url: str | None) -> str | None:
    """Only http(s) links survive: a 'javascript:' URL in an article must never become a link."""
    if not url:
        return None
    u = urlparse(url.strip())
    return url.strip() if u.scheme in ("http", "https") and u.netloc else None


def _source_html(s: Source) -> str:
    label = esc(s.title or s.file)
    url = _safe_url(s.url)
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
    return "<div class='incident-popup'>" + "<br>".join(rows) + "</div>"


def tooltip_html(i: Incident) -> str:
    return esc(f"{i.event_date} · {i.location}: {i.sub_event_type or i.event_type}")


def marker_size(casualties: int) -> int:
    """Icon diameter in pixels: grows with the square root of the toll, capped."""
    return int(22 + min(22, 4 * math.sqrt(max(0, casualties))))


def incident_rows(sel: Selection) -> list[list]:
    rows = []
    for i in sel.incidents:
        color, icon = style_of(i.event_type)
        size = marker_size((i.fatalities or 0) + (i.injured or 0))
        rows.append([round(i.lat, 5), round(i.lon, 5), 1, color, icon, size, int(i.geo_precision > 1),
                     tooltip_html(i), popup_html(i)])
    return rows


@dataclass
class Cell:
    lat: float
    lon: float
    count: int
    fatalities: int
    injured: int
    first: str
    last: str
    by_type: dict[str, int]
    places: list[tuple[str, int]]


def aggregate(sel: Selection, max_cells: int = MAX_CELLS) -> tuple[list[Cell], float]:
    """Incidents binned on the finest lat/lon grid (from exact places up) with at most max_cells cells.

    Returns the cells (at the mean position of their incidents) and the cell size in degrees.
    """
    t, k = sel.table, sel.idx
    if not len(k):
        return [], 0.0
    lat, lon = t.lat[k], t.lon[k]
    for size in CELL_SIZES:
        if size == 0:
            key = np.round(lat, 3) * 1e7 + np.round(lon + 180, 3)
        else:
            key = np.floor((lat + 90) / size) * 1e7 + np.floor((lon + 180) / size)
        keys, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
        if len(keys) <= max_cells:
            break
    n = len(keys)
    mlat = np.bincount(inv, weights=lat, minlength=n) / counts
    mlon = np.bincount(inv, weights=lon, minlength=n) / counts
    fat = np.bincount(inv, weights=t.fatalities[k], minlength=n)
    inj = np.bincount(inv, weights=t.injured[k], minlength=n)
    ntypes = len(t.type_names)
    by_type = np.bincount(inv * ntypes + t.type_code[k], minlength=n * ntypes).reshape(n, ntypes)
    days = t.day[k].astype(np.int64)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, inv, days)
    np.maximum.at(last, inv, days)
    nloc = len(t.location_names)
    pair, pair_n = np.unique(inv.astype(np.int64) * nloc + t.location_code[k], return_counts=True)
    places: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for p, c in zip(pair.tolist(), pair_n.tolist()):
        places[p // nloc].append((c, p % nloc))
    cells = []
    for c in range(n):
        top = sorted(places[c], key=lambda x: (-x[0], x[1]))[:5]
        cells.append(Cell(
            lat=float(mlat[c]), lon=float(mlon[c]), count=int(counts[c]), fatalities=int(fat[c]),
            injured=int(inj[c]), first=str(np.datetime64(int(first[c]), "D")),
            last=str(np.datetime64(int(last[c]), "D")),
            by_type={t.type_names[j]: int(v) for j, v in enumerate(by_type[c]) if v},
            places=[(t.location_names[j], cnt) for cnt, j in top]))
    return cells, size


def cell_popup_html(c: Cell, size_deg: float) -> str:
    e = esc
    area = "this place" if size_deg == 0 else f"this cell of about {size_deg * 111:.0f} km"
    kinds = "".join(
        f"<li><span class='swatch' style='background:{style_of(k)[0]}'></span>{e(k)}: {v}</li>"
        for k, v in sorted(c.by_type.items(), key=lambda kv: -kv[1]))
    places = ", ".join(f"{e(p or 'unnamed')} ({n})" for p, n in c.places)
    dates = e(c.first) if c.first == c.last else f"{e(c.first)} &ndash; {e(c.last)}"
    return ("<div class='incident-popup'>"
            f"<b>{c.count} incidents</b> in {area}<br>{dates}<br>"
            f"Casualties reported: {c.fatalities} killed, {c.injured} injured<br>"
            f"<ul class='evidence'>{kinds}</ul>Places: {places}<br>"
            f"<i>Narrow the filters to {MARKER_LIMIT:,} incidents or fewer to see each one.</i></div>")


def cell_rows(cells: list[Cell], size_deg: float) -> list[list]:
    rows = []
    for c in cells:
        main = max(c.by_type.items(), key=lambda kv: kv[1])[0]
        size = int(24 + min(26, 5 * math.log2(c.count)))
        tip = esc(f"{c.count} incidents · {c.places[0][0] if c.places else ''}")
        rows.append([round(c.lat, 5), round(c.lon, 5), c.count, style_of(main)[0], "", size, 0, tip,
                     cell_popup_html(c, size_deg)])
    return rows


class _Raw(Element):
    """Rendered script text, added to the page as is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def _add_script(el: MacroElement, kwargs: dict) -> None:
    """What MacroElement.render does with the script macro, minus compiling its output as a Jinja template:
    that costs seconds for megabytes of rows, and would evaluate any '{{' left in them."""
    el.get_root().script.add_child(_Raw(el._template.module.script(el, kwargs)), name=el.get_name())


class IncidentLayer(MarkerCluster):
    """Incidents (or aggregated cells) as one clustered layer, built in the browser from a JSON array.

    One element instead of a folium Marker + Popup + Tooltip per incident keeps rendering linear
    and the page small. Rows: lat, lon, count, colour, Font Awesome icon ('' for a cell, which
    shows its count), icon size, approximate (0/1), tooltip HTML, popup HTML. Cluster bubbles
    show the sum of the counts, so they read as incidents in both modes.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function(){
            var rows = {{ this.rows_json }};
            var group = L.markerClusterGroup({{ this.options|tojavascript }});
            group.options.iconCreateFunction = function (cluster) {
                var n = 0;
                cluster.getAllChildMarkers().forEach(function (m) { n += m.options.n; });
                var size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
                return L.divIcon({html: '<div><span>' + n + '</span></div>',
                                  className: 'marker-cluster marker-cluster-' + size,
                                  iconSize: L.point(40, 40)});
            };
            var markers = [];
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var body = r[4] ? '<i class="fa-solid fa-' + r[4] + '"></i>' : String(r[2]);
                var icon = L.divIcon({
                    className: 'incident-marker' + (r[4] ? '' : ' incident-cell') + (r[6] ? ' approx' : ''),
                    html: '<div style="background:' + r[3] + ';width:' + r[5] + 'px;height:' + r[5]
                        + 'px;line-height:' + r[5] + 'px">' + body + '</div>',
                    iconSize: [r[5], r[5]]});
                var m = L.marker([r[0], r[1]], {icon: icon, n: r[2], riseOnHover: true});
                m.bindTooltip(r[7], {direction: 'top'});
                m.bindPopup(r[8], {maxWidth: 360});
                markers.push(m);
            }
            group.addLayers(markers);
            return group;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], name: str, show: bool = True, **options):
        for r in rows:
            if not _COLOR_RE.match(r[3]) or not re.fullmatch(r"[a-z0-9-]*", r[4]):
                raise ValueError(f"bad marker style {r[3]!r} {r[4]!r}")
        super().__init__(name=name, show=show, **options)
        self._name = "IncidentLayer"
        self.rows = rows
        self.rows_json = js_json(rows)

    def render(self, **kwargs):
        """MarkerCluster's render chain (assets, add-to-map when shown, script), the script added raw."""
        from branca.element import CssLink, JavascriptLink
        from folium.map import ElementAddToElement

        figure = self.get_root()
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        _add_script(self, kwargs)
        for child in self._children.values():
            child.render(**kwargs)


class _Script(MacroElement):
    """A script run once the map exists; ``data`` reaches it as :func:`js_json`, ``map`` names the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, data) {
        {{ this.code }}
        })({{ this._parent.get_name() }}, {{ this.data_json }});
        {% endmacro %}
        """
    )

    def __init__(self, code: str, data=None, name: str = "Script"):
        super().__init__()
        self._name = name
        self.code = code
        self.data_json = js_json(data)

    def render(self, **kwargs):
        _add_script(self, kwargs)


_LEGEND_JS = """
var legend = L.control({position: 'bottomright'});
legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'map-legend');
    div.innerHTML = data;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
};
legend.addTo(map);
"""

_LABELS_JS = """
data.forEach(function (d) {
    var span = document.createElement('span');
    span.textContent = d[2];
    L.marker([d[0], d[1]], {pane: 'basemap', interactive: false, keyboard: false,
        icon: L.divIcon({className: 'basemap-label', html: span, iconSize: null})}).addTo(map);
});
"""

_HATCH_JS = """
var ns = 'http://www.w3.org/2000/svg';
var svg = document.getElementById('map-patterns');
if (!svg) {
    svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('id', 'map-patterns');
    svg.setAttribute('width', '0'); svg.setAttribute('height', '0');
    svg.style.position = 'absolute';
    svg.appendChild(document.createElementNS(ns, 'defs'));
    document.body.appendChild(svg);
}
data.forEach(function (d) {
    var p = document.createElementNS(ns, 'pattern');
    p.setAttribute('id', d[0]); p.setAttribute('patternUnits', 'userSpaceOnUse');
    p.setAttribute('width', '8'); p.setAttribute('height', '8');
    p.setAttribute('patternTransform', 'rotate(45)');
    var bg = document.createElementNS(ns, 'rect');
    bg.setAttribute('width', '8'); bg.setAttribute('height', '8');
    bg.setAttribute('fill', d[1]); bg.setAttribute('fill-opacity', '0.08');
    var line = document.createElementNS(ns, 'rect');
    line.setAttribute('width', '3'); line.setAttribute('height', '8');
    line.setAttribute('fill', d[1]); line.setAttribute('fill-opacity', '0.45');
    p.appendChild(bg); p.appendChild(line);
    svg.firstChild.appendChild(p);
});
"""

_TEXT_TOOLTIP_JS = """function (feature, layer) {
    var label = feature.properties && feature.properties.label;
    if (label) {
        var span = document.createElement('span');
        span.textContent = label;
        layer.bindTooltip(span, {sticky: true});
    }
}"""

MAP_CSS = """
<style>
.leaflet-container { background: #dce6eb; }
.leaflet-bottom.leaflet-left .leaflet-control-scale { margin-bottom: 20px; }
.leaflet-container .leaflet-control-attribution, .leaflet-container .leaflet-control-scale-line { font-size: 11px; }
.leaflet-container .leaflet-control-layers { font-size: 13px; line-height: 1.3; }
.incident-marker > div { border-radius: 50%; color: #fff; text-align: center; font-size: 12px;
  border: 2px solid #fff; box-shadow: 0 0 3px rgba(0,0,0,.55); box-sizing: border-box; }
.incident-marker.approx > div { border-style: dashed; border-color: #222; }
.incident-cell > div { font-weight: bold; font-size: 11px; opacity: .9; }
.incident-popup { font-size: 12px; max-width: 340px; }
.incident-popup ul { margin: 2px 0 4px; padding-left: 16px; }
.incident-popup .evidence li { font-style: italic; }
.map-legend { background: rgba(255,255,255,.93); padding: 5px 8px; border-radius: 4px; font-size: 11px;
  line-height: 17px; box-shadow: 0 0 4px rgba(0,0,0,.3); max-width: 340px; }
.map-legend .grid { display: grid; grid-template-columns: auto auto auto; column-gap: 8px; }
.map-legend .note { color: #444; max-width: 320px; }
.map-legend summary { font-weight: bold; cursor: pointer; }
.map-legend .sym { display: inline-block; width: 16px; height: 16px; border-radius: 50%; color: #fff;
  font-size: 9px; text-align: center; line-height: 16px; margin-right: 5px; vertical-align: middle; }
.map-legend .area { display: inline-block; width: 16px; height: 11px; margin-right: 5px; vertical-align: middle; }
.map-legend .line { display: inline-block; width: 16px; border-top: 3px solid #111; margin-right: 5px;
  vertical-align: middle; }
.swatch { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
.basemap-label span { font: 600 12px sans-serif; color: #6b6b6b; letter-spacing: .12em; white-space: nowrap;
  text-transform: uppercase; text-shadow: 0 0 2px #fff; position: relative; left: -50%; }
</style>
"""


def legend_html(sel: Selection, mode: str, size_deg: float, sides: dict | None, front_day: str | None,
                has_front: bool) -> str:
    """A compact legend (short labels, ACLED's names on hover) so it hides little of the map."""
    counts = sel.counts()["by_event_type"]
    types = []
    for name, (color, icon) in TYPE_STYLE.items():
        types.append(f"<div title='{esc(name)}'><span class='sym' style='background:{color}'>"
                     f"<i class='fa-solid fa-{icon}'></i></span>{esc(SHORT_TYPE[name])} {counts.get(name, 0):,}</div>")
    other = sum(v for k, v in counts.items() if k not in TYPE_STYLE)
    if other:
        types.append(f"<div><span class='sym' style='background:{OTHER_STYLE[0]}'></span>Other {other:,}</div>")
    if mode == "cells":
        km = "place" if size_deg == 0 else f"~{size_deg * 111:.0f} km cell"
        note = (f"Circles: incidents per {km}, coloured by the commonest type; "
                f"narrow the filters to {MARKER_LIMIT:,} or fewer to see each one.")
    else:
        note = "Size: casualties. Dashed ring: approximate place. Bubbles: clusters."
    parts = [f"<div class='grid'>{''.join(types)}</div>", f"<div class='note'>{note}</div>"]
    if has_front and sides:
        front = []
        for key, side in sides.items():
            color = side.get("color", "#555")
            if not _COLOR_RE.match(color):
                continue
            front.append(f"<div><span class='area' style='background:{color};opacity:.45'></span>"
                         f"<span class='area' style='background:repeating-linear-gradient(45deg,{color} 0 3px,"
                         f"transparent 3px 7px);border:1px dashed {color}'></span>"
                         f"{esc(side.get('label', key))}: held, claimed</div>")
        as_of = f" as of {esc(front_day)}" if front_day else ""
        front.append(f"<div><span class='line'></span>Front line{as_of}</div>")
        parts.append(f"<div>{''.join(front)}</div>")
    return "<details open><summary>Legend</summary>" + "".join(parts) + "</details>"


@functools.lru_cache(maxsize=4)
def _basemap(path: str) -> dict | None:
    p = Path(path)
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


@functools.lru_cache(maxsize=1)
def load_theatre() -> dict:
    """The theatre of war the map is framed on (the first in geo/data/theatres)."""
    files = sorted(THEATRES.glob("*.json"))
    return json.loads(files[0].read_text(encoding="utf-8")) if files else {}


def _basemap_style(feature: dict) -> dict:
    if feature["properties"].get("kind") == "region":
        return {"color": "#7a5c3a", "weight": 1.5, "dashArray": "5 4", "fill": False}
    return {"color": "#8c8c8c", "weight": 1, "fillColor": "#f3f0e8", "fillOpacity": 1}


def front_features(incidents: list[Incident], day: str | date, frontline=None) -> list[dict]:
    """Control areas and the front line as of ``day`` from geo.frontline; [] while that module is absent.

    Only capture reports move control, so only they are handed over (at 100k incidents: 20 ms, not 1 s).
    """
    if frontline is None:
        try:
            from . import frontline
        except ImportError:
            return []
    captures = getattr(frontline, "CAPTURES", None)
    if captures:
        incidents = [i for i in incidents if i.sub_event_type in captures]
    return list(frontline.features(frontline.snapshot(incidents, day)))


def _side_color(sides: dict, key: str) -> str:
    color = (sides.get(key) or {}).get("color", "#555555")
    return color if _COLOR_RE.match(color) else "#555555"


def add_front_layers(m, features: list[dict], sides: dict, day: str | None) -> bool:
    """Control areas (held solid, claimed hatched) and the front line, each a toggleable layer."""
    import folium

    control = [f for f in features if (f.get("properties") or {}).get("layer") == "control"]
    line = [f for f in features if (f.get("properties") or {}).get("layer") == "front_line"]
    if not control and not line:
        return False
    suffix = f" as of {day}" if day else ""
    if control:
        patterns = sorted({_NAME_RE.sub("", str(f["properties"].get("controller", ""))) for f in control})
        m.add_child(_Script(_HATCH_JS, [[f"hatch-{p}", _side_color(sides, p)] for p in patterns], "Hatches"))
        feats = []
        for f in control:
            p = f["properties"]
            side = _NAME_RE.sub("", str(p.get("controller", "")))
            name = p.get("controller_name") or (sides.get(side) or {}).get("label") or side
            status = CLAIMED if p.get("status") == CLAIMED else "confirmed"
            feats.append({"type": "Feature", "geometry": f["geometry"],
                          "properties": {"label": f"{name}: {status}", "_side": side, "status": status}})

        def style(feature):
            p = feature["properties"]
            color = _side_color(sides, p["_side"])
            if p["status"] == CLAIMED:
                return {"color": color, "weight": 1.5, "dashArray": "5 4", "fillColor": f"url(#hatch-{p['_side']})",
                        "fillOpacity": 1}
            return {"color": color, "weight": 1, "fillColor": color, "fillOpacity": 0.22}

        folium.GeoJson({"type": "FeatureCollection", "features": feats}, name=f"Control areas{suffix}",
                       style_function=style, interactive=False).add_to(m)
    if line:
        feats = [{"type": "Feature", "geometry": f["geometry"], "properties": {"label": f"Front line{suffix}"}}
                 for f in line]
        folium.GeoJson({"type": "FeatureCollection", "features": feats}, name=f"Front line{suffix}",
                       style_function=lambda _f: {"color": "#111111", "weight": 3, "opacity": 0.9},
                       on_each_feature=_js(_TEXT_TOOLTIP_JS)).add_to(m)
    return True


def _js(code: str):
    from folium.utilities import JsCode
    return JsCode(code)


def build_map(data, front: list[dict] | None = None, front_day: str | None = None, sides: dict | None = None,
              basemap: str | Path | None = BASEMAP, marker_limit: int = MARKER_LIMIT,
              max_cells: int = MAX_CELLS, bounds: list[list[float]] | None = None):
    """A folium map of the incidents, drawing with no network: its scripts are served by the app.

    Up to ``marker_limit`` incidents are drawn one marker each (clustered where dense); above
    that, server-side aggregated cells keep the page small. ``front`` holds geo.frontline
    features, drawn as toggleable layers. ``bounds`` ([[south, west], [north, east]]) frames the
    view, by default the theatre's bbox.
    """
    import folium
    from folium.plugins import Fullscreen, HeatMap

    sel = as_selection(data)
    theatre = load_theatre()
    sides = sides if sides is not None else theatre.get("sides", {})
    w, s, e, n = theatre.get("bbox", (43.4, 38.3, 50.9, 41.95))
    m = folium.Map(location=((s + n) / 2, (w + e) / 2), zoom_start=8, tiles=None, control_scale=True)
    m.get_root().header.add_child(Element(MAP_CSS), name="incident_map_css")
    folium.TileLayer("OpenStreetMap", attr="&copy; OpenStreetMap contributors",
                     name="OpenStreetMap tiles (online)").add_to(m)
    folium.FeatureGroup(name="Offline basemap only", overlay=False, show=False).add_to(m)
    fc = _basemap(str(basemap)) if basemap else None
    if fc:
        folium.map.CustomPane("basemap", z_index=150).add_to(m)
        shapes = [f for f in fc["features"] if f["properties"].get("kind") in ("country", "region")]
        folium.GeoJson({"type": "FeatureCollection", "features": shapes}, name="Borders (offline basemap)",
                       style_function=_basemap_style, control=False, interactive=False, pane="basemap").add_to(m)
        labels = [[f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], f["properties"]["name"]]
                  for f in fc["features"] if f["properties"].get("kind") == "label"]
        m.add_child(_Script(_LABELS_JS, labels, "BasemapLabels"))
    has_front = add_front_layers(m, front or [], sides, front_day)
    if len(sel) <= marker_limit:
        mode, size_deg, rows = "incidents", 0.0, incident_rows(sel)
        name = f"Incidents ({len(sel):,})"
    else:
        cells, size_deg = aggregate(sel, max_cells)
        mode, rows = "cells", cell_rows(cells, size_deg)
        name = f"Incidents ({len(sel):,}, aggregated)"
    IncidentLayer(rows, name=name, chunkedLoading=True, maxClusterRadius=45).add_to(m)
    if rows:
        HeatMap([[r[0], r[1], r[2]] for r in rows], name="Heat map", show=False, radius=22, blur=18,
                min_opacity=0.3, max_zoom=11).add_to(m)
    m.add_child(_Script(_LEGEND_JS, legend_html(sel, mode, size_deg, sides, front_day, has_front), "Legend"))
    Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    add_attribution(m)
    m.fit_bounds(bounds or [[s, w], [n, e]], max_zoom=11, padding_top_left=(10, 10),
                 padding_bottom_right=(10, 120))  # keep incidents clear of the legend
    return localize(m)


def map_mode(n: int, marker_limit: int = MARKER_LIMIT) -> str:
    return "incidents" if n <= marker_limit else "cells"


def read_geojson(path: str | Path) -> list[Incident]:
    """Incidents from an exported snapshot (the bundled sample)."""
    fc = json.loads(Path(path).read_text(encoding="utf-8"))
    return [i for i in map(incident_from_feature, fc.get("features", [])) if i is not None]


def timeline_chart(sel: Selection, height: int = 200):
    """Stacked bars of incidents per day by event type (Altair; Streamlit bundles Vega, no CDN)."""
    import altair as alt
    import pandas as pd

    df = pd.DataFrame(sel.per_day(), columns=["day", "event_type", "incidents"])
    present = set(df["event_type"])
    domain = [t for t in TYPE_STYLE if t in present] + sorted(present - set(TYPE_STYLE))
    colors = [style_of(t)[0] for t in domain]
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
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("day:O", title=None, scale=alt.Scale(domain=x_days, paddingInner=0.15),
                axis=alt.Axis(labelExpr="utcFormat(toDate(datum.value), '%b %d')", labelAngle=0,
                              labelOverlap="parity", ticks=False)),
        y=alt.Y("sum(incidents):Q", title="incidents", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("event_type:N", scale=alt.Scale(domain=domain, range=colors),
                        legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=0, labelFontSize=10,
                                          symbolSize=60)),
        tooltip=["day:N", "event_type:N", "incidents:Q"],
    ).properties(height=height, autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def table_rows(sel: Selection, limit: int | None = None) -> list[dict]:
    """The filtered incidents for st.dataframe, newest first."""
    incs = sel.incidents if limit is None or len(sel) <= limit else \
        [sel.table.incidents[k] for k in sel.idx[-limit:].tolist()]
    return [{"date": i.event_date, "type": i.sub_event_type or i.event_type, "location": i.location,
             "actor1": i.actor1, "actor2": i.actor2, "reported by": ", ".join(i.claimed_by),
             "denied by": ", ".join(i.denied_by), "fatalities": i.fatalities, "injured": i.injured,
             "sources": ", ".join(_source_name(s) for s in i.sources)} for i in reversed(incs)]


def _source_name(s: Source) -> str:
    url = _safe_url(s.url)
    host = urlparse(url).netloc if url else ""
    return host[4:] if host.startswith("www.") else (host or s.file)


def snapshot_metadata(sel: Selection, origin: str, front_day: str | None, n_front: int) -> dict:
    return {"filters": sel.filters.as_dict(), "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "counts": {**sel.counts(), "front_features": n_front}, "front_line_as_of": front_day if n_front else None,
            "source": origin}


def to_geojson(sel: Selection, metadata: dict, front: list[dict] | None = None) -> bytes:
    fc = feature_collection(sel.incidents, metadata, list(front or []))
    return json.dumps(fc, ensure_ascii=False, allow_nan=False).encode("utf-8")


def acled_rows(incidents: list[Incident], spreadsheet_safe: bool = False) -> list[dict]:
    """Incidents under ACLED's column names plus ours (claimed_by, denied_by, injured, source_urls).

    fatalities and injured stay empty when no toll was reported (ACLED writes 0).
    ``spreadsheet_safe`` prefixes text that a spreadsheet would run as a formula with a quote.
    """
    def text(v) -> str:
        v = "" if v is None else str(v)
        return "'" + v if spreadsheet_safe and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v

    rows = []
    for i in incidents:
        rows.append({
            "event_id_cnty": i.id, "event_date": i.event_date, "year": int(i.event_date[:4]),
            "time_precision": i.time_precision, "event_type": text(i.event_type),
            "sub_event_type": text(i.sub_event_type), "actor1": text(i.actor1), "actor2": text(i.actor2),
            "country": text(COUNTRY_NAMES.get(i.country or "", i.country)), "admin1": text(i.admin1),
            "location": text(i.location), "latitude": round(i.lat, 6), "longitude": round(i.lon, 6),
            "geo_precision": i.geo_precision, "source": text("; ".join(dict.fromkeys(map(_source_name, i.sources)))),
            "notes": text(i.notes or " | ".join(i.evidence)), "fatalities": i.fatalities,
            "claimed_by": text("; ".join(i.claimed_by)), "denied_by": text("; ".join(i.denied_by)),
            "injured": i.injured,
            "source_urls": text("; ".join(u for u in (_safe_url(s.url) for s in i.sources) if u)),
        })
    return rows


def to_csv(sel: Selection) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ACLED_COLUMNS + EXTRA_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(acled_rows(sel.incidents, spreadsheet_safe=True))
    return buf.getvalue().encode("utf-8")


def to_gpkg(sel: Selection, front: list[dict] | None = None) -> bytes:
    """A GeoPackage: layer `incidents` (ACLED columns) and, when present, `control` and `front_line`."""
    import geopandas as gpd
    import pandas as pd

    rows = acled_rows(sel.incidents)
    df = pd.DataFrame(rows, columns=ACLED_COLUMNS + EXTRA_COLUMNS)
    for c in ("fatalities", "injured", "year", "time_precision", "geo_precision"):
        df[c] = pd.array(df[c], dtype="Int64")
    for c in ("latitude", "longitude"):
        df[c] = df[c].astype("float64")
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["longitude"], df["latitude"]), crs="EPSG:4326")
    with tempfile.TemporaryDirectory(prefix="geo-export-") as d:
        path = Path(d) / "incidents.gpkg"
        gdf.to_file(path, layer="incidents", driver="GPKG", engine="pyogrio", geometry_type="Point")
        for layer in ("control", "front_line"):
            feats = [f for f in front or [] if (f.get("properties") or {}).get("layer") == layer]
            if feats:
                fg = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326")
                for c in fg.columns:
                    if c != "geometry" and fg[c].map(lambda v: isinstance(v, (list, dict))).any():
                        fg[c] = fg[c].map(lambda v: json.dumps(v, ensure_ascii=False)
                                          if isinstance(v, (list, dict)) else v)
                fg.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
        return path.read_bytes()
