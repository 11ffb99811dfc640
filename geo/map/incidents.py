"""The incident layer: one clustered layer built in the browser from a JSON array of rows."""
from __future__ import annotations

import math
import re

from folium.plugins import MarkerCluster
from folium.template import Template

from .html import COLOR_RE, add_script, js_json
from .popups import popup_html, tooltip_html
from .selection import Selection
from .style import style_of

__all__ = ["marker_size", "incident_rows", "IncidentLayer"]


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
            if not COLOR_RE.match(r[3]) or not re.fullmatch(r"[a-z0-9-]*", r[4]):
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
        add_script(self, kwargs)
        for child in self._children.values():
            child.render(**kwargs)
