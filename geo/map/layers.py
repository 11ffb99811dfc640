"""The layers a filter changes, apart from the map they are drawn on.

The base map (basemap, labels, controls, the legend's box) is built once and stays open in the
browser; the incidents, heat map, control areas, front line and the legend's text are one
:class:`FilterLayers`, which streamlit-folium swaps into the open map (``feature_group_to_add``).
So a filter change keeps the user's view, basemap and the overlays they switched on or off, and the
map is never rebuilt (it used to go blank for 1-2 s). :class:`MapSlot`, part of the base map, holds
the drawing code; a FilterLayers script is only data and one call to it.
"""
from __future__ import annotations

import re

import folium
from branca.element import CssLink, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import HeatMap, MarkerCluster
from folium.template import Template

from .html import COLOR_RE, add_script, js_json
from .offline import PLAYBACK_JS, project_asset

__all__ = ["MapSlot", "FilterLayers", "CLUSTER_OPTIONS", "HEAT_OPTIONS", "LAYERS_RE", "LAYERS_URL"]

LAYERS_URL = "geo-layers"  # the pseudo WMS url under which the map reports its layers (see report() below)
LAYERS_RE = re.compile(r"-?[a-z]+(,-?[a-z]+)*")  # 'heat,-control,tiles': on, off, the online tiles as base
CLUSTER_OPTIONS = {"chunkedLoading": True, "maxClusterRadius": 45}
HEAT_OPTIONS = {"radius": 22, "blur": 18, "minOpacity": 0.3, "maxZoom": 11}

_SLOT_JS = """
window.geoLayers = (function (map, control) {
    var SMALL_MAP = 480;  // px: on a narrower map (a phone) the legend starts collapsed; then it stays as the user left it
    var legend = L.control({position: 'bottomright'}), body;
    legend.onAdd = function () {
        var div = L.DomUtil.create('div', 'map-legend');
        body = L.DomUtil.create('div', 'map-legend-body', div);
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    legend.addTo(map);
    var popup = null;
    function fit(p) {
        var size = map.getSize(), pad = 10;
        var top = legend.getContainer().getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
        var below = size.y - top + pad;
        p.options.autoPanPaddingTopLeft = [pad, pad];
        p.options.autoPanPaddingBottomRight = [pad, below];
        p.options.maxHeight = Math.max(120, size.y - below - 4 * pad - 40);
        p.update();
    }
    map.on('popupopen', function (e) { popup = e.popup; fit(popup); });
    map.on('popupclose', function (e) { if (e.popup === popup) popup = null; });
    // the room above the legend changes with the frame (a window resized, a phone turned)
    map.on('resize', function () { if (popup) fit(popup); });
    var current = [], chosen = {}, focused = null, base = '', reported = null, restored = false;
    var playback = L.control.playback({position: 'topleft'}).addTo(map);
    map.on('overlayadd overlayremove', function (e) {
        var mine = current.filter(function (o) { return o.layer === e.layer; })[0];
        if (mine) { chosen[mine.key] = e.type === 'overlayadd'; report(); }
    });
    map.on('baselayerchange', function (e) { base = e.layer instanceof L.TileLayer ? 'tiles' : ''; report(); });
    function report() {
        // the layers as the user left them, for the URL ("heat,-control,tiles"). streamlit-folium returns the
        // state of WMS layers only, so it is handed over as one: an object its overlay handlers read, no layer
        var state = Object.keys(chosen).sort().map(function (k) { return chosen[k] ? k : '-' + k; });
        if (base) state.push(base);
        var as = function (s) { return {layer: {_url: 'geo-layers', wmsParams: {layers: s}}}; };
        if (reported !== null) map.fire('overlayremove', as(reported));
        reported = state.join(',');
        map.fire('overlayadd', as(reported));
    }
    function restore(layers) {
        // once, on the first draw: the layers a link (?layers=) keeps
        restored = true;
        layers.split(',').forEach(function (t) {
            if (t === 'tiles') {
                var tiles = control._layers.filter(function (l) { return !l.overlay && l.layer instanceof L.TileLayer; })[0];
                if (!tiles) return;
                control._layers.forEach(function (l) { if (!l.overlay && map.hasLayer(l.layer)) map.removeLayer(l.layer); });
                tiles.layer.addTo(map);
            } else if (t) {
                chosen[t.replace(/^-/, '')] = t.charAt(0) !== '-';
            }
        });
    }
    function incidents(rows, options) {
        var group = L.markerClusterGroup(options);
        group.options.iconCreateFunction = function (cluster) {
            var n = 0;
            cluster.getAllChildMarkers().forEach(function (m) { n += m.options.n; });
            var size = n < 10 ? 'small' : (n < 100 ? 'medium' : 'large');
            return L.divIcon({html: '<div><span>' + n + '</span></div>',
                              className: 'marker-cluster marker-cluster-' + size, iconSize: L.point(40, 40)});
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
            var m = L.marker([r[0], r[1]], {icon: icon, n: r[2], day: r[9], id: r[10], riseOnHover: true});
            m.bindTooltip(r[7], {direction: 'top'});
            m.bindPopup(r[8], {maxWidth: 360});
            markers.push(m);
        }
        group.addLayers(markers);
        group.allMarkers = markers;
        return group;
    }
    function hatches(data) {
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
            if (document.getElementById(d[0])) return;
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
    }
    function labelled(feature, layer) {
        var label = feature.properties && feature.properties.label;
        if (label) {
            var span = document.createElement('span');
            span.textContent = label;
            layer.bindTooltip(span, {sticky: true});
        }
    }
    function explained(feature, layer) {
        // a click on an area: who holds it, and each place the reports moved into it, since when, on how many
        var p = feature.properties || {}, div = document.createElement('div'), places = p.places || [];
        var line = function (text, tag) { var e = document.createElement(tag || 'div'); e.textContent = text;
                                          div.appendChild(e); };
        line(p.label || '', 'b');
        line(places.length ? 'Places the reports moved here:' : 'No report moved a place here: held as before the war.');
        places.forEach(function (x) {
            line(x[0] + (x[1] ? ', since ' + x[1] : '') + ' (' + x[2] + (x[2] === 1 ? ' report)' : ' reports)'));
        });
        if (places.length) line('Each report is listed in "Who holds what, and why" below the map.', 'i');
        div.className = 'control-popup';
        layer.bindPopup(div, {maxWidth: 320});
    }
    function style(feature) { return feature.properties.style; }
    function days(first, last) {
        var out = [], d = new Date(first + 'T00:00:00Z'), end = new Date(last + 'T00:00:00Z');
        for (; d <= end; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
        return out;
    }
    function frontLayers(d) {
        var out = [];
        if (d.control) out.push({key: 'control', name: d.control.name, show: true,
                                 layer: L.geoJson(d.control.data, {style: style, onEachFeature: explained})});
        if (d.line) out.push({key: 'line', name: d.line.name, show: true,
                              layer: L.geoJson(d.line.data, {style: style, onEachFeature: labelled})});
        return out;
    }
    function isFront(o) { return o.key === 'control' || o.key === 'line'; }
    function showFront(layers) {
        // another day's control areas and line in place of those shown, each on or off as the user left it
        current.filter(isFront).forEach(function (o) { control.removeLayer(o.layer); map.removeLayer(o.layer); });
        var next = current.filter(function (o) { return !isFront(o); });
        layers.forEach(function (o) {
            if (o.key in chosen ? chosen[o.key] : o.show) o.layer.addTo(map);
            control.addOverlay(o.layer, o.name);
            next.push(o);
        });
        current = next;
    }
    function play(group, d) {
        var markers = group.allMarkers, steps = d.steps || [], step = null;
        function front(k) {  // the front of step k (-1: the end date's, as drawn), when it is not the one shown
            if (k === step) return;
            step = k;
            var s = steps[k];
            showFront(k < 0 ? frontLayers(d) : (s.layers = s.layers || frontLayers(s[1])));
        }
        playback.setDays(days(d.start, d.end), function (first, last) {
            group.clearLayers();
            group.addLayers(markers.filter(function (m) { return m.options.day >= first && m.options.day <= last; }));
            var k = steps.length - 1;
            while (k > 0 && steps[k][0] > last) k--;
            if (steps.length) front(k);
        }, function () {
            group.clearLayers();
            group.addLayers(markers);
            if (step !== null) front(-1);
        }, d.play_note);
    }
    function draw(rows, d) {
        if (!restored) restore(d.layers || '');
        var next = [{key: 'incidents', name: d.name, show: true, layer: incidents(rows, d.cluster)}];
        if (rows.length) {
            next.push({key: 'heat', name: 'Heat map', show: false,
                       layer: L.heatLayer(rows.map(function (r) { return [r[0], r[1], r[2]]; }), d.heat)});
        }
        hatches(d.hatches || []);
        next = next.concat(frontLayers(d));
        current.forEach(function (o) { control.removeLayer(o.layer); map.removeLayer(o.layer); });
        next.forEach(function (o) {
            if (o.key in chosen ? chosen[o.key] : o.show) o.layer.addTo(map);
            control.addOverlay(o.layer, o.name);
        });
        current = next;
        var shown = body.querySelector('details');
        var open = shown ? shown.open : map.getSize().x >= SMALL_MAP;
        body.innerHTML = d.legend;
        shown = body.querySelector('details');
        if (shown) shown.open = open;
        if (d.start && d.end) play(next[0].layer, d);
        if (d.focus && d.focus !== focused) focus(next[0].layer, d.focus);
    }
    function focus(group, key) {
        // once per link or click, after streamlit-folium has set the view it was handed (laidOut is later)
        focused = key;
        var id = key.split(' ')[0];
        var m = group.allMarkers.filter(function (x) { return x.options.id === id; })[0];
        if (!m || !map.hasLayer(group)) return;
        laidOut(function () { group.zoomToShowLayer(m, function () { m.openPopup(); }); }, 100);
    }
    function laidOut(fn, tries) {
        // the popup's room is measured against the legend, which is placed only once Leaflet's CSS is in
        var box = map.getContainer().getBoundingClientRect(), l = legend.getContainer().getBoundingClientRect();
        if (l.bottom <= box.bottom + 1 || !tries) fn();
        else setTimeout(function () { laidOut(fn, tries - 1); }, 50);
    }
    return {draw: draw, map: map, playback: playback};
})(map, control);
"""


class MapSlot(JSCSSMixin, MacroElement):
    """Part of the base map: the legend's box, the playback control and ``window.geoLayers.draw``, which swaps a
    FilterLayers in and hands its days to the playback control (geo/static/leaflet-playback.js). The legend
    starts collapsed on a map narrower than 480 px (a phone), where it would hide a quarter of it.

    Add it after the map's LayerControl, whose overlays it keeps up to date."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, control) {
        {{ this.code }}
        })({{ this._parent.get_name() }}, {{ this.control.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, control: folium.LayerControl):
        super().__init__()
        self._name = "MapSlot"
        self.control = control
        self.code = _SLOT_JS
        self.default_js = [("leaflet_playback", project_asset(PLAYBACK_JS))]

    def render(self, **kwargs):
        _assets(self)
        add_script(self, kwargs)


class FilterLayers(JSCSSMixin, folium.FeatureGroup):
    """Incidents (or aggregated cells), their heat map, control areas, front line and legend text for one filter.

    Rows: lat, lon, count, colour, Font Awesome icon ('' for a cell, which shows its count), icon
    size, approximate (0/1), tooltip HTML, popup HTML (escaped by geo.map.html), day (ISO; '' for a
    cell), incident id ('' for a cell). ``focus``: the id of the incident whose popup opens (a link or a table
    click), once for each new value ("ID" or "ID N"). ``layers``: the overlays and base layer a link keeps
    (LAYERS_RE), applied on the map's first draw only. ``play``: the range's ``start`` and ``end`` days the playback control steps through, and a
    ``play_note`` when it cannot (cells). ``front`` is
    geo.map.front.front_data's. Drawn by the base map's MapSlot; the group itself stays empty. A
    JSCSSMixin, as streamlit-folium loads the scripts of those only.
    """

    default_js = [*MarkerCluster.default_js, *HeatMap.default_js]
    default_css = list(MarkerCluster.default_css)

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        (function () {
        var rows = {{ this.rows_json }};
        window.geoLayers.draw(rows, {{ this.data_json }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list], name: str, legend: str, front: dict | None = None,
                 play: dict | None = None, focus: str = "", layers: str = ""):
        for r in rows:
            if not COLOR_RE.match(r[3]) or not re.fullmatch(r"[a-z0-9-]*", r[4]):
                raise ValueError(f"bad marker style {r[3]!r} {r[4]!r}")
        super().__init__(name=name, control=False)
        self._name = "FeatureGroup"  # streamlit-folium adds the group to the map by this name
        self.rows = rows
        self.rows_json = js_json(rows)
        self.data_json = js_json({"name": name, "legend": legend, "cluster": CLUSTER_OPTIONS, "heat": HEAT_OPTIONS,
                                  **(front or {}), **(play or {}), "focus": focus, "layers": layers})

    def render(self, **kwargs):
        """The assets, and the script added raw (no second Jinja pass over article text)."""
        _assets(self)
        add_script(self, kwargs)


def _assets(el) -> None:
    figure = el.get_root()
    for name, url in el.default_js:
        figure.header.add_child(JavascriptLink(url), name=name)
    for name, url in getattr(el, "default_css", []):
        figure.header.add_child(CssLink(url), name=name)
