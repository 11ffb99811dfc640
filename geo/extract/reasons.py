"""The reason of an incident: which trigger, date rule, place and actor rule made it, for the analyst who
checks it."""
from __future__ import annotations

import re

from ..lexicon import Trigger
from ..records import Mention


def reason(trig: Trigger, tm: re.Match, sub: str, when, when_rule: str, m: Mention, prec: int,
            a1: str | None, actor_rule: str) -> str:
    """Why the incident is what it is: trigger, date rule, place and actor, for the analyst who checks it."""
    return (f"trigger '{tm.group(0)}' ({trig.kind}: {sub}); date {when.day.isoformat()} from {when_rule}; "
            f"place '{m.text}' = {m.place.name} (gazetteer {m.place.geonameid}), precision {prec}; "
            f"actor1 {a1 or 'unknown'} ({actor_rule})")
