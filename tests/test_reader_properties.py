"""Property tests: no input makes the reader or the date resolver raise anything but their documented errors.

The reader's only error is ArticleError; the date resolver has none. Strategies mix random text with
the pieces the parsers look for (date lines, markdown, HTML, months, weekdays, years), because pure
random text rarely reaches the interesting branches.
"""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.dates import When, resolve
from geo.reader import ArticleError, decode, read_file, read_text

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = [
    "\n", "\n\n", " ", "October 14, 2020", "14 Oct 2020", "2020-10-14", "2091-01-01", "1850-05-05", "0000-00-00",
    "# ", "**", "__", "[", "]", "(", ")", "](", "[link](http://x.org/a)", "<http://x.org>", "http://", "www.",
    "By ", "Original url:", "Embed:", "— ", "Related article:", ".", "!", "?", "…", '"', "“", "«", "Mr.", "U.S.",
    "2.5", "<p>", "</p>", "<script>", "</script>", "<style>", "<!DOCTYPE html>", "<html>", "<h1>", "</h1>",
    '<meta property="article:published_time" content="2020-10-14">', '<time datetime="2020-13-45">',
    "<article>", "&amp;", "&#0;", "&#xD800;", "\x00", "\ufeff", "\r", "\u2028", "\udcff", "Terter", "Ganja",
    "shelled", "Тертер", "{", "}", "[]", "null",
]
article_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=40).map("".join)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


@FAST
@given(st.one_of(article_text, any_text))
@example("Title\n\nOctober 14, 2020\n\n" + "." * 5000)
@example("<html><p>x</p><![CDATA[")
@example("<!DOCTYPE html><html><body><p>October 14, 2020</p><p>Shelled Terter.</p>")
@example("\udcff\ud800 lone surrogates")
def test_read_text_raises_only_article_errors(text):
    try:
        a = read_text(text, file="prop.txt")
    except ArticleError as e:
        assert e.reason and str(e).startswith("prop.txt: ")
        return
    assert a.paragraphs and all(isinstance(s, str) for s in a.sentences)
    assert a.published is None or 1900 <= a.published.year
    assert a.sha1


byte_pieces = st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00", b"\x00\x00", b"%PDF-", b"PK\x03\x04",
                               b"\x89PNG", b"\xc3\xa9", b"\xe0\xe1\xe2 ", b"\x80\x81\x8d", b"\xed\xa0\x80",
                               "Тертер обстрелян. ".encode("cp1251"), b"October 14, 2020\n\n", b"\n"])
file_bytes = st.one_of(st.binary(max_size=400), st.lists(st.one_of(byte_pieces, st.binary(max_size=12)),
                                                         max_size=30).map(b"".join),
                       article_text.map(lambda s: s.encode("utf-8", "surrogatepass")))


@FAST
@given(file_bytes)
@example(b"\xff\xfe\xfa" * 10)
@example(b"\xff\xfe" + "Тертер обстрелян в среду. ".encode("utf-16-le") * 3)
@example(b"\xff\xfe\x00\x00")
def test_read_file_raises_only_article_errors(tmp_path_factory, data):
    f = tmp_path_factory.mktemp("prop") / "f.txt"
    f.write_bytes(data)
    try:
        read_file(f)
    except ArticleError as e:
        assert e.reason and "\n" not in e.reason
    try:
        text, notes = decode(data)
    except ValueError:
        return
    assert isinstance(text, str) and all(isinstance(n, str) for n in notes)


SENTENCE_PIECES = [
    "on", "in", "since", "before", "after", "until", "than", "the", "of", "early", "late", "mid", "end of",
    "Monday", "sunday", "night", "overnight", "yesterday", "today", "last week", "this weekend", "last month",
    "this month", "January", "Feb.", "May", "may be", "sept", "December", "1st", "2nd", "31", "29", "0", "00",
    "1899", "1900", "1994", "2020", "2099", "2100", "0000", "9999", "1990s", "2050s", "2020-02-30", "2020-10-14",
    "0000-01-01", "9999-12-31", ",", ".", " ", "  ", "nineties", "soviet era", "2,300 troops", "1000 people",
]
sentences = st.lists(st.one_of(st.sampled_from(SENTENCE_PIECES), st.text(max_size=8)), max_size=25).map(" ".join)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@FAST
@given(st.one_of(sentences, st.text(max_size=200)), days)
@example("Clashes in early January 1900.", date(1900, 1, 1))
@example("The day before yesterday.", date(1900, 1, 1))
@example("Fighting on December 31.", date(2100, 12, 31))
@example("On Feb 29 the town was shelled.", date(2021, 3, 1))
def test_resolve_never_raises(sentence, published):
    w = resolve(sentence, published)
    assert isinstance(w, When) and isinstance(w.day, date) and w.precision in (1, 2, 3)


@FAST
@given(st.one_of(sentences, st.text(max_size=100)))
def test_resolve_without_publication_date_is_none(sentence):
    assert resolve(sentence, None) is None


def test_resolve_month_and_year_zero():
    assert resolve("Shelling in January 0000.", date(2020, 10, 14)) is not None
