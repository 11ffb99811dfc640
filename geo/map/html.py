"""All escaping of what reaches the page: article text is untrusted.

It reaches the page only as JSON (:func:`js_json`) holding HTML escaped by :func:`esc`, or as
``textContent``; never through folium's Popup/Tooltip, whose JS template literals evaluate ``${...}``,
and never through branca's second Jinja pass over rendered scripts, which would evaluate ``{{ ... }}``
on the server (see :func:`add_script`). Links keep only http(s) URLs; colours and CSS names are checked.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import urlparse

from branca.element import Element, MacroElement
from folium.template import Template

__all__ = ["COLOR_RE", "NAME_RE", "esc", "js_json", "safe_url", "add_script", "Script"]


_INERT_CHARS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{3,8}$")
NAME_RE = re.compile(r"[^a-z0-9-]")


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


def safe_url(url: str | None) -> str | None:
    """Only http(s) links survive: a 'javascript:' URL in an article must never become a link."""
    if not url:
        return None
    u = urlparse(url.strip())
    return url.strip() if u.scheme in ("http", "https") and u.netloc else None


class _Raw(Element):
    """Rendered script text, added to the page as is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def add_script(el: MacroElement, kwargs: dict) -> None:
    """What MacroElement.render does with the script macro, minus compiling its output as a Jinja template:
    that costs seconds for megabytes of rows, and would evaluate any '{{' left in them."""
    el.get_root().script.add_child(_Raw(el._template.module.script(el, kwargs)), name=el.get_name())


class Script(MacroElement):
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
        add_script(self, kwargs)
