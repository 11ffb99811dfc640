from datetime import date

import pytest

from geo.reader import ArticleError, parse_date, read_file, read_text, split_sentences


def test_markdown_layout(articles_dir):
    a = read_file(articles_dir / "a01_markdown.txt")
    assert a.title == "Artillery Duel Hits Frontline Towns as Mediators Meet"
    assert a.byline == "Jane Fixture and Lev Example for Testwire"
    assert a.published == date(2020, 10, 14)
    assert a.url == "https://www.example.org/2020/10/14/artillery-duel-hits-frontline-towns-as-mediators-meet-a1"
    body = " ".join(a.paragraphs)
    assert "Smoke rises" not in body  # caption with its credit
    assert "Placeholder" not in body
    assert "Related article" not in body and "Earlier Fixture Story" not in body
    assert "Tweet text" not in body and "@someaccount" not in body  # embed block
    assert "Mediation efforts" not in body  # sub-heading
    assert "](" not in body and "**" not in body
    assert any(p.endswith("Baku called an absolute lie.") for p in a.paragraphs)  # broken paragraph joined


def test_plain_layout_run_together_sentences(articles_dir):
    a = read_file(articles_dir / "a02_plain.txt")
    assert a.title.startswith("Capital of the region")
    assert a.published == date(2020, 10, 18)
    assert a.url is None
    assert "There were no casualties, they added." in a.sentences
    assert any(s.startswith("Azerbaijan's defence ministry accused") for s in a.sentences)
    assert len(a.sentences) == 6


@pytest.mark.parametrize("text,expected", [
    ("October 12, 2020", date(2020, 10, 12)),
    ("12 October 2020", date(2020, 10, 12)),
    ("2020-10-12", date(2020, 10, 12)),
    ("Oct. 2, 2020", date(2020, 10, 2)),
    ("not a date", None),
    ("February 30, 2020", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_split_keeps_abbreviations_and_decimals():
    s = split_sentences("Mr. Smith said 2.5 km away.Then the U.S. envoy left. It ended.")
    assert s == ["Mr. Smith said 2.5 km away.", "Then the U.S. envoy left.", "It ended."]


def test_split_keeps_urls():
    assert split_sentences("See www.example.org/a.B for more. Next.") == ["See www.example.org/a.B for more.", "Next."]


def test_empty_and_bodyless_inputs(tmp_path, articles_dir):
    with pytest.raises(ArticleError, match="a04_empty.txt: empty file"):
        read_file(articles_dir / "a04_empty.txt")
    with pytest.raises(ArticleError, match="no article body"):
        read_text("Just a title\n\nOctober 1, 2020\n", file="t.txt")
    with pytest.raises(ArticleError, match="cannot read"):
        read_file(tmp_path / "missing.txt")
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\xfa" * 10)
    with pytest.raises(ArticleError, match="bin.txt: not UTF-8"):
        read_file(tmp_path / "bin.txt")


def test_missing_date_is_reported(articles_dir):
    a = read_file(articles_dir / "a03_nodate.txt")
    assert a.published is None and a.warnings


def test_bullet_items_are_sentences_and_link_items_are_dropped():
    from geo.reader import read_text
    a = read_text("Title\n\nOctober 28, 2020\n\n- First point of the lead\n- Second point\n  goes on here\n"
                  "- [A related story](https://example.org/x)\n\nThe body begins.\n")
    assert a.paragraphs == ["First point of the lead.", "Second point goes on here.", "The body begins."]
