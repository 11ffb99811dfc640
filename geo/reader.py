"""Read news articles from files into clean `Article` records.

Three layouts are accepted: the markdown-ish scrape (title, ``By`` byline, date line, body with
captions, links and embeds, ``Original url:`` block), the plain one (title line, date line, body
whose paragraphs may run together) and saved HTML pages (title, date and ``<p>`` text).

Scraped files arrive broken in every way, so `read_file` turns each failure into an `ArticleError`
whose reason fits on one report line: unreadable paths, empty or binary files, unknown encodings,
oversized files, implausible publication dates. Text is kept as text: escaping is the display's job.
The regular expressions are written to stay linear on pathological lines (100,000 dots, brackets or
``<`` in a row), because one hostile file must not stall an ingest.
"""
from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections import Counter
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from .records import Article

MAX_BYTES = 5_000_000
MAX_CHARS = 1_000_000  # of article text: a book, not an article, and extraction time grows faster than length
EARLIEST = date(1900, 1, 1)


class ArticleError(ValueError):
    """An input that cannot be read as an article; the message is '<file>: <reason>'."""

    def __init__(self, file: str | Path, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = str(file)
        self.reason = reason


_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = [
    re.compile(rf"^(?P<m>{_MONTH_RE})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})$", re.I),
    re.compile(rf"^(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH_RE}),?\s+(?P<y>\d{{4}})$", re.I),
    re.compile(r"^(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})(?:[T ][\d:.+Z-]*)?$"),
]
# Bounded repetitions and excluded openers keep these linear on lines of thousands of '[' or '<'.
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\(([^)\s\[]{0,2000})\)")
_ANGLE_URL = re.compile(r"<(https?://[^<>\s]{1,2000})>")
_BARE_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"</?[A-Za-z][^<>]{0,2000}>")
_CREDIT_TAIL = re.compile(r"(\*\*[^*]{2,80}\*\*|\[[^\]]{2,60}\]\(#?\))\s*$")
_HEADING = re.compile(r"^#{1,6}\s*")
_BLANKS = re.compile(r"[ \t\u00a0]+")
_END_PUNCT = re.compile(r"[.!?:;\"'”’»)\]]\s*$")
# Characters that show nothing (soft hyphen, zero-width space and joiners, word joiner, direction marks,
# a BOM inside the text): inside a word they hide it from the gazetteer ('Tar\u00adtar').
_INVISIBLE = dict.fromkeys([0xAD, 0x61C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                            *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0xFEFF])


def _visible(text: str) -> str:
    return text if text.isascii() else text.translate(_INVISIBLE)


def parse_date(text: str) -> date | None:
    """A publication date written as 'October 12, 2020', '12 October 2020' or ISO, else None."""
    s = text.strip().strip("*_# ").strip()
    if len(s) > 60:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(s)
        if not m:
            continue
        try:
            if "mn" in m.groupdict() and m.group("mn"):
                month = int(m.group("mn"))
            else:
                prefix = m.group("m").lower().rstrip(".")[:3]
                month = [x[:3] for x in _MONTHS].index(prefix) + 1
            return date(int(m.group("y")), month, int(m.group("d")))
        except ValueError:
            return None
    return None


def date_problem(published: date | None, today: date | None = None) -> str | None:
    """Why a publication date cannot be used, or None. A day of slack covers time zones."""
    if published is None:
        return "no publication date line"
    today = today or date.today()
    if published > today + timedelta(days=1):
        return f"publication date {published.isoformat()} is in the future"
    if published < EARLIEST:
        return f"publication date {published.isoformat()} is before {EARLIEST.year}"
    return None


def _strip_markup(line: str) -> str:
    if "](" in line:
        line = _LINK.sub(lambda m: m.group(1), line)
    if "<" in line:  # the patterns below that need one would leave the line as it is
        line = _ANGLE_URL.sub(lambda m: m.group(1), line)
        line = _TAG.sub("", line)
    line = line.replace("**", "").replace("__", "")
    if line.startswith("#"):
        line = _HEADING.sub("", line)
    if "  " in line or "\t" in line or "\u00a0" in line:
        line = _BLANKS.sub(" ", line)
    return line.strip()


def _ends_sentence(text: str) -> bool:
    """Whether stripped text ends a sentence; looks at the tail only, so long texts cost nothing."""
    return bool(_END_PUNCT.search(text[-16:]))


def _is_credit(raw: str) -> bool:
    """A photo credit alone on its line: '**Name / AGENCY**' or a bare '[Source](#)'."""
    s = raw.strip()
    if len(s) > 100:
        return False
    return bool(re.fullmatch(r"\*\*[^*]{2,80}\*\*", s) and ("/" in s or len(s.split()) <= 4)
                and not _ends_sentence(s.strip("*"))) or bool(re.fullmatch(r"\[[^\]]{2,60}\]\(#?\)", s))


def _url_block(lines: list[str]) -> str | None:
    """The article URL after 'Original url:'. A wrapped link's display text is split, its first target is whole."""
    for raw in lines:
        s = raw.strip()
        if not s:
            continue
        m = _LINK.search(s)
        if m and m.group(2).startswith("http"):
            return m.group(2)
        m = _ANGLE_URL.search(s) or _BARE_URL.search(s)
        if m:
            return m.group(1) if m.re is _ANGLE_URL else m.group(0)
    return None


def _paragraphs(text: str) -> list[list[str]]:
    paras, cur = [], []
    for line in text.splitlines():
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append(cur)
            cur = []
    if cur:
        paras.append(cur)
    return paras


def _is_heading(text: str, raw: str) -> bool:
    if raw.lstrip().startswith("#"):
        return True
    words = text.split(None, 8)
    return 0 < len(words) <= 8 and not _ends_sentence(text) and not text[:1].islower()


_ORIGINAL_URL = re.compile(r"^[#*\s]{0,20}original url(?::|[*\s]*$)", re.I)


def read_text(text: str, file: str = "<text>") -> Article:
    """Parse one article's text (markdown-ish, plain or HTML).

    Raises ArticleError when it has no body, is JSON data, or names an implausible publication date;
    a missing date is only a warning here (the pipeline decides what to do with undated articles).
    """
    sha1 = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    text = _visible(text.replace("\x00", ""))
    if _looks_like_html(text, file):
        return _read_html(text, file, sha1)
    if _looks_like_json(text):
        raise ArticleError(file, "JSON data, not an article")
    lines = _drop_code(text).splitlines()
    url = None
    for i, raw in enumerate(lines):
        if _ORIGINAL_URL.match(raw.strip()):
            rest = re.sub(r"^[#*\s]*original url:?\**", "", raw.strip(), flags=re.I)
            url = _url_block([rest] + lines[i + 1:i + 6])
            lines = lines[:i]
            break
    head = 0
    for j, raw in enumerate(lines[:12]):
        if parse_date(_strip_markup(raw)) is not None:
            head = j
            break
    if head:  # title and date lines may lack blank lines between them and the body
        lines = [x for ln in lines[:head + 1] for x in (ln, "")] + lines[head + 1:]
    paras = _paragraphs("\n".join(lines))
    title = byline = None
    published = None
    body_raw: list[str] = []
    for k, para in enumerate(paras):
        if k >= 6:
            body_raw += ["\n".join(p) for p in paras[k:]]
            break
        raw = " ".join(s.strip() for s in para)
        clean = _strip_markup(raw)
        if title is None and k < 3 and clean and parse_date(clean) is None:
            title = clean
            continue
        if published is None:
            d = parse_date(clean)
            if d is not None:
                published = d
                continue
        if byline is None and published is None and re.match(r"^by\s", clean, re.I) and len(clean) < 200:
            byline = clean[3:].strip()
            continue
        body_raw.append("\n".join(para))
    return _article(file, title, published, byline, url, body_raw, sha1, [])


def _drop_code(text: str) -> str:
    """Remove <script> and <style> elements, content included, from a text layout (scrapes carry them).

    Done with str.find rather than a lazy regex so that thousands of unclosed tags stay linear.
    """
    low = text.lower()
    if "<script" not in low and "<style" not in low:
        return text
    out, pos = [], 0
    nxt = {t: low.find("<" + t) for t in ("script", "style")}
    while True:
        for t, i in nxt.items():
            if 0 <= i < pos:
                nxt[t] = low.find("<" + t, pos)
        hits = [(i, t) for t, i in nxt.items() if i >= 0]
        if not hits:
            break
        start, tag = min(hits)
        end = low.find("</" + tag, start)
        close = low.find(">", end) if end >= 0 else -1
        if close < 0:
            break
        out.append(text[pos:start])
        pos = close + 1
    out.append(text[pos:])
    return "".join(out)


def _article(file: str, title: str | None, published: date | None, byline: str | None, url: str | None,
             body_raw: list[str], sha1: str, warnings: list[str]) -> Article:
    """The shared tail of every layout: clean the body, check the date, split sentences."""
    body = _clean_body(body_raw)
    if not body:
        raise ArticleError(file, "no article body found")
    size = sum(len(p) for p in body)
    if size > MAX_CHARS:
        raise ArticleError(file, f"article text is {size:,} characters, over the {MAX_CHARS:,}-character limit")
    problem = date_problem(published)
    if published is not None and problem:
        raise ArticleError(file, problem)
    if published is None:
        warnings = [*warnings, "no publication date line"]
    sentences = [s for p in body for s in split_sentences(p)]
    return Article(file=file, title=title or "", published=published, paragraphs=body, sentences=sentences,
                   url=url, byline=byline, sha1=sha1, warnings=warnings)


_BULLET = re.compile(r"^\s*[-*•·–]\s+(?=\S)")
_LINK_ONLY = re.compile(r"^\[[^\]]*\]\([^)]*\)\W*$")


def _bullet_items(lines: list[str]) -> list[str]:
    """The items of a bulleted list ('- Azerbaijan says 21 killed in Barda'), each ending a sentence so that no
    item runs into the next or into the paragraph after; an item that is only a link (related articles) is
    dropped."""
    items: list[list[str]] = []
    for ln in lines:
        if _BULLET.match(ln) or not items:
            items.append([_BULLET.sub("", ln, count=1).strip()])
        else:
            items[-1].append(ln.strip())
    out = []
    for parts in items:
        raw = " ".join(parts)
        text = _strip_markup(raw)
        if not text or _LINK_ONLY.match(raw):
            continue
        out.append(text if _ends_sentence(text) else text + ".")
    return out


def _clean_body(raw_paras: list[str]) -> list[str]:
    """Drop captions, credits, related-article lines, embeds and headings; join paragraphs broken mid-sentence."""
    texts: list[str] = []
    skip_embed = False
    for raw in raw_paras:
        lines = [ln for ln in raw.splitlines() if not _is_credit(ln)]
        if not lines:
            if texts:
                texts.pop()  # the paragraph before a lone credit line is its caption
            continue
        if any(_BULLET.match(ln) for ln in lines):  # a list: each item a sentence of its own
            texts += [item for item in _bullet_items(lines) if item]
            continue
        raw = " ".join(ln.strip() for ln in lines)
        text = _strip_markup(raw)
        if re.match(r"^embed:?$", text, re.I):
            skip_embed = True
            continue
        if skip_embed:
            skip_embed = not re.match(r"^(—|--|&mdash;)", text)
            continue
        if re.match(r"^related (article|story|news)s?:", text, re.I):
            continue
        if _CREDIT_TAIL.search(raw[-200:]) and not re.search(r"\]\(https?://", raw):
            continue  # a caption ending in its photo credit
        if text and not _is_heading(text, raw):
            texts.append(text)
    # a caption that repeats the start of the next paragraph
    texts = [t for i, t in enumerate(texts)
             if not (i + 1 < len(texts) and len(t) < len(texts[i + 1]) and texts[i + 1].startswith(t))]
    out: list[list[str]] = []  # pieces joined once at the end: repeated concatenation would be quadratic
    for t in texts:
        if out and not _ends_sentence(out[-1][-1]):
            out[-1].append(t)
        else:
            out.append([t])
    return [" ".join(parts) for parts in out]


_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "maj", "capt", "sgt", "prof", "jr", "sr", "vs",
           "no", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "e.g",
           "i.e", "etc", "inc", "co", "corp", "ltd", "approx", "pres", "gov", "sen", "rep", "rev", "fig"}
# The look-behind makes a row of 100,000 dots one match attempt, not 100,000.
_SPLIT = re.compile(r"""(?<![.!?…])([.!?…]+["'”’»)]*)(\s+|(?=[A-Z"“«(]))(?=["'“«(]?[A-Z0-9\u0400-\u04FF\u0530-\u058F])""")
_TAIL = 2000  # how far back the abbreviation and URL checks look
_WORD_END = re.compile(r"[\w.]{1,60}$")
_LETTER = re.compile(r"[a-z]")
_INITIALS = re.compile(r"(\w\.)+\w")
_URL_END = re.compile(r"(https?://|www\.)\S*$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, also where scraped text lost the space ('said.The')."""
    return list(_split_sentences(text))


@functools.lru_cache(maxsize=32)
def _split_sentences(text: str) -> tuple[str, ...]:
    """Cached for the last paragraphs: the reader splits each one, then extraction splits it again."""
    out, start = [], 0
    for m in _SPLIT.finditer(text):
        end = m.end(1)
        word = _WORD_END.search(text, max(start, m.start(1) - 60), m.start(1))
        w = word.group(0).lower() if word else ""
        if len(w) == 60:  # a longer run was cut at a dot or a letter: align it on a letter
            w = w.lstrip(".")
        if m.group(1) == "." and (w in _ABBREV or _LETTER.fullmatch(w) or _INITIALS.fullmatch(w)):
            continue
        if not m.group(2) and m.group(1) == "." and text[max(start, m.start(1) - 1):m.start(1)].isdecimal() \
                and text[m.end():m.end() + 1].isdigit():
            continue
        if not m.group(2) and _URL_END.search(text[max(start, m.start(1) - _TAIL):m.start(1)]):
            continue
        s = text[start:end].strip()
        if s:
            out.append(s)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return tuple(out)


# --- HTML pages -------------------------------------------------------------------------------------

_HTML_START = re.compile(r"\s*(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.{0,2000}?-->\s*)*"
                         r"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S)
_HTML_TAGS = re.compile(r"<(?:p|div|body|h1|title|article)\b", re.I)
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas",
              "select", "button", "textarea"}
_BOILERPLATE_TAGS = {"nav", "footer", "aside", "form", "figcaption", "menu", "dialog"}
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2",
               "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th", "figure", "hr", "body",
               "address", "center", "fieldset", "details", "summary"} | _BOILERPLATE_TAGS
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_DATE_META = {"article:published_time", "og:article:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued", "dcterms.created",
              "dcterms.issued", "sailthru.date", "parsely-pub-date", "article.published", "og:published_time"}
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{4,60})"')


def _looks_like_html(text: str, file: str) -> bool:
    head = text[:4000]
    if _HTML_START.match(head):
        return True
    return Path(file).suffix.lower() in (".html", ".htm", ".xhtml") and bool(_HTML_TAGS.search(text[:50000]))


def _looks_like_json(text: str) -> bool:
    s = text.strip()
    if not s or s[0] not in "{[" or s[-1] not in "}]":
        return False
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


def _any_date(s: str) -> date | None:
    """A date from a meta tag, a <time datetime> or JSON-LD: ISO, 'October 12, 2020' or RFC 2822."""
    s = s.strip()
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    d = parse_date(s)
    if d:
        return d
    try:
        return parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class _OpenSkipped:
    """The skipped elements open at a point (``<svg>`` in ``<svg>``...), as a stack that closes an
    element together with those opened inside it, in time linear in the page: every tag's open
    positions are kept, so a closing tag finds its element without scanning a stack 100,000 deep."""

    def __init__(self):
        self._tags: list[str] = []
        self._at: dict[str, list[int]] = {}

    def __bool__(self) -> bool:
        return bool(self._tags)

    def open(self, tag: str) -> None:
        self._at.setdefault(tag, []).append(len(self._tags))
        self._tags.append(tag)

    def close(self, tag: str) -> None:
        """Close the innermost open `tag` and everything inside it; a tag not open is ignored."""
        at = self._at.get(tag)
        if not at:
            return
        start = at[-1]
        while len(self._tags) > start:
            self._at[self._tags.pop()].pop()


class _PageParser(HTMLParser):
    """Collect a page's title, dates, byline, canonical URL and text blocks, dropping scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title_parts: list[str] = []
        self.h1s: list[tuple[str, bool]] = []  # (text, inside <article>)
        self.dates: list[tuple[int, str]] = []  # (priority, value): lower is better
        self.byline: str | None = None
        self.url: str | None = None
        self.blocks: list[tuple[str, bool, bool, bool]] = []  # (text, in <p>, in <article>, boilerplate)
        self.ld_json: list[str] = []
        self._buf: list[str] = []
        self._skip = _OpenSkipped()
        self._boiler = 0
        self._article = 0
        self._in_p = False
        self._in_title = False
        self._title_done = False
        self._in_h1 = False
        self._h1_parts: list[str] = []
        self._ld = False

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self._buf)).strip()
        self._buf = []
        if text:
            self.blocks.append((text, self._in_p, self._article > 0, self._boiler > 0))

    def handle_starttag(self, tag, attrs):
        if self._skip:
            if tag in _SKIP_TAGS:
                self._skip.open(tag)
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP_TAGS:
            self._ld = tag == "script" and a.get("type", "").lower() == "application/ld+json"
            self._skip.open(tag)
            return
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _DATE_META and a.get("content"):
                self.dates.append((0 if "published" in key else 2, a["content"]))
            elif key == "author" and a.get("content") and not self.byline:
                self.byline = a["content"].strip()
            elif key == "og:url" and a.get("content", "").startswith("http") and not self.url:
                self.url = a["content"].strip()
            return
        if tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href", "").startswith("http"):
            self.url = a["href"].strip()
            return
        if tag == "time" and a.get("datetime"):
            pub = "pubdate" in a or a.get("itemprop", "").lower() == "datepublished"
            self.dates.append((1 if pub else 3, a["datetime"]))
        if tag == "br":
            self._buf.append(" ")
        if tag == "title" and not self._title_done:
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self._flush()
            self._in_title = False
            self._in_p = tag == "p"
            if tag == "h1" and not self._boiler:
                self._in_h1, self._h1_parts = True, []
            if tag == "article":
                self._article += 1
            if tag in _BOILERPLATE_TAGS:
                self._boiler += 1

    def handle_endtag(self, tag):
        if self._skip:
            self._skip.close(tag)  # an unclosed <noscript> or <svg> ends with its parent, not the page
            self._ld = self._ld and bool(self._skip)
            return
        if tag == "title" and self._in_title:
            self._in_title, self._title_done = False, True
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag == "p":
                self._in_p = False
            if tag == "h1" and self._in_h1:
                self._in_h1 = False
                text = re.sub(r"\s+", " ", "".join(self._h1_parts)).strip()
                if text:
                    self.h1s.append((text, self._article > 0))
            if tag == "article" and self._article:
                self._article -= 1
            if tag in _BOILERPLATE_TAGS and self._boiler:
                self._boiler -= 1

    def handle_data(self, data):
        data = _visible(data)  # also those written as character references ('&shy;')
        if self._skip:
            if self._ld:
                self.ld_json.append(data)
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._in_h1:
            self._h1_parts.append(data)
        self._buf.append(data)

    def close(self):
        super().close()
        self._flush()


def _read_html(text: str, file: str, sha1: str) -> Article:
    """An article from a saved web page: <h1> or <title>, the published date from meta tags, <time>
    or JSON-LD, the text of the <p> elements (those inside <article> when there are any)."""
    p = _PageParser()
    try:
        p.feed(text)
        p.close()
    except Exception as e:  # html.parser is lenient, but a malformed page must stay one skipped file
        raise ArticleError(file, f"unreadable HTML ({type(e).__name__}: {e})") from None
    h1 = next((t for t, in_article in p.h1s if in_article), None) or next((t for t, _ in p.h1s), None)
    title = h1 or re.sub(r"\s+", " ", "".join(p.title_parts)).strip() or None
    candidates = p.dates + [(1, m.group(1)) for s in p.ld_json for m in _LD_DATE.finditer(s)]
    published = next((d for d in (_any_date(v) for _, v in sorted(candidates, key=lambda c: c[0])) if d), None)
    blocks = [b for b in p.blocks if not b[3]]
    chosen = ([b for b in blocks if b[1] and b[2]] or [b for b in blocks if b[1]] or blocks)
    body = [b[0] for b in chosen if b[0] != title]
    byline = p.byline
    for k, t in enumerate(body[:6]):
        if published is None and parse_date(t):
            published = parse_date(t)
            body.pop(k)
            break
    if byline is None and body and re.match(r"^by\s", body[0], re.I) and len(body[0]) < 200:
        byline = body.pop(0)[3:].strip()
    return _article(file, title, published, byline, p.url, body, sha1, ["read as an HTML page"])


# --- Files and encodings ----------------------------------------------------------------------------

_MAGIC = [
    (b"%PDF-", "PDF document"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive or Office document"), (b"\x1f\x8b", "gzip archive"), (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"BZh91AY&SY", "bzip2 archive"), (b"\xfd7zXZ\x00", "xz archive"), (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"OggS\x00", "Ogg media"), (b"\x00\x00\x01\x00", "icon image"),
]
_BOMS = [(b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")]
_CODEC_NAMES = {"cp1251": "Windows-1251", "koi8_r": "KOI8-R", "cp1252": "Latin-1 (Windows-1252)", "latin-1": "Latin-1",
                "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "utf-32": "UTF-32"}


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")  # C0 bar layout, DEL, C1, U+FFFD
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _control_share(text: str) -> float:
    """Share of characters no prose contains: control codes (bar layout ones), unassigned, private, U+FFFD."""
    sample = text[:100_000]
    if not sample:
        return 0.0
    bad = len(_CONTROL.findall(sample))
    if not sample.isascii():  # unassigned, private use, surrogates: looked up once per distinct character
        bad += sum(n for c, n in Counter(_NON_ASCII.findall(sample)).items()
                   if unicodedata.category(c) in ("Cn", "Co", "Cs"))
    return bad / len(sample)


def _reads_as_prose(text: str) -> bool:
    """Whether a guessed decoding gives words and spaces, not symbol soup (guesses are checked, not trusted)."""
    sample = text[:100_000]
    if not sample.strip():
        return False
    spaces = sum(c.isspace() for c in sample)
    letters = sum(c.isalpha() for c in sample)
    return _control_share(sample) < 0.01 and spaces >= 0.05 * len(sample) and letters >= 0.4 * len(sample)


def _cyrillic_fit(text: str) -> float:
    """How well a Cyrillic decoding reads: the share of non-ASCII letters standing in all-Cyrillic words,
    counted only when those letters are mostly lower case (the wrong one of cp1251/KOI8-R swaps case)."""
    sample = text[:100_000]
    non_ascii = sum(1 for c in sample if c > "\x7f" and c.isalpha())
    if not non_ascii:
        return 0.0
    cyr = [c for w in re.findall(r"[^\W\d_]+", sample) if all("\u0400" <= c <= "\u04ff" for c in w) for c in w]
    lower = sum(c.islower() for c in cyr)
    if not cyr or lower < 0.6 * len(cyr):
        return 0.0
    return len(cyr) / non_ascii


def _refuse_controls(text: str) -> None:
    share = _control_share(text)
    if share > 0.01:
        raise ValueError(f"binary data ({share:.0%} control characters)")


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text and notes on how they were read; ValueError carries the reason to report.

    A byte-order mark decides first; then UTF-8, which legacy text practically never passes by
    accident; then Windows-1251 or KOI8-R when that yields Cyrillic words, else Windows-1252/Latin-1.
    A guess is kept only when it reads as prose, so binary data is refused rather than mis-decoded.
    """
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ValueError(f"binary file ({what})")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig":
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    break
                _refuse_controls(text)
                return text, []
            wide = _decode_wide(data, codec)
            if wide is not None:
                return wide
            break
    notes = []
    nul = data.count(b"\x00")
    if nul:
        half = max(1, len(data) // 2)
        even, odd = data[0::2].count(0), data[1::2].count(0)
        for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
            if zeros >= 0.3 * half and other <= 0.05 * half:
                wide = _decode_wide(data[:len(data) // 2 * 2], codec)
                if wide is not None:
                    return wide
        if nul > 0.1 * len(data):
            raise ValueError(f"binary file ({100 * nul // len(data)}% NUL bytes)")
        data = data.replace(b"\x00", b"")
        notes.append(f"removed {nul} NUL byte(s)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_controls(text)
        return text, notes
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed[0], [*notes, *mixed[1]]
    text, good, bad = _utf8_replacing(data)
    if good >= 20 * bad:  # UTF-8 with a few stray bytes (a cut or spliced scrape), not a legacy encoding
        _refuse_controls(text.replace("\ufffd", ""))
        return text, [*notes, f"{bad} invalid UTF-8 byte sequence(s) replaced"]
    guess = _legacy(data)
    if guess is not None:
        return guess[1], [*notes, f"decoded as {_CODEC_NAMES[guess[0]]}"]
    raise ValueError("not UTF-8 text, and not readable as Windows-1251, KOI8-R or Latin-1 (binary data?)")


def _decode_wide(data: bytes, codec: str) -> tuple[str, list[str]] | None:
    """UTF-16/32 text and its notes, or None when it does not read as prose. A lone surrogate (a
    string cut inside a pair by the program that wrote it) costs its character, not the file."""
    notes = [f"decoded as {_CODEC_NAMES[codec]}"]
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, "replace")
        replaced = text.count("\ufffd") - data.decode(codec, "ignore").count("\ufffd")
        notes.append(f"{replaced} invalid {_CODEC_NAMES[codec]} sequence(s) replaced")
        if 20 * replaced > len(text):  # as with stray bytes in UTF-8, one in twenty characters at most
            return None
    return (text, notes) if _reads_as_prose(text.replace("\ufffd", "")) else None


def _utf8_replacing(data: bytes) -> tuple[str, int, int]:
    """The bytes as UTF-8 with invalid sequences replaced, its count of non-ASCII characters read and
    of sequences replaced."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    return text, sum(1 for c in text if c > "\x7f") - bad, bad


def _legacy(data: bytes) -> tuple[str, str] | None:
    """(codec, text) for bytes in a legacy encoding: Windows-1251 or KOI8-R, whichever gives Cyrillic
    words, else Windows-1252 or Latin-1; None when no guess reads as prose."""
    guesses = []
    for codec in ("cp1251", "koi8_r"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        fit = _cyrillic_fit(text)
        if fit >= 0.8 and _reads_as_prose(text):
            guesses.append((fit, codec, text))
    if guesses:
        _, codec, text = max(guesses, key=lambda g: g[0])
        return codec, text
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _reads_as_prose(text):
            return codec, text
    return None


def _decode_mixed(data: bytes) -> tuple[str, list[str]] | None:
    """Text whose lines are partly UTF-8, partly one legacy encoding (a page edited in two tools, a
    quote pasted from an old site), each line read in its own; None when the bytes are not such a mix.

    A line is legacy when more of its non-ASCII sequences are invalid UTF-8 than valid (legacy Cyrillic
    is almost never valid UTF-8, while a cut UTF-8 line is mostly valid); the UTF-8 lines must then read
    as UTF-8 on their own, with at most a stray byte in twenty characters.
    """
    lines = data.splitlines(keepends=True)
    decoded: list[str | None] = []
    good = bad = 0
    legacy = []
    for ln in lines:
        if ln.isascii():
            decoded.append(ln.decode("ascii"))
            continue
        text, g, b = _utf8_replacing(ln)
        if b > g:
            legacy.append(len(decoded))
            decoded.append(None)
        else:
            good, bad = good + g, bad + b
            decoded.append(text)
    if not legacy or good < max(1, 20 * bad):
        return None
    guess = _legacy(b"".join(lines[i] for i in legacy))
    if guess is None:
        return None
    codec = guess[0]
    for i in legacy:
        decoded[i] = lines[i].decode(codec)
    text = "".join(decoded)
    _refuse_controls(text.replace("\ufffd", ""))
    notes = [f"mixed encodings: {len(legacy)} line(s) decoded as {_CODEC_NAMES[codec]}, the rest as UTF-8"]
    return text, notes + ([f"{bad} invalid UTF-8 byte sequence(s) replaced"] if bad else [])


def _read_bytes(p: Path) -> bytes:
    """The file's bytes, with every way a path can fail turned into a one-line reason."""
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise ArticleError(p, "broken symbolic link (its target does not exist)") from None
        raise ArticleError(p, "cannot read (no such file)") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise ArticleError(p, "symbolic link loop") from None
        raise ArticleError(p, f"cannot read ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ArticleError(p, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        kind = ("FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode)
                else "device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "special file")
        raise ArticleError(p, f"not a regular file ({kind})")
    too_big = f"file is over the {MAX_BYTES:,}-byte limit"
    if st.st_size > MAX_BYTES:
        raise ArticleError(p, f"file is {st.st_size:,} bytes, over the {MAX_BYTES:,}-byte limit")
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except PermissionError:
        raise ArticleError(p, "cannot read (permission denied)") from None
    except OSError as e:
        raise ArticleError(p, f"cannot read ({e.strerror or e})") from None
    if len(data) > MAX_BYTES:
        raise ArticleError(p, too_big)
    return data


def read_bytes(path: str | Path) -> bytes:
    """The raw bytes of an article file, with the reasons `read_file` gives for a path that fails."""
    return _read_bytes(Path(path))


def read_file(path: str | Path) -> Article:
    """Read one article file; errors name the file and the reason, notes on decoding go to warnings."""
    p = Path(path)
    return read_data(_read_bytes(p), p)


def read_data(data: bytes, path: str | Path) -> Article:
    """An article from the bytes of the file at `path`, read elsewhere (a Dask worker gets them from
    the client, so the cluster needs no shared file system)."""
    p = Path(path)
    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise ArticleError(p, "empty file")
    try:
        text, notes = decode(data)
    except ValueError as e:
        raise ArticleError(p, str(e)) from None
    if not text.strip():
        raise ArticleError(p, "empty file")
    article = read_text(text, file=path_text(p.name))
    article.path = path_text(os.path.abspath(p))
    article.warnings[:0] = notes
    return article


def path_text(path: str | Path) -> str:
    """A path as text that can be stored and printed: bytes of a name that are not UTF-8 (from another
    system; Python holds them as lone surrogates, which no encoder accepts) written as '\\xNN'."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
