"""Every visible string exists in both languages, and every key a page asks for exists."""

import re
from pathlib import Path

import pytest

from ecops import i18n

ROOT = Path(__file__).resolve().parents[1]
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z_]+\.[A-Za-z0-9_.]*[A-Za-z0-9_])["']""")


def test_every_key_has_both_languages():
    missing = [k for k, v in i18n.catalog().items() if not v.get("en") or not v.get("zh")]
    assert not missing, f"keys without zh or en text: {missing[:20]}"


def test_placeholders_agree_between_languages():
    field = re.compile(r"{(\w+)")
    bad = [k for k, v in i18n.catalog().items()
           if set(field.findall(v.get("en", ""))) != set(field.findall(v.get("zh", "")))]
    assert not bad, f"zh and en use different placeholders: {bad[:20]}"


@pytest.mark.parametrize("path", sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ecops/ui/*.py"), ROOT / "app.py"]),
                         ids=lambda p: p.name)
def test_keys_used_in_code_exist(path):
    used = set(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    unknown = sorted(k for k in used if k not in i18n.catalog())
    assert not unknown, f"{path.name} uses unknown translation keys: {unknown}"


def test_lookup_and_fallbacks():
    assert i18n.t("overview.kpi.orders", "zh") == "订单数"
    assert i18n.t("overview.kpi.orders", "en") == "Orders"
    assert i18n.t("no.such.key", "en") == "no.such.key"
    assert "2024" in i18n.t("overview.no_compare", "en", start="2024-01-01", end="2024-01-31")
    assert i18n.lang_from_locale("zh-CN") == "zh" and i18n.lang_from_locale("en-GB") == "en"
    assert i18n.lang_from_locale(None) == "en"
