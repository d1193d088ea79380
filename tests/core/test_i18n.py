"""Both catalogs are complete and compiled, and the language follows the user."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from babel.messages.mofile import read_mo
from flask_babel import force_locale
from flask_babel import ngettext

from scripts import i18n

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _key(msgid: Any) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


@pytest.fixture(scope="module")
def extracted() -> list[Any]:
    return [m for m in i18n.extract() if m.id]


def test_extraction_finds_the_messages_of_code_and_templates(extracted: list[Any]) -> None:
    ids = {_key(m.id) for m in extracted}
    # one from Python (lazy), one from a service marker, one from a template
    assert {"Gas station", "No such facility.", "Change history"} <= ids
    assert len(ids) > 150


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_every_message_is_translated(locale: str, extracted: list[Any]) -> None:
    catalog = i18n.load(locale)
    problems = []
    for msg in extracted:
        found = catalog.get(msg.id, context=msg.context)
        strings = found.string if found is not None else None
        parts = strings if isinstance(strings, tuple | list) else (strings,)
        if found is None:
            problems.append(f"missing: {_key(msg.id)!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {_key(msg.id)!r}")
        elif not all(parts):
            problems.append(f"empty: {_key(msg.id)!r}")
    assert not problems, f"{locale} catalog:\n" + "\n".join(problems)


def test_msgids_are_english(extracted: list[Any]) -> None:
    chinese = [_key(m.id) for m in extracted if CJK.search(_key(m.id))]
    assert not chinese, f"msgids must be English source text: {chinese}"


def test_translations_keep_their_placeholders() -> None:
    catalog = i18n.load("zh")
    wrong = []
    for msg in catalog:
        if not msg.id or not msg.string:
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        strings = [msg.string] if isinstance(msg.string, str) else list(msg.string)
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings):
            wrong.append(ids[0])
    assert not wrong, f"placeholders differ: {wrong}"


def test_chinese_catalog_is_chinese() -> None:
    catalog = i18n.load("zh")
    # labels such as "English" may legitimately stay; real sentences must not
    untranslated = [
        m.id
        for m in catalog
        if m.id and isinstance(m.string, str) and m.string == m.id and " " in m.id
    ]
    assert not untranslated, untranslated


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_compiled_catalogs_match_the_po_files(locale: str) -> None:
    po = i18n.load(locale)
    with open(i18n.po_path(locale).with_suffix(".mo"), "rb") as fh:
        mo = read_mo(fh)
    expected = {(_hashable(m.id), _hashable(m.string)) for m in po if m.id and not m.fuzzy}
    expected = {(k, v) for k, v in expected if v and (isinstance(v, str) or all(v))}
    compiled = {(_hashable(m.id), _hashable(m.string)) for m in mo if m.id}
    assert compiled == expected, (
        f"{locale}: messages.mo is stale; run `python scripts/i18n.py compile`"
    )


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize(
    ("locale", "one", "two"),
    [
        ("en", "Overdue by 1 day", "Overdue by 2 days"),
        ("zh", "已逾期 1 天", "已逾期 2 天"),
    ],
)
def test_counted_messages_use_the_languages_plural_forms(
    app: Any, locale: str, one: str, two: str
) -> None:
    nplurals = {"en": 2, "zh": 1}[locale]
    assert i18n.load(locale).num_plurals == nplurals
    with app.test_request_context(), force_locale(locale):
        assert ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", 1) == one
        assert ngettext("Overdue by %(num)s day", "Overdue by %(num)s days", 2) == two


# --- the language in use ---------------------------------------------------------------


def _lang(resp: Any) -> str:
    html = resp.get_data(as_text=True)
    m = re.search(r'<html lang="([^"]+)"', html)
    assert m, html[:200]
    return m.group(1)


def test_browser_language_is_negotiated(client: Any) -> None:
    zh = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert _lang(zh) == "zh-Hans" and "登录" in zh.get_data(as_text=True)
    en = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert _lang(en) == "en" and "Log in" in en.get_data(as_text=True)
    assert "登录" not in en.get_data(as_text=True)


def test_default_language_without_a_preference(client: Any) -> None:
    resp = client.get("/login", headers={"Accept-Language": "fr-FR"})
    assert _lang(resp) == "zh-Hans"  # DEFAULT_LOCALE is zh


def test_language_switch_is_remembered_in_the_session(client: Any) -> None:
    headers = {"Accept-Language": "zh-CN"}
    resp = client.post("/language", data={"locale": "en", "next": "/login"}, headers=headers)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert _lang(client.get("/login", headers=headers)) == "en"
    client.post("/language", data={"locale": "zh"}, headers=headers)
    assert _lang(client.get("/login", headers={"Accept-Language": "en"})) == "zh-Hans"


def test_language_switch_refuses_unknown_languages_and_outside_next(client: Any) -> None:
    resp = client.post("/language", data={"locale": "fr", "next": "https://evil.example/"})
    assert resp.status_code == 302 and "evil" not in resp.headers["Location"]
    assert _lang(client.get("/login", headers={"Accept-Language": "en"})) == "en"


def test_users_saved_language_wins_and_switch_saves_it(client: Any, login_as: Any, db: Any) -> None:
    user = login_as("viewer", locale="en")
    assert _lang(client.get("/assets", headers={"Accept-Language": "zh-CN"})) == "en"
    client.post("/language", data={"locale": "zh"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "zh"
    assert _lang(client.get("/assets", headers={"Accept-Language": "en"})) == "zh-Hans"


def test_saved_language_is_used_after_logging_in(client: Any, make_user: Any) -> None:
    user = make_user("viewer", locale="en", password="long-password-1")
    client.post("/login", data={"email": user.email, "password": "long-password-1"})
    assert _lang(client.get("/assets", headers={"Accept-Language": "zh-CN"})) == "en"


def test_dates_are_shown_per_locale(client: Any, login_as: Any, make_asset: Any) -> None:
    asset = make_asset(installed_on=date(2018, 5, 10))
    login_as("regulator", locale="zh")
    zh = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "2018年5月10日" in zh and "May 10, 2018" not in zh
    client.post("/language", data={"locale": "en"})
    en = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "May 10, 2018" in en and "2018年5月10日" not in en


def test_choices_and_history_show_translated_labels(
    client: Any, login_as: Any, make_asset: Any
) -> None:
    asset = make_asset(substance="diesel", wall="double", anti_seepage="double_wall")
    login_as("regulator", locale="zh")
    html = client.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "柴油" in html and "双层" in html
    # the history names fields and values in the user's language, not as columns and codes
    history = html[html.index('class="history"') :]
    assert "储存物质" in history and "柴油" in history
    assert "diesel" not in history and "anti_seepage" not in history


def test_api_errors_follow_the_language(
    client: Any, world: dict[str, Any], api_headers: Any
) -> None:
    h = api_headers(world["users"]["operator_a"])
    body = {
        "facility_id": world["fac_a"].id,
        "kind": "tank",
        "substance": "diesel",
        "installed_on": "2999-01-01",
    }
    zh = client.post("/api/v1/assets", json=body, headers=h | {"Accept-Language": "zh-CN"})
    en = client.post("/api/v1/assets", json=body, headers=h | {"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 422
    assert zh.json["errors"]["json"]["installed_on"] == ["不能晚于今天。"]
    assert en.json["errors"]["json"]["installed_on"] == ["Must not be in the future."]
