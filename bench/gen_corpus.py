#!/usr/bin/env python3
"""Synthetic conflict-news corpus with the ground truth of every incident planted in it.

Articles imitate the seeds' layout (title, "By ... for Testwire" byline, date line, body
paragraphs, "Original url:" block). Every sentence comes from the templates below, filled with
towns of the theatre and the actors of ``geo/data/actors.json``, so the truth is known exactly:
the benchmark can check that accuracy holds at scale, and a miss points at a rule.

    python bench/gen_corpus.py --n 1000 --out DIR --seed 1

writes ``DIR/articles/*.txt``, ``DIR/gold.jsonl`` (one planted incident a line, in the gold format
of ../shared/eval/README.md, with the planted sentence as ``note``) and ``DIR/manifest.json``.
Article ``i`` depends only on ``(seed, i)``: a corpus of 2,000 starts with the corpus of 1,000.
Articles are padded with context sentences (no incident) to about 380 words, as wire reports run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
WAR_START = date(2020, 9, 27)
FIRST_DAY, LAST_DAY = date(2020, 9, 28), date(2020, 11, 8)  # publication days: the war, before the ceasefire
RADIUS_KM = 5


@dataclass(frozen=True)
class Town:
    """A place an incident is planted at: the spelling written and the coordinates the truth holds."""

    name: str
    lat: float
    lon: float
    country: str
    held_by: str  # the side holding it in 2020: its opponent is the one that shells it


# Spellings the wire services used, with GeoNames coordinates. Homonyms whose resolution depends on
# context (Martuni) are left out: this corpus measures extraction, gazetteer_cases.tsv measures places.
WELL_KNOWN = [
    Town("Stepanakert", 39.8153, 46.7519, "AZ", "armenian"), Town("Khankendi", 39.8153, 46.7519, "AZ", "armenian"),
    Town("Shusha", 39.7581, 46.7486, "AZ", "armenian"), Town("Shushi", 39.7581, 46.7486, "AZ", "armenian"),
    Town("Martakert", 40.2124, 46.8209, "AZ", "armenian"), Town("Hadrut", 39.5197, 47.0311, "AZ", "armenian"),
    Town("Askeran", 39.9391, 46.8316, "AZ", "armenian"), Town("Fizuli", 39.6009, 47.1453, "AZ", "armenian"),
    Town("Jabrayil", 39.3992, 47.0284, "AZ", "armenian"), Town("Zangilan", 39.0837, 46.6599, "AZ", "armenian"),
    Town("Qubadli", 39.3444, 46.5818, "AZ", "armenian"), Town("Lachin", 39.6374, 46.5498, "AZ", "armenian"),
    Town("Berdzor", 39.6374, 46.5498, "AZ", "armenian"), Town("Kalbajar", 40.1098, 46.0445, "AZ", "armenian"),
    Town("Karvachar", 40.1098, 46.0445, "AZ", "armenian"), Town("Aghdam", 39.9910, 46.9274, "AZ", "armenian"),
    Town("Khojavend", 39.7950, 47.1117, "AZ", "armenian"), Town("Khojaly", 39.9136, 46.7921, "AZ", "armenian"),
    Town("Talish", 40.3814, 46.7408, "AZ", "armenian"), Town("Madagiz", 40.3314, 46.7294, "AZ", "armenian"),
    Town("Goris", 39.5111, 46.3417, "AM", "armenian"), Town("Kapan", 39.2076, 46.4068, "AM", "armenian"),
    Town("Sisian", 39.5219, 46.0270, "AM", "armenian"), Town("Berd", 40.8807, 45.3890, "AM", "armenian"),
    Town("Ijevan", 40.8804, 45.1478, "AM", "armenian"),
    Town("Tartar", 40.3417, 46.9319, "AZ", "azerbaijani"), Town("Terter", 40.3417, 46.9319, "AZ", "azerbaijani"),
    Town("Barda", 40.3744, 47.1267, "AZ", "azerbaijani"), Town("Ganja", 40.6828, 46.3606, "AZ", "azerbaijani"),
    Town("Goranboy", 40.6103, 46.7897, "AZ", "azerbaijani"), Town("Beylagan", 39.7756, 47.6186, "AZ", "azerbaijani"),
    Town("Aghjabadi", 40.0502, 47.4594, "AZ", "azerbaijani"), Town("Naftalan", 40.5082, 46.8203, "AZ", "azerbaijani"),
    Town("Mingachevir", 40.7642, 47.0623, "AZ", "azerbaijani"), Town("Horadiz", 39.4502, 47.3350, "AZ", "azerbaijani"),
    Town("Yevlakh", 40.6183, 47.1501, "AZ", "azerbaijani"), Town("Gadabay", 40.5705, 45.8123, "AZ", "azerbaijani"),
    Town("Dashkasan", 40.5239, 46.0819, "AZ", "azerbaijani"), Town("Shamkhir", 40.8297, 46.0178, "AZ", "azerbaijani"),
    Town("Goygol", 40.5858, 46.3189, "AZ", "azerbaijani"),
]
KARABAKH_BOX = (46.0, 39.0, 47.4, 40.45)  # lon/lat box of the contested area: its towns come from WELL_KNOWN only


def theatre_towns(gazetteer=None) -> list[Town]:
    """WELL_KNOWN plus the gazetteer's AZ/AM settlements over 1,000 people whose plain ASCII name finds only them.

    A name the gazetteer reads as another place (or as an actor) would plant a truth the text does
    not carry, so those are dropped; the choice is deterministic for a given gazetteer file.
    """
    from geo.gazetteer import Gazetteer
    from geo.lexicon import load
    g = gazetteer or Gazetteer.load()
    aliases = {a.text for a in load().aliases}
    known = {t.name for t in WELL_KNOWN}
    x0, y0, x1, y1 = KARABAKH_BOX
    out = list(WELL_KNOWN)
    for p in sorted(g.places, key=lambda p: p.geonameid):
        if (p.country not in ("AZ", "AM") or p.geo_precision != 1 or p.population <= 1000 or not p.name.isascii()
                or not p.name.replace(" ", "").replace("-", "").isalpha() or p.name in aliases or p.name in known
                or (x0 <= p.lon <= x1 and y0 <= p.lat <= y1)):
            continue
        if len(g.resolve_all(p.name)) != 1:
            continue
        ms = g.find_mentions(f"Shelling hit {p.name} on Monday.")
        if len(ms) == 1 and ms[0].place.geonameid == p.geonameid and ms[0].text == p.name:
            out.append(Town(p.name, round(p.lat, 4), round(p.lon, 4), p.country,
                            "armenian" if p.country == "AM" else "azerbaijani"))
            known.add(p.name)
    return out


@dataclass(frozen=True)
class Side:
    actor: str
    side: str
    adj: str       # 'Azerbaijani' forces
    poss: str      # 'Azerbaijan's' defence ministry
    subjects: tuple[str, ...]   # who says it: 'X said ...'
    according: tuple[str, ...]  # 'according to X'
    forces: tuple[str, ...]     # who fires: 'X shelled ...'
    capture_sub: str


AZ = Side("Azerbaijan", "azerbaijani", "Azerbaijani", "Azerbaijan's",
          ("Azerbaijan's defence ministry", "the Azerbaijani defence ministry", "Baku",
           "presidential aide Hikmet Hajiyev", "defence ministry spokesman Vagif Dargahli"),
          ("Azerbaijan's defence ministry", "the Azerbaijani defence ministry",
           "Hikmet Hajiyev, an aide to President Ilham Aliyev"),
          ("Azerbaijani forces", "Azerbaijani troops", "the Azerbaijani army", "Azerbaijan's army"),
          "Government regains territory")
AM = Side("Armenia", "armenian", "Armenian", "Armenia's",
          ("Armenia's defence ministry", "the Armenian defence ministry", "Yerevan",
           "defence ministry spokeswoman Shushan Stepanyan", "Armenian defence ministry official Artsrun Hovhannisyan"),
          ("Armenia's defence ministry", "the Armenian defence ministry",
           "Shushan Stepanyan, the Armenian defence ministry's spokeswoman"),
          ("Armenian forces", "Armenian troops", "the Armenian army", "Armenia's army"),
          "Non-state actor overtakes territory")
NK = Side("Nagorno-Karabakh", "armenian", "separatist", "Karabakh's",
          ("Karabakh's defence ministry", "separatist leader Arayik Harutyunyan",
           "Karabakh rights ombudsman Artak Beglaryan"),
          ("Karabakh's defence ministry", "separatist officials"),
          ("separatist forces", "ethnic Armenian separatists", "Karabakh's forces"),
          "Non-state actor overtakes territory")
OPPONENTS = {"Azerbaijan": (AM, NK), "Armenia": (AZ,), "Nagorno-Karabakh": (AZ,)}
NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
FIRST_NAMES = ["Lena", "Tomas", "Ilse", "Marek", "Nora", "Pavel", "Greta", "Yusuf", "Irene", "Oskar", "Dana", "Felix"]
LAST_NAMES = ["Marsh", "Veld", "Corrigan", "Halvorsen", "Duarte", "Kessler", "Obi", "Lindqvist", "Sato", "Brandt"]
VENUES = ["Moscow", "Geneva", "Paris", "Washington", "Brussels"]
# Context with no incident in it (no trigger word, no place), to bring articles to a wire report's
# length: the dev set's articles run to 384 words on average, and extraction time grows with the text.
FILLER = [
    "Thousands of families have left their homes for safer areas, according to aid groups.",
    "Schools in the region have closed, and classes moved online wherever connections allow.",
    "Aid workers described long queues for bread, fuel and medicine.",
    "Many residents now spend their nights in basements and makeshift shelters.",
    "Phone and internet connections were cut for several hours across much of the region.",
    "Analysts say neither side appears ready to compromise on the status of the region.",
    "Both governments have declared martial law and called up reservists.",
    "Humanitarian agencies appealed for safe access to civilians in need of food and care.",
    "Prices for basic goods have risen sharply since the crisis began, traders said.",
    "Volunteers collected warm clothes, blankets and medicine for displaced people.",
    "Officials on both sides have restricted the movement of foreign media near the front.",
    "Diplomats expect a new round of consultations later this month, though few predict a breakthrough.",
    "Local hospitals said they were short of blood, surgical supplies and generators.",
    "Traffic on the main road out of the region was heavy throughout the day.",
    "Religious leaders from both countries called for calm and for the protection of places of worship.",
    "The central bank said the economy would weather the crisis despite the cost of the mobilisation.",
    "Rights groups urged both governments to allow independent observers into the area.",
    "Long lines formed outside recruitment offices as men volunteered to serve.",
    "Families who fled said they had left with little more than documents and a change of clothes.",
    "Officials promised compensation for damaged homes once the situation allows.",
    "Power cuts have become common in the evenings, residents said.",
    "The dispute over the region has poisoned relations between the two neighbours for a generation.",
    "International airlines rerouted flights away from the area as a precaution.",
    "Both sides accuse each other of spreading false information on social media.",
    "Officials said supplies of drinking water remained a concern in several districts.",
    "Negotiators have met repeatedly over the years without settling the core questions.",
]
SHELLING = "Shelling/artillery/missile attack"
AIR = "Air/drone strike"
CLASH = "Armed clash"
EXPLOSIONS, BATTLES = "Explosions/Remote violence", "Battles"


@dataclass
class Planted:
    """A paragraph and the incidents it reports (none for a distractor)."""

    sentences: list[str]
    incidents: list[dict] = field(default_factory=list)
    towns: list[Town] = field(default_factory=list)


def _count(rng: random.Random, lo: int = 1, hi: int = 12) -> tuple[int, str]:
    n = rng.randint(lo, hi)
    return n, (NUMBER_WORDS[n - 1] if n <= len(NUMBER_WORDS) and rng.random() < 0.6 else str(n))


def _noun(count: str, n: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if n == 1 else many or one + 's'}"


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _an(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


class Writer:
    """Draws one article's sentences from one random stream, keeping the towns it used apart."""

    def __init__(self, rng: random.Random, published: date, towns: list[Town]):
        self.rng, self.pub = rng, published
        known = {t.name for t in WELL_KNOWN}
        self.pools = {(s, k): [t for t in towns if t.held_by == s and (t.name in known) == k]
                      for s in ("armenian", "azerbaijani") for k in (True, False)}
        self.used: set[tuple[float, float]] = set()

    def town(self, held_by: str, well_known: bool | None = None, karabakh: bool = False) -> Town:
        """A town of that side not yet used in the article: half from WELL_KNOWN, half from the gazetteer."""
        if well_known is None:
            well_known = self.rng.random() < 0.5
        pool = self.pools[held_by, well_known] or self.pools[held_by, not well_known]
        if karabakh:
            pool = [t for t in pool if t.country == "AZ"]
        while True:
            t = self.rng.choice(pool)
            if (t.lat, t.lon) not in self.used:
                self.used.add((t.lat, t.lon))
                return t

    def place(self, t: Town) -> str:
        r = self.rng.random()
        return t.name if r < 0.6 else f"the town of {t.name}" if r < 0.8 else f"the village of {t.name}"

    def when(self) -> tuple[str, date, date]:
        """A time expression, and the window of days it names, counted back from publication."""
        rng, pub = self.rng, self.pub
        k = min(rng.choice([0, 1, 1, 1, 2, 2, 3, 4, 5, 6]), (pub - WAR_START).days)
        day = pub - timedelta(days=k)
        wd, md = WEEKDAYS[day.weekday()], f"{MONTHS[day.month - 1]} {day.day}"
        if k == 0:
            forms = ["this morning", f"on {wd}", f"early on {wd}"]
        elif k == 1:
            forms = ["overnight", "yesterday", f"on {wd}", f"late on {wd}", f"on {wd} night", f"on {md}"]
        else:
            forms = [f"on {wd}", f"late on {wd}", f"on {wd} night", f"on {md}", f"on {day.day} {MONTHS[day.month - 1]}"]
        form = rng.choice(forms)
        if form == "overnight" or form.endswith("night"):
            return form, day, min(day + timedelta(days=1), pub)  # a night spans two calendar days
        return form, day, day

    def incident(self, t: Town, sub: str, when: tuple, actor: Side | None, claimed: list[str],
                 fatalities: int | None = None, injured: int | None = None) -> dict:
        event_type = BATTLES if sub in (CLASH, AZ.capture_sub, AM.capture_sub) else EXPLOSIONS
        return {"kind": "required", "category": "violent", "event_type": event_type, "sub_event_type": sub,
                "date_min": when[1].isoformat(), "date_max": when[2].isoformat(), "place": t.name,
                "lat": t.lat, "lon": t.lon, "radius_km": RADIUS_KM,
                "actor1_side": actor.side if actor else None, "claimed_by": claimed,
                "fatalities": fatalities, "injured": injured}

    # ---- incident paragraphs -------------------------------------------------------------------
    def attack(self) -> Planted:
        """Shelling, an air strike or an offensive on one town, reported by the side that was hit."""
        rng = self.rng
        x = rng.choice([AZ, AZ, AM, NK])
        c = rng.choice(OPPONENTS[x.actor])
        t = self.town("armenian" if x is AZ else "azerbaijani")
        w = self.when()
        T, W, X, C, Ca = self.place(t), w[0], rng.choice(x.forces), rng.choice(c.subjects), rng.choice(c.according)
        kind = rng.choice([SHELLING] * 5 + [AIR] * 2 + [CLASH] * 2)
        if kind == SHELLING:
            s = rng.choice([
                f"{_cap(C)} said {X} shelled {T} {W}.",
                f"{_cap(X)} shelled {T} {W}, {C} said.",
                f"{_cap(x.adj)} artillery struck {T} {W}, according to {Ca}.",
                f"{_cap(C)} accused {X} of shelling {T} {W}.",
                f"{_cap(W)}, {x.adj} rockets hit {T}, {C} said.",
                f"{_cap(T)} came under {x.adj} artillery fire {W}, {C} said.",
            ])
        elif kind == AIR:
            s = rng.choice([
                f"{_cap(C)} said {_an(x.adj)} drone struck {T} {W}.",
                f"{_cap(x.adj)} warplanes bombed {T} {W}, {C} said.",
            ])
        else:
            T = t.name
            s = rng.choice([
                f"{_cap(X)} launched an offensive near {T} {W}, {C} said.",
                f"{_cap(c.poss)} defence ministry said its troops repelled {_an(x.adj)} assault near {T} {W}.",
            ])
        inc = self.incident(t, kind, w, x, [c.actor])
        out = Planted([s], [inc], [t])
        if kind != CLASH and rng.random() < 0.4:  # the toll in the next sentence, which names no place
            n, ns = _count(rng)
            out.sentences.append(rng.choice([f"{_cap(_noun(ns, n, 'civilian'))} {_was(n)} killed there, it said.",
                                             f"{_cap(_noun(ns, n, 'person', 'people'))} died, the ministry added."]))
            inc["fatalities"] = n
        return out

    def casualties(self) -> Planted:
        """A strike with its toll in the same sentence."""
        rng = self.rng
        x = rng.choice([AZ, AM, NK])
        c = rng.choice(OPPONENTS[x.actor])
        t = self.town("armenian" if x is AZ else "azerbaijani")
        w = self.when()
        T, W, C = self.place(t), w[0], rng.choice(c.subjects)
        (n, ns), (m, ms) = _count(rng), _count(rng, 2, 40)
        form = rng.randrange(4)
        if form == 0:
            s, fat, inj = (f"{_cap(_noun(ns, n, 'civilian'))} {_was(n)} killed and {ms} wounded when {x.adj} shells "
                           f"hit {T} {W}, {C} said."), n, m
        elif form == 1:
            s, fat, inj = (f"{_cap(x.adj)} shelling of {T} {W} killed {_noun(ns, n, 'person', 'people')} and "
                           f"wounded {ms}, {C} said."), n, m
        elif form == 2:
            s, fat, inj = (f"{_cap(C)} said {x.adj} rocket fire on {T} {W} left {_noun(ns, n, 'person', 'people')} "
                           "dead."), n, None
        else:
            s, fat, inj = f"{_cap(ms)} civilians were wounded in {x.adj} shelling of {T} {W}, {C} said.", None, m
        return Planted([s], [self.incident(t, SHELLING, w, x, [c.actor], fat, inj)], [t])

    def capture(self) -> Planted:
        """A town taken, announced by the side that took it."""
        rng = self.rng
        x = rng.choice([AZ, AZ, AZ, AM])
        t = self.town("armenian", well_known=True, karabakh=True)  # the contested towns change hands
        w = self.when()
        T, W, X, C = self.place(t), w[0], rng.choice(x.forces), rng.choice(x.subjects)
        forms = [f"{_cap(C)} said {X} had captured {T} {W}.",
                 f"{_cap(X)} took control of {T} {W}, {C} said.",
                 f"{_cap(C)} announced that {X} had retaken {T} {W}."]
        if x is AZ:
            forms.append(f"{_cap(W)}, {X} liberated {T}, President Ilham Aliyev said.")
        return Planted([rng.choice(forms)], [self.incident(t, x.capture_sub, w, x, [x.actor])], [t])

    def witness(self) -> Planted:
        """A reporter's own observation: claimed by Media, no named attacker."""
        rng = self.rng
        t = self.town(rng.choice(["armenian", "azerbaijani"]))
        w = self.when()
        T, W = self.place(t), w[0]
        s = rng.choice([f"A Testwire reporter in {T} heard heavy explosions {W}.",
                        f"An AFP correspondent in {T} heard artillery fire {W}.",
                        f"Testwire journalists in {T} saw rockets strike the centre {W}."])
        return Planted([s], [self.incident(t, SHELLING, w, None, ["Media"])], [t])

    def several(self) -> Planted:
        """One strike on two or three towns: one incident each, no toll to share out."""
        rng = self.rng
        x = rng.choice([AZ, AM, NK])
        c = rng.choice(OPPONENTS[x.actor])
        ts = [self.town("armenian" if x is AZ else "azerbaijani") for _ in range(rng.choice([2, 2, 3]))]
        w = self.when()
        names = [t.name for t in ts]
        listed = " and ".join(names) if len(names) == 2 else f"{names[0]}, {names[1]} and {names[2]}"
        s = rng.choice([f"{_cap(rng.choice(x.forces))} shelled {listed} {w[0]}, {rng.choice(c.subjects)} said.",
                        f"{_cap(rng.choice(c.subjects))} said {x.adj} artillery hit {listed} {w[0]}."])
        return Planted([s], [self.incident(t, SHELLING, w, x, [c.actor]) for t in ts], ts)

    # ---- paragraphs that must yield nothing ----------------------------------------------------
    def venue(self) -> Planted:
        rng = self.rng
        v = rng.choice(VENUES)
        return Planted([rng.choice([
            (f"After {rng.randint(5, 12)} hours of talks in {v}, the foreign ministers of Armenia and Azerbaijan "
             "agreed to a humanitarian ceasefire."),
            f"Mediators met the two foreign ministers in {v} on {rng.choice(WEEKDAYS)} to discuss the fighting.",
            f"The two sides signed a truce agreement at talks in {v}, but each soon accused the other of violating it.",
            "At a news conference in Baku, Hikmet Hajiyev accused Armenia of shelling civilian areas.",
            "Speaking to reporters in Yerevan, Shushan Stepanyan said the shelling of border villages had to stop.",
        ])])

    def background(self) -> Planted:
        rng = self.rng
        forms = ["The region broke away from Azerbaijan in a war in the early 1990s that killed about 30,000 people.",
                 "The fighting is the worst since a 1994 ceasefire ended the first war over the region.",
                 "Hundreds of thousands of people were displaced in the war of the 1990s."]
        if rng.random() < 0.5:
            t = self.town("armenian", well_known=True, karabakh=True)
            return Planted([f"Armenian forces first took control of {t.name} in 1993, during that war."], [], [t])
        return Planted([rng.choice(forms)])

    def threat(self) -> Planted:
        """A strike someone might make: a place and a trigger, no incident."""
        rng = self.rng
        x = rng.choice([AZ, AM])
        t = self.town("armenian" if x is AZ else "azerbaijani")
        return Planted([(f"{_cap(rng.choice(x.subjects))} warned that its forces could strike {t.name} if the "
                         "attacks continued.")], [], [t])

    def denial(self) -> Planted:
        rng = self.rng
        return Planted([rng.choice(["Baku denied the claim.", "Yerevan dismissed the report as false.",
                                    "Both sides blame each other for the renewed fighting."])])

    def caption(self) -> Planted:
        """A photo caption with its credit line: the reader drops it, so its town must not be mapped."""
        t = self.town(self.rng.choice(["armenian", "azerbaijani"]))
        credit = f"**{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)} / Testwire**"
        return Planted([f"Smoke rises over {t.name} after overnight shelling.", credit], [], [t])


def _filler(rng: random.Random, words: int) -> list[str]:
    """Paragraphs of two or three FILLER sentences, about `words` long in all."""
    paras, cur, n = [], [], 0
    for s in rng.sample(FILLER, len(FILLER)):
        if n >= words:
            break
        cur.append(s)
        n += len(s.split())
        if len(cur) == rng.choice((2, 3)):
            paras.append(" ".join(cur))
            cur = []
    return paras + ([" ".join(cur)] if cur else [])


def article(seed: int, i: int, towns: list[Town], words: int = 0) -> tuple[str, str, list[dict]]:
    """(file name, text, gold rows) of article i of the corpus with this seed.

    `words` pads the article with FILLER to about that length (0: none); the padding has its own
    random stream, so the reports and the truth do not depend on it.
    """
    rng = random.Random(seed * 1_000_003 + i)
    pub = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    w = Writer(rng, pub, towns)
    makers = [w.attack] * 4 + [w.casualties] * 2 + [w.capture] * 2 + [w.witness, w.several]
    blocks = [rng.choice(makers)() for _ in range(rng.choice([1, 2, 2, 3]))]
    lead = blocks[0]
    extra = [w.background()] + [rng.choice([w.venue, w.threat, w.denial, w.caption, w.background])()
                                for _ in range(rng.randint(1, 3))]
    rest = blocks[1:] + extra
    rng.shuffle(rest)
    paras = [lead] + rest
    digest = hashlib.sha1(f"{seed}:{i}".encode()).hexdigest()[:16]
    name = f"{i:06d}_{digest}.txt"
    url = f"https://testwire.example/{pub:%Y/%m/%d}/report-{digest}"
    first = lead.towns[0].name
    title = rng.choice([f"{first} Comes Under Fire as Karabakh Fighting Rages",
                        f"Fresh Clashes Around {first} Despite Calls for a Truce",
                        f"Karabakh War: Reports From {first}", f"Fighting Spreads Near {first}"])
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    body = []
    for p in paras:
        if len(p.sentences) == 2 and p.sentences[1].startswith("**"):
            body += [p.sentences[0], p.sentences[1]]
        else:
            body.append(" ".join(p.sentences))
    if rng.random() < 0.3:
        body.insert(min(2, len(body)), "**Related article:** [Ceasefire Talks Stall Again](#)")
    if words:
        frng = random.Random(f"filler:{seed}:{i}")
        have = sum(len(b.split()) for b in body)
        for para in _filler(frng, frng.randint(words * 3 // 4, words * 5 // 4) - have):
            # never between a caption and its credit line: the reader drops the paragraph before a credit
            spots = [k for k in range(1, len(body) + 1) if k == len(body) or not body[k].startswith("**")]
            body.insert(frng.choice(spots), para)
    text = (f"\n\n# {title}\n\nBy [{author} for Testwire](#)\n\n{MONTHS[pub.month - 1]} {pub.day}, {pub.year}\n\n\n\n"
            + "\n\n".join(body) + f"\n\nOriginal url:\n\n<{url}>\n")
    gold, k = [], 0
    for p in paras:
        for inc in p.incidents:
            k += 1
            gold.append({"article": name, "url": url, "id": f"g{i:06d}-{k}", **inc, "note": " ".join(
                s for s in p.sentences if not s.startswith("**"))})
    return name, text, gold


def write_corpus(out: str | Path, n: int, seed: int = 1, towns: list[Town] | None = None, words: int = 380) -> dict:
    """Write n articles (about `words` long) and their truth under out; returns the manifest."""
    out = Path(out)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    towns = towns or theatre_towns()
    gold_n = 0
    with open(out / "gold.jsonl", "w", encoding="utf-8") as g:
        for i in range(n):
            name, text, gold = article(seed, i, towns, words)
            (out / "articles" / name).write_text(text, encoding="utf-8")
            g.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in gold)
            gold_n += len(gold)
    manifest = {"n_articles": n, "seed": seed, "words": words, "n_incidents": gold_n, "n_towns": len(towns),
                "articles": "articles", "gold": "gold.jsonl"}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="number of articles")
    ap.add_argument("--out", required=True, help="output folder (articles/, gold.jsonl, manifest.json)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--words", type=int, default=380,
                    help="pad articles with context to about this length, as real reports run (0: no padding)")
    args = ap.parse_args(argv)
    print(json.dumps(write_corpus(args.out, args.n, args.seed, words=args.words)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
