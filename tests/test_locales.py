"""English and Chinese catalogs: the same messages, the same placeables, all renderable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fluent.syntax import FluentParser, ast

from bot.config import PROJECT_ROOT
from bot.services.i18n import Catalog, format_date, format_money, language_from_code

LOCALES = PROJECT_ROOT / "locales"


def placeables(directory: Path) -> dict[str, set[str]]:
    """Message id → the variables it uses, over every .ftl file of one language."""
    found: dict[str, set[str]] = {}
    for file in sorted(directory.glob("*.ftl")):
        resource = FluentParser().parse(file.read_text(encoding="utf-8"))
        junk = [e for e in resource.body if isinstance(e, ast.Junk)]
        assert not junk, f"{file}: syntax error near {junk[0].content[:60]!r}"
        for entry in resource.body:
            if isinstance(entry, ast.Message):
                text = FluentSerializer().serialize_entry(entry)
                found[entry.id.name] = set(re.findall(r"\$([A-Za-z_][\w-]*)", text))
    return found


from fluent.syntax import FluentSerializer  # noqa: E402


def test_every_message_exists_in_both_languages_with_the_same_placeables() -> None:
    en, zh = placeables(LOCALES / "en"), placeables(LOCALES / "zh")
    assert sorted(set(en) - set(zh)) == [], "missing in Chinese"
    assert sorted(set(zh) - set(en)) == [], "missing in English"
    differing = {mid: (en[mid], zh[mid]) for mid in en if en[mid] != zh[mid]}
    assert differing == {}


def test_the_catalog_knows_both_languages() -> None:
    catalog = Catalog(LOCALES)
    ids = catalog.message_ids()
    assert ids["en"] == ids["zh"]
    assert catalog.text("zh", "btn-yes") == "✅ 是"


def test_messages_render_without_fluent_errors() -> None:
    """Each message, given a value for every placeable it declares, formats cleanly."""
    catalog = Catalog(LOCALES)
    for lang in ("en", "zh"):
        variables = placeables(LOCALES / lang)
        bundle = catalog._bundles[lang]
        for message_id in catalog.message_ids()[lang]:
            message = bundle.get_message(message_id)
            args = dict.fromkeys(variables[message_id], 2)
            _, errors = bundle.format_pattern(message.value, args)
            assert errors == [], (lang, message_id, errors)


def test_dates_money_and_language_codes() -> None:
    day = dt.date(2026, 12, 2)
    assert format_date(day, "zh") == "2026年12月2日"
    assert format_date(day, "en") == "December 2, 2026"
    assert format_money(100000, "CNY", "zh") == "10万元"  # how a Chinese reader says it
    assert format_money(123456, "CNY", "zh") == "¥123,456.00"  # never rounded
    assert format_money(100000, "CNY", "en") == "CN¥100,000.00"
    assert language_from_code("zh-hans") == "zh"
    assert language_from_code("zh-TW") == "zh"
    assert language_from_code("en-GB") == "en"
    assert language_from_code(None) == "en"


def test_counts_read_right_in_english() -> None:
    catalog = Catalog(PROJECT_ROOT / "locales")
    assert catalog.text("en", "bc-idle-days", days=1) == "1 day"
    assert catalog.text("en", "bc-idle-days", days=7) == "7 days"
    one = catalog.text("en", "bc-summary", audience="all", count=1, when="now")
    assert "<b>1</b> company (" in one
    assert "<b>2</b> companies (" in catalog.text(
        "en", "bc-summary", audience="all", count=2, when=""
    )
    assert catalog.text("en", "summary-duration", start="a", end="b", days=1).endswith("1 day")
