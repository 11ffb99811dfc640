"""Small typed records passed between the pipeline stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Article:
    """One news article as read from disk, cleaned of markup and boilerplate."""

    file: str
    title: str
    published: date | None
    paragraphs: list[str]
    sentences: list[str]
    url: str | None = None
    byline: str | None = None
    sha1: str = ""
    warnings: list[str] = field(default_factory=list)
    path: str = ""  # the full source path, part of the article's identity in the store (`file` is its name)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry: a settlement, a region or a landmark standing for a town."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country: str | None
    admin1: str | None
    feature_class: str
    feature_code: str
    population: int
    geo_precision: int = 1


@dataclass(frozen=True)
class Mention:
    """A place name found in a sentence: character span, surface text and the resolved place."""

    start: int
    end: int
    text: str
    place: Place
    score: float = 100.0


@dataclass
class Source:
    """An article an incident comes from. `article` is the store's short id of that article, so that two
    articles of the same file name (in other folders) are two sources; None before it is stored."""

    file: str
    url: str | None
    title: str
    published: str | None
    article: str | None = None

    def as_dict(self) -> dict:
        return {"file": self.file, "url": self.url, "title": self.title, "published": self.published,
                "article": self.article}

    def key(self) -> tuple:
        """What tells one source article from another: the store's id, else (stored before it) the file name."""
        return (self.article or self.file, self.url)


REPORTED, PLANNED = "reported", "planned"
STATUSES = (REPORTED, PLANNED)


@dataclass
class Incident:
    """One event in ACLED's terms, with who claims it, who denies it and the sentences it came from.

    ``status`` is ``planned`` for a transfer an agreement schedules, dated to its scheduled day: the
    store keeps it for the front line, but it is no report of something that happened, so exports
    and the map's incident layers leave it out.
    """

    id: str
    event_date: str
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    location: str
    country: str | None
    admin1: str | None
    lat: float
    lon: float
    geo_precision: int
    fatalities: int | None = None
    injured: int | None = None
    claimed_by: list[str] = field(default_factory=list)
    denied_by: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    geonameid: int | None = None
    notes: str = ""
    status: str = REPORTED

    def source_files(self) -> set[str]:
        """The source articles, by the store's id where it has one (see `Source.article`)."""
        return {s.article or s.file for s in self.sources}
