"""web.initdata against initData strings signed independently by the algorithm Telegram
documents (hmac/hashlib in tests/web/mini_app_signing.py, never our own functions): genuine
ones pass, forged, tampered, stale and malformed ones are refused with their reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.web.mini_app_signing import telegram_sign as sign
from web.initdata import InitDataRefused, MiniAppUser, Problem, validate

BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
NOW = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
USER = {"id": 279058397, "first_name": "Lǐ 丽", "language_code": "zh-hans", "is_premium": True}


def telegram_sign(fields: dict[str, str], token: str = BOT_TOKEN) -> str:
    return sign(fields, token)


def fields(*, auth_date: datetime = NOW - timedelta(minutes=1), **extra: str) -> dict[str, str]:
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(USER, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(auth_date.timestamp())),
        **extra,
    }


def refusal(init_data: str, **kwargs: object) -> Problem:
    with pytest.raises(InitDataRefused) as caught:
        validate(init_data, BOT_TOKEN, now=NOW, **kwargs)  # type: ignore[arg-type]
    return caught.value.problem


def test_a_genuine_init_data_names_its_user() -> None:
    signed_at = NOW - timedelta(minutes=3)
    user = validate(telegram_sign(fields(auth_date=signed_at)), BOT_TOKEN, now=NOW)
    assert user == MiniAppUser(
        id=279058397,
        first_name="Lǐ 丽",
        language_code="zh-hans",
        auth_date=signed_at.replace(microsecond=0),
    )


def test_newer_fields_are_part_of_the_check() -> None:
    # Telegram adds fields over time (signature, chat_instance): all but hash are signed.
    init_data = telegram_sign(fields(signature="abc_-", chat_instance="-1", chat_type="sender"))
    assert validate(init_data, BOT_TOKEN, now=NOW).id == USER["id"]


def test_a_user_without_language_is_read() -> None:
    user = json.dumps({"id": 7, "first_name": "Ann"})
    assert validate(telegram_sign(fields(user=user)), BOT_TOKEN, now=NOW).language_code is None


def test_another_bots_token_is_refused() -> None:
    assert refusal(telegram_sign(fields(), token="999:other")) == Problem.BAD_HASH


def test_a_changed_user_is_refused() -> None:
    genuine = telegram_sign(fields())
    forged = genuine.replace(quote("279058397"), quote("279058398"))
    assert forged != genuine
    assert refusal(forged) == Problem.BAD_HASH


def test_a_field_added_after_signing_is_refused() -> None:
    assert refusal(telegram_sign(fields()) + "&start_param=x") == Problem.BAD_HASH


def test_a_removed_field_is_refused() -> None:
    genuine = telegram_sign(fields())
    without_query = "&".join(p for p in genuine.split("&") if not p.startswith("query_id="))
    assert refusal(without_query) == Problem.BAD_HASH


def test_an_uppercase_hash_is_the_same_hash() -> None:
    genuine = telegram_sign(fields())
    head, digest = genuine.rsplit("hash=", 1)
    assert validate(f"{head}hash={digest.upper()}", BOT_TOKEN, now=NOW).id == USER["id"]


@pytest.mark.parametrize("digest", ["%C3%A9" * 32, "zz", "0" * 64, "%00"])
def test_a_hash_of_any_text_is_a_bad_hash_not_a_crash(digest: str) -> None:
    genuine = telegram_sign(fields())
    head = genuine.rsplit("hash=", 1)[0]
    assert refusal(f"{head}hash={digest}") == Problem.BAD_HASH


@pytest.mark.parametrize("init_data", ["query_id=1&auth_date=1", "hash=&auth_date=1"])
def test_no_hash_is_refused(init_data: str) -> None:
    assert refusal(init_data) == Problem.MISSING_HASH


def test_stale_data_is_refused() -> None:
    stale = telegram_sign(fields(auth_date=NOW - timedelta(days=1, seconds=1)))
    assert refusal(stale) == Problem.EXPIRED
    assert validate(stale, BOT_TOKEN, now=NOW, max_age=timedelta(days=2)).id == USER["id"]


def test_data_from_the_future_is_refused() -> None:
    assert refusal(telegram_sign(fields(auth_date=NOW + timedelta(hours=1)))) == Problem.EXPIRED


@pytest.mark.parametrize(
    "init_data",
    [
        "",
        "just text",
        "a=1&a=2&hash=00",
        "x" * 5000,
    ],
)
def test_unreadable_strings_are_malformed(init_data: str) -> None:
    assert refusal(init_data) == Problem.MALFORMED


@pytest.mark.parametrize(
    "change",
    [
        {"auth_date": "yesterday"},
        {"auth_date": "99999999999999999999"},
        {"user": "{not json"},
        {"user": "[1, 2]"},
        {"user": json.dumps({"id": "7", "first_name": "Ann"})},
        {"user": json.dumps({"id": True, "first_name": "Ann"})},
        {"user": json.dumps({"id": 7})},
        {"user": json.dumps({"id": 7, "first_name": "Ann", "language_code": 5})},
    ],
)
def test_signed_but_unreadable_fields_are_malformed(change: dict[str, str]) -> None:
    # Signed correctly, so only the shape check can refuse them: never a crash.
    assert refusal(telegram_sign({**fields(), **change})) == Problem.MALFORMED


def test_signed_data_without_a_user_is_malformed() -> None:
    without_user = {k: v for k, v in fields().items() if k != "user"}
    assert refusal(telegram_sign(without_user)) == Problem.MALFORMED


field_names = st.sampled_from(["query_id", "user", "auth_date"])


@given(init_data=st.text(max_size=300))
def test_any_text_is_refused_with_a_reason(init_data: str) -> None:
    with pytest.raises(InitDataRefused):
        validate(init_data, BOT_TOKEN, now=NOW)


@given(
    st.dictionaries(
        st.sampled_from(["hash", "user", "auth_date", "query_id"]) | st.text(min_size=1),
        st.text(max_size=60),
        max_size=6,
    )
)
def test_any_unsigned_query_string_is_refused_with_a_reason(pairs: dict[str, str]) -> None:
    with pytest.raises(InitDataRefused):
        validate(urlencode(pairs, quote_via=quote), BOT_TOKEN, now=NOW)


@given(name=field_names, value=st.text(min_size=1, max_size=40))
def test_any_changed_field_is_refused(name: str, value: str) -> None:
    genuine = fields()
    assume(genuine[name] != value)
    signed = telegram_sign(genuine)
    digest = signed.rsplit("hash=", 1)[1]
    tampered = urlencode({**genuine, name: value, "hash": digest}, quote_via=quote)
    with pytest.raises(InitDataRefused) as caught:
        validate(tampered, BOT_TOKEN, now=NOW)
    assert caught.value.problem == Problem.BAD_HASH
