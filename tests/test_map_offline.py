"""Fast checks that localized folium maps reference only vendored files (no browser)."""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import folium
import folium.plugins
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.map import offline  # noqa: E402

BASE = f"/component/{offline.COMPONENT_NAME}/"


def _map() -> folium.Map:
    m = folium.Map(location=[48.5, 35.0], zoom_start=7)
    folium.Marker([48.9, 34.2]).add_to(m)
    folium.Marker([48.9, 35.4], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([48.9, 35.8], icon=folium.Icon(icon="fire", prefix="fa")).add_to(m)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    folium.Marker([48.0, 35.0], popup="p").add_to(cluster)
    folium.plugins.FastMarkerCluster([[48.1, 35.1], [48.2, 35.2]]).add_to(m)
    folium.plugins.HeatMap([[48.3, 36.0, 1.0]]).add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.MiniMap().add_to(m)
    folium.plugins.MeasureControl().add_to(m)
    folium.GeoJson({"type": "LineString", "coordinates": [[35.6, 47.6], [36.4, 48.3]]}).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def _urls(m) -> list[tuple[str, str, str]]:
    return [
        (type(el).__name__, name, url)
        for el in offline._walk(m)
        for name, url in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]
    ]


def _file(url: str) -> Path:
    assert url.startswith(BASE), url
    return offline.STATIC_DIR / unquote(urlsplit(url).path[len(BASE):])


def test_every_asset_of_a_localized_map_is_a_vendored_file():
    m = offline.localize(_map(), base=BASE)
    urls = _urls(m)
    kinds = {kind for kind, _, _ in urls}
    assert {"Map", "MarkerCluster", "FastMarkerCluster", "HeatMap", "Fullscreen", "MiniMap", "MeasureControl"} <= kinds
    for kind, name, url in urls:
        assert not offline.is_remote(url), (kind, name, url)
        assert _file(url).is_file(), (kind, name, url)


def test_leaflet_image_path_helper_follows_leaflet_and_points_at_its_images():
    m = offline.localize(_map(), base=BASE)
    names = [name for name, _ in m.default_js]
    assert names.index("leaflet_image_path") == names.index("leaflet") + 1
    url = dict(m.default_js)["leaflet_image_path"]
    images = offline.STATIC_DIR / dict([urlsplit(url).query.split("=", 1)])["images"]
    assert (images / "marker-icon.png").is_file() and (images / "marker-shadow.png").is_file()


def test_localize_is_idempotent_and_leaves_class_defaults_alone():
    m = offline.localize(_map(), base=BASE)
    before = _urls(m)
    offline.localize(m, base=BASE)
    offline.localize(m)
    assert _urls(m) == before
    assert folium.Map.default_js[0][1].startswith("https://")
    assert folium.plugins.MarkerCluster.default_js[0][1].startswith("https://")


def test_streamlit_folium_receives_only_local_links(monkeypatch):
    streamlit_folium = pytest.importorskip("streamlit_folium")
    sent = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(offline.localize(_map()), returned_objects=[])
    links = sent["js_links"] + sent["css_links"]
    assert any(link.endswith("/leaflet.js") for link in links)
    for link in links:
        assert link.startswith(offline.asset_base()), link
        assert _file(link).is_file(), link
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"(https?:)?//", sent["header"])


def test_unvendored_plugin_is_rejected_without_changing_the_map():
    m = _map()
    folium.plugins.Draw().add_to(m)
    with pytest.raises(offline.MissingAssetError, match="leaflet.draw"):
        offline.localize(m, base=BASE)
    assert all(offline.is_remote(url) for _, _, url in _urls(m))


def test_colormap_is_rejected_because_streamlit_folium_fetches_d3():
    m = _map()
    folium.LinearColormap(["white", "red"]).add_to(m)
    with pytest.raises(offline.MissingAssetError, match="d3"):
        offline.localize(m, base=BASE)


def test_asset_base_outside_streamlit():
    assert offline.asset_base() == BASE


def test_manifest_files_licences_and_css_references():
    manifest = offline.manifest()
    for rel in manifest["files"]:
        assert (offline.VENDOR_DIR / rel).is_file(), rel
    assert (offline.VENDOR_DIR / "VENDORED.md").is_file()
    for url, rel in manifest["assets"].items():
        assert offline.is_remote(url) and (offline.VENDOR_DIR / rel).is_file(), url
    for package in manifest["packages"]:
        folder = offline.VENDOR_DIR / package["folder"]
        assert package["version"] and package["license"], package
        assert any(re.match(r"(LICEN[CS]E|MIT-LICEN[CS]E)", p.name) for p in folder.iterdir()), folder
    for css in offline.VENDOR_DIR.rglob("*.css"):
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            assert not offline.is_remote(ref), (css, ref)
            assert (css.parent / urlsplit(ref).path).is_file(), (css, ref)


def _in_script(text: str) -> str:
    """Text as the map's script holds it (Jinja's tojson: an apostrophe, as in Who's On First, is escaped)."""
    from jinja2.utils import htmlsafe_json_dumps
    return str(htmlsafe_json_dumps(text))


def test_attribution_is_added_once():
    m = _map()
    offline.add_attribution(m)
    offline.add_attribution(m)
    html = m.get_root().render()
    assert html.count(_in_script(offline.ATTRIBUTION)) == 1
    assert offline.ATTRIBUTION.startswith("Contains data from GeoNames (geonames.org)")


def test_inline_html_has_no_remote_scripts_or_styles():
    m = _map()
    offline.add_attribution(m)
    html = offline.inline_html(m)
    assert not re.search(r"<(script|link)\b[^>]*(src|href)=\"", html)
    assert "L.Icon.Default.mergeOptions" in html
    assert _in_script(offline.ATTRIBUTION) in html
