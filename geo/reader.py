"""Read news articles from text files into clean `Article` records.

Two layouts are accepted: the markdown-ish scrape (title, ``By`` byline, date line,
body with captions, links and embeds, ``Original url:`` block) and the plain one
(title line, date line, body whose paragraphs may run together).
"""
from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path

from .records import Article

MAX_BYTES = 5_000_000


class ArticleError(ValueError):
    """An input file that cannot be read as an article; the message names the file and the reason."""


_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH_RE = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = [
    re.compile(rf"^(?P<m>{_MONTH_RE})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})$", re.I),
    re.compile(rf"^(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH_RE}),?\s+(?P<y>\d{{4}})$", re.I),
    re.compile(r"^(?P<y>\d{4})-(?P<mn>\d{2})-(?P<d>\d{2})(?:[T ][\d:.+Z-]*)?$"),
]
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_ANGLE_URL = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_CREDIT_TAIL = re.compile(r"\s*(\*\*[^*]{2,80}\*\*|\[[^\]]{2,60}\]\(#?\))\s*$")
_HEADING = re.compile(r"^#{1,6}\s*")
_END_PUNCT = re.compile(r"[.!?:;\"'”’»)\]]\s*$")


def parse_date(text: str) -> date | None:
    """A publication date written as 'October 12, 2020', '12 October 2020' or ISO, else None."""
    s = text.strip().strip("*_# ").strip()
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


def _strip_markup(line: str) -> str:
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _ANGLE_URL.sub(lambda m: m.group(1), line)
    line = _TAG.sub("", line)
    line = line.replace("**", "").replace("__", "")
    line = _HEADING.sub("", line)
    return re.sub(r"[ \t\u00a0]+", " ", line).strip()


def _is_credit(raw: str) -> bool:
    """A photo credit alone on its line: '**Name / AGENCY**' or a bare '[Source](#)'."""
    s = raw.strip()
    return bool(re.fullmatch(r"\*\*[^*]{2,80}\*\*", s) and ("/" in s or len(s.split()) <= 4)
                and not _END_PUNCT.search(s.strip("*"))) or bool(re.fullmatch(r"\[[^\]]{2,60}\]\(#?\)", s))


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
    words = text.split()
    if raw.lstrip().startswith("#"):
        return True
    return 0 < len(words) <= 8 and not _END_PUNCT.search(text) and not text[:1].islower()


def read_text(text: str, file: str = "<text>") -> Article:
    """Parse one article's text. Raises ArticleError when it has no body."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    lines = text.splitlines()
    url = None
    for i, raw in enumerate(lines):
        if re.match(r"^[#*\s]*original url:?\s*\**\s*$", raw.strip(), re.I) or re.match(
                r"^[#*\s]*original url:", raw.strip(), re.I):
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
        raw = " ".join(s.strip() for s in para)
        clean = _strip_markup(raw)
        if title is None and k < 3 and clean and parse_date(clean) is None:
            title = clean
            continue
        if published is None and k < 6:
            d = parse_date(clean)
            if d is not None:
                published = d
                continue
        if byline is None and published is None and re.match(r"^by\s", clean, re.I) and len(clean) < 200:
            byline = clean[3:].strip()
            continue
        body_raw.append("\n".join(para))
    body = _clean_body(body_raw)
    if not body:
        raise ArticleError(f"{file}: no article body found")
    sentences = [s for p in body for s in split_sentences(p)]
    warnings = [] if published else [f"{file}: no publication date line"]
    return Article(file=file, title=title or "", published=published, paragraphs=body, sentences=sentences,
                   url=url, byline=byline, sha1=hashlib.sha1(text.encode("utf-8")).hexdigest(),
                   warnings=warnings)


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
        if _CREDIT_TAIL.search(raw) and not re.search(r"\]\(https?://", raw):
            continue  # a caption ending in its photo credit
        if text and not _is_heading(text, raw):
            texts.append(text)
    # a caption that repeats the start of the next paragraph
    texts = [t for i, t in enumerate(texts)
             if not (i + 1 < len(texts) and len(t) < len(texts[i + 1]) and texts[i + 1].startswith(t))]
    out: list[str] = []
    for t in texts:
        if out and not _END_PUNCT.search(out[-1]):
            out[-1] = out[-1].rstrip() + " " + t
        else:
            out.append(t)
    return out


_ABBREV = {"mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "maj", "capt", "sgt", "prof", "jr", "sr", "vs",
           "no", "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.n", "e.g",
           "i.e", "etc", "inc", "co", "corp", "ltd", "approx", "pres", "gov", "sen", "rep", "rev", "fig"}
_SPLIT = re.compile(r"""([.!?…]+["'”’»)]*)(\s+|(?=[A-Z"“«(]))(?=["'“«(]?[A-Z0-9\u0400-\u04FF\u0530-\u058F])""")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, also where scraped text lost the space ('said.The')."""
    out, start = [], 0
    for m in _SPLIT.finditer(text):
        end = m.end(1)
        before = text[start:m.start(1)]
        word = re.findall(r"[\w.]+$", before)
        w = word[0].lower() if word else ""
        if m.group(1) == "." and (w in _ABBREV or re.fullmatch(r"[a-z]", w) or re.fullmatch(r"(\w\.)+\w", w)):
            continue
        if not m.group(2) and m.group(1) == "." and re.search(r"\d$", before) and text[m.end():m.end() + 1].isdigit():
            continue
        if not m.group(2) and re.search(r"(https?://|www\.)\S*$", before):
            continue
        s = text[start:end].strip()
        if s:
            out.append(s)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def read_file(path: str | Path) -> Article:
    """Read one article file; errors name the file and the reason."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(f"{p}: file is {size} bytes, over the {MAX_BYTES}-byte limit")
        data = p.read_bytes()
    except OSError as e:
        raise ArticleError(f"{p}: cannot read ({e.strerror or e})") from e
    if not data.strip():
        raise ArticleError(f"{p}: empty file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{p}: not UTF-8 text") from None
    return read_text(text, file=p.name)
