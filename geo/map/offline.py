"""Serve folium's JS/CSS (and the fonts and images they use) from the project, not from CDNs.

folium elements list their browser assets as CDN URLs in ``default_js`` / ``default_css``.
streamlit-folium does not bundle Leaflet: its iframe injects exactly those URLs as
``<script src>`` / ``<link href>``, so offline the map stays blank. :func:`localize` swaps each
URL for a copy vendored under ``geo/static/vendor/`` by ``scripts/vendor_assets.sh``.

Streamlit serves ``geo/static/`` through a v1 component declared on it (the same route that
serves every component's own files, ``/component/<name>/<file>``, same origin as the
streamlit-folium iframe). Unlike ``server.enableStaticServing``, which only serves ``static/``
next to the entry script, this needs no config and works whatever script or working
directory Streamlit is started with.

Usage, after every layer, marker, popup and plugin has been added::

    m = folium.Map(...)
    ...
    add_attribution(m)
    st_folium(localize(m), returned_objects=[])
"""
from __future__ import annotations

import base64
import json
import mimetypes
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from branca.element import Element, MacroElement
from folium.template import Template

from .. import paths
from ..export import ATTRIBUTION

__all__ = ["STATIC_DIR", "VENDOR_DIR", "MANIFEST_PATH", "COMPONENT_NAME", "ATTRIBUTION", "MissingAssetError", "manifest",
           "vendored_assets", "asset_base", "project_asset", "is_remote", "localize", "add_attribution", "inline_html",
           "PLAYBACK_JS"]

STATIC_DIR = paths.STATIC
VENDOR_DIR = STATIC_DIR / "vendor"
MANIFEST_PATH = VENDOR_DIR / "manifest.json"
COMPONENT_NAME = f"{__name__}.assets"

E = TypeVar("E", bound=Element)

_IMAGE_PATH_JS = "leaflet-image-path.js"
PLAYBACK_JS = "leaflet-playback.js"  # the map's playback control, project code served like the vendored files
_IMAGE_PATH_NAME = "leaflet_image_path"

# Elements that load assets at render time instead of through default_js / default_css.
_RENDER_TIME_ASSETS = {
    ("branca.colormap", "ColorMap"): "d3.js, which streamlit-folium loads from a CDN for every colormap (legends, Choropleth)",
    ("folium.features", "VegaLite"): "vega / vega-lite / vega-embed from a CDN",
}


class MissingAssetError(RuntimeError):
    """A map needs a remote asset that has no vendored copy."""


@lru_cache(maxsize=1)
def manifest() -> dict:
    """The manifest written by scripts/vendor_assets.sh."""
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def vendored_assets() -> dict[str, str]:
    """CDN URL -> vendored file, relative to STATIC_DIR."""
    return {url: f"vendor/{path}" for url, path in manifest()["assets"].items()}


def asset_base() -> str:
    """URL path prefix, ending in '/', under which the running Streamlit server serves STATIC_DIR.

    Inside a Streamlit run this (re)declares the serving component; it honours server.baseUrlPath.
    """
    from streamlit import config, runtime

    name = COMPONENT_NAME
    if runtime.exists():
        import streamlit.components.v1 as components

        name = components.declare_component("assets", path=str(STATIC_DIR)).name
    prefix = config.get_option("server.baseUrlPath").strip("/")
    return f"/{prefix}/component/{name}/" if prefix else f"/component/{name}/"


def project_asset(name: str, base: str | None = None) -> str:
    """The URL of one of the project's own browser files in STATIC_DIR (e.g. PLAYBACK_JS), served as the vendored ones."""
    if not (STATIC_DIR / name).is_file():
        raise MissingAssetError(f"no file {STATIC_DIR / name}")
    return (base or asset_base()) + name


def is_remote(url: str) -> bool:
    """True for http(s) and protocol-relative URLs."""
    return url.startswith("//") or urlsplit(url).scheme in ("http", "https")


def localize(m: E, base: str | None = None) -> E:
    """Point every JS/CSS asset of ``m`` and its descendants at the vendored copies; return ``m``.

    Call it last, after all layers and plugins are added: later additions keep their CDN URLs.
    Feature groups passed to st_folium(feature_group_to_add=...) need their own localize().
    ``base`` is the URL prefix of STATIC_DIR (default :func:`asset_base`). Idempotent.
    Raises MissingAssetError, changing nothing, if a remote asset has no vendored copy.
    """
    base = base or asset_base()
    if not base.endswith("/"):
        base += "/"
    assets = vendored_assets()
    elements = list(_walk(m))

    problems = []
    for el in elements:
        for (module, cls), what in _RENDER_TIME_ASSETS.items():
            if any(k.__module__ == module and k.__name__ == cls for k in type(el).__mro__):
                problems.append(f"{type(el).__name__}: needs {what}")
        for _, url in [*getattr(el, "default_js", []), *getattr(el, "default_css", [])]:
            if is_remote(url) and url not in assets:
                problems.append(f"{type(el).__name__}: {url}")
    if problems:
        raise MissingAssetError(
            "no vendored copy for these map assets (add them to scripts/vendor_assets.sh and rerun it):\n  "
            + "\n  ".join(dict.fromkeys(problems))
        )

    def local(url: str) -> str:
        return base + assets[url] if is_remote(url) else url

    for el in elements:
        if hasattr(el, "default_js"):
            js = [(name, local(url)) for name, url in el.default_js]
            for i, (name, url) in enumerate(el.default_js):
                leaflet = assets.get(url, "")
                if leaflet.endswith("/leaflet.js") and all(n != _IMAGE_PATH_NAME for n, _ in js):
                    images = leaflet[: -len("leaflet.js")] + "images/"
                    js.insert(i + 1, (_IMAGE_PATH_NAME, f"{base}{_IMAGE_PATH_JS}?images={images}"))
            el.default_js = js
        if hasattr(el, "default_css"):
            el.default_css = [(name, local(url)) for name, url in el.default_css]
    return m


def _walk(el: Element, seen: set[int] | None = None) -> Iterator[Element]:
    seen = set() if seen is None else seen
    if id(el) in seen:
        return
    seen.add(id(el))
    yield el
    subs = [getattr(el, "m1", None), getattr(el, "m2", None)]  # DualMap
    subs += list(getattr(el, "_children", {}).values())
    for sub in subs:
        if isinstance(sub, Element):
            yield from _walk(sub, seen)


class _Attribution(MacroElement):
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Attribution"
        self.text = text


def add_attribution(m: Element, text: str = ATTRIBUTION) -> Element:
    """Add ``text`` to the map's attribution control (next to the tiles' own); idempotent."""
    if not any(isinstance(c, _Attribution) and c.text == text for c in m._children.values()):
        m.add_child(_Attribution(text))
    return m


_SCRIPT_RE = re.compile(r"<script\s+src=\"([^\"]+)\"\s*>\s*</script>")
_LINK_RE = re.compile(r"<link\s+rel=\"stylesheet\"\s+href=\"([^\"]+)\"\s*/?>")
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_FONT_SRC_RE = re.compile(r"src:\s*([^;}]*)")


def inline_html(m: Element) -> str:
    """Standalone HTML of ``m`` with every vendored JS, CSS, font and image inlined.

    Localizes ``m`` first (see :func:`localize`). Only tiles stay remote. Fonts keep just their
    woff2 source when they have one.
    """
    localize(m)
    html = m.get_root().render()

    def script(match: re.Match) -> str:
        url = match.group(1)
        if urlsplit(url).path.endswith("/" + _IMAGE_PATH_JS):
            return f"<script>{_inline_icon_script(urlsplit(url).query)}</script>"
        js = _file_for(url).read_text(encoding="utf-8")
        return "<script>" + js.replace("</script", "<\\/script") + "</script>"

    def link(match: re.Match) -> str:
        path = _file_for(match.group(1))
        return "<style>" + _inline_css(path) + "</style>"

    html = _LINK_RE.sub(link, _SCRIPT_RE.sub(script, html))
    leftover = [u for u in re.findall(r"<(?:script|link)\b[^>]*(?:src|href)=\"([^\"]+)\"", html) if is_remote(u)]
    if leftover:
        raise MissingAssetError(f"remote assets left in the exported HTML: {leftover}")
    return html


def _file_for(url: str) -> Path:
    path = urlsplit(url).path
    if path.endswith("/" + PLAYBACK_JS):
        return STATIC_DIR / PLAYBACK_JS
    for rel in vendored_assets().values():
        if path.endswith("/" + rel):
            return STATIC_DIR / rel
    raise MissingAssetError(f"no vendored file for {url}")


_MIME = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml"}


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(path: Path) -> str:
    def keep_woff2(match: re.Match) -> str:
        sources = re.split(r",\s*(?=url\()", match.group(1).strip())
        woff2 = [s for s in sources if "woff2" in s]
        return "src: " + (woff2[0] if woff2 else ", ".join(sources))

    def url(match: re.Match) -> str:
        ref = match.group(2)
        if ref.startswith("data:") or is_remote(ref) or ref.startswith("#"):
            return match.group(0)
        target = (path.parent / urlsplit(ref).path).resolve()
        return f'url("{_data_uri(target)}")'

    css = _FONT_SRC_RE.sub(keep_woff2, path.read_text(encoding="utf-8"))
    return _CSS_URL_RE.sub(url, css).replace("</style", "<\\/style")


def _inline_icon_script(query: str) -> str:
    images = STATIC_DIR / dict(p.split("=", 1) for p in query.split("&"))["images"]
    urls = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    return f"L.Icon.Default.imagePath = ''; L.Icon.Default.mergeOptions({json.dumps(urls)});"
