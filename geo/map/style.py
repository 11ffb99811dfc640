"""How each ACLED event type is drawn, and the names shown for codes: shared by every layer."""
from __future__ import annotations

__all__ = ["TYPE_STYLE", "OTHER_STYLE", "SHORT_TYPE", "PRECISION", "COUNTRY_NAMES", "style_of"]


TYPE_STYLE = {
    "Battles": ("#c0392b", "crosshairs"),
    "Explosions/Remote violence": ("#d35400", "bomb"),
    "Violence against civilians": ("#8e44ad", "user"),
    "Protests": ("#27ae60", "bullhorn"),
    "Riots": ("#f39c12", "fire"),
    "Strategic developments": ("#2c3e50", "flag"),
}
OTHER_STYLE = ("#7f8c8d", "circle-info")
SHORT_TYPE = {"Battles": "Battles", "Explosions/Remote violence": "Explosions", "Violence against civilians":
              "On civilians", "Protests": "Protests", "Riots": "Riots", "Strategic developments": "Strategic"}
PRECISION = {1: "day", 2: "week", 3: "month"}
COUNTRY_NAMES = {"AZ": "Azerbaijan", "AM": "Armenia", "GE": "Georgia", "IR": "Iran", "TR": "Turkey",
                 "RU": "Russia"}


def style_of(event_type: str | None) -> tuple[str, str]:
    return TYPE_STYLE.get(event_type or "", OTHER_STYLE)
