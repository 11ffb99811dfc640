"""Homonym ranking: which of the places sharing a name the text means.

A score per candidate, the sum of the terms below; the weights are named so a change is one line.
Context (countries and places named in the same text) outweighs everything a place is on its own.
"""
from __future__ import annotations

import math

from .names import loose_key
from .normalize import fold, haversine_km, key

#: A candidate in a country the caller gives as context.
W_CONTEXT_COUNTRY = 30
#: The name asked for is the place's own name or asciiname (not an old or foreign alternate), or it is curated.
W_CURRENT_NAME = 15
#: Among places found under several spellings, one that has the name as asked among its names (not only its key).
W_NAMED = 5
#: A place of the theatre's countries, when the name is its current one, and when it is only an alternate.
W_THEATRE_CURRENT = 20
W_THEATRE_ALTERNATE = 10
#: Preference by feature code, else class: countries, then towns, sites, landmarks, regions.
CLASS_WEIGHT = {"PCLI": 25, "P": 15, "S": 10, "L": 5, "A": 0}
#: Per decade of population (not for regions, whose population is their towns').
W_POPULATION_LOG10 = 3
#: Nearness to the closest context place: the weight at 0 km and the e-folding distance.
W_CONTEXT_PLACE = 50
CONTEXT_PLACE_KM = 100.0
#: Nearness to the theatre's focus (the centre of its fighting): a weak default context.
W_FOCUS = 15
FOCUS_KM = 150.0


def class_weight(feature_code: str, feature_class: str) -> int:
    return CLASS_WEIGHT.get(feature_code, CLASS_WEIGHT.get(feature_class, 0))


class Ranker:
    """The ranking of `Gazetteer`: needs `places`, `_names`, `_curated`, `theatre`, `focus`, `_rank_terms`."""

    def _rank(self, cands: list[int], query_fold: str, context_countries=None,
              context_places=None, query_key: str | None = None, named=None,
              query_loose: str | None = None) -> list[tuple[float, int]]:
        """(score, index) of every candidate, best first; ties by geonameid so the order is stable.

        With `query_key` (the phonetic key of the name asked for), a candidate whose own name has that key
        counts as named by its current name too (Dashalty for Daşaltı, not for an alternate elsewhere); so does
        one whose own name has `query_loose`, the loose key of the name (Shukurbeyly for Shyukyurbeyli).
        `named`: the candidates that have the name as asked (the others came by its key), which come first
        among equals (Чыраглы for the Çıraqlı whose name it is, not another Çıraqlı)."""
        ctx_c = {c.upper() for c in (context_countries or [])}
        ctx_p = [p for p in (context_places or []) if p is not None]
        ranked = []
        for i in cands:
            p = self.all_places[i]
            s = 0.0
            if p.country in ctx_c:
                s += W_CONTEXT_COUNTRY
            own = self._rank_terms.get(i)
            if own is None:  # what depends on the place alone, worked out once per place
                names = self._names[i]
                focus = (W_FOCUS * math.exp(-haversine_km(p.lat, p.lon, *self.focus) / FOCUS_KM)
                         if self.focus is not None else None)
                own = self._rank_terms[i] = (fold(names[0]), fold(names[1]), focus)
            current = self._curated[i] or query_fold in own[:2] or (
                query_key is not None and query_key in (key(self._names[i][0]), key(self._names[i][1]))) or (
                query_loose is not None and query_loose in (loose_key(self._names[i][0]), loose_key(self._names[i][1])))
            if current:
                s += W_CURRENT_NAME
            if named is not None and i in named:
                s += W_NAMED
            if p.country in self.theatre:
                s += W_THEATRE_CURRENT if current else W_THEATRE_ALTERNATE
            s += class_weight(p.feature_code, p.feature_class)
            if p.feature_class != "A" or p.feature_code == "PCLI":
                s += W_POPULATION_LOG10 * math.log10(p.population + 1)
            if ctx_p:
                d = min(haversine_km(p.lat, p.lon, c.lat, c.lon) for c in ctx_p)
                s += W_CONTEXT_PLACE * math.exp(-d / CONTEXT_PLACE_KM)
            if own[2] is not None:
                s += own[2]
            ranked.append((s, i))
        ranked.sort(key=lambda t: (-t[0], self.all_places[t[1]].geonameid))
        return ranked
