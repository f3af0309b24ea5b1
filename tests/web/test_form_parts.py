"""The web form's pure parts: the rate limiter's buckets, the CSRF signer, reading a post."""

from __future__ import annotations

from pydantic import SecretStr

from survey import events as ev
from survey.flow import Progress
from survey.settings import Settings
from web.csrf import Signer
from web.forms import Problem, progress_of, query_of, read
from web.limits import PER_IP, Limiter, Rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_a_burst_through_then_says_when_to_retry() -> None:
    clock = Clock()
    limiter = Limiter(Rate(burst=3, per_second=0.5), clock)
    assert [limiter.take("ip") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("ip") == 2  # one request back every 2 s
    assert limiter.take("other") == 0  # each key has its own bucket
    clock.now += 2
    assert limiter.take("ip") == 0 and limiter.take("ip") == 2
    clock.now += 3600
    assert [limiter.take("ip") for _ in range(4)] == [0, 0, 0, 2]  # refilled to the burst only


def test_the_address_limit_lets_an_office_behind_one_address_answer() -> None:
    clock = Clock()
    limiter = Limiter(PER_IP, clock)
    # 50 colleagues answering a question every 10 s each, for ten minutes, from one address
    refused = 0
    for _ in range(600):
        clock.now += 10 / 50
        refused += limiter.take("office") > 0
    assert refused == 0
    flood = [limiter.take("script") for _ in range(PER_IP.burst + 1)]
    assert flood[-1] > 0 and not any(flood[:-1])


def test_idle_buckets_are_forgotten_when_there_are_many(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("web.limits.MAX_KEYS", 10)
    clock = Clock()
    limiter = Limiter(Rate(burst=2, per_second=1.0), clock)
    for n in range(10):
        limiter.take(f"k{n}")
    clock.now += 60
    limiter.take("new")
    assert len(limiter._buckets) == 1


def test_csrf_tokens_are_bound_to_the_invitation_the_nonce_and_the_key() -> None:
    settings = Settings(secret_key=SecretStr("s3cret"), _env_file=None)  # type: ignore[call-arg]
    one, same = Signer(settings), Signer(settings)
    form = one.new("/s", "token-a")
    assert same.valid("/s", "token-a", form.nonce, form.csrf)  # another process, same key
    assert not one.valid("/s", "token-b", form.nonce, form.csrf)
    assert not one.valid("/interview", "token-a", form.nonce, form.csrf)
    assert not one.valid("/s", "token-a", form.nonce + "x", form.csrf)
    assert not one.valid("/s", "token-a", None, form.csrf)
    assert not one.valid("/s", "token-a", "n" * 65, one.sign("/s", "token-a", "n" * 65))
    unset = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not Signer(unset).valid("/s", "token-a", form.nonce, form.csrf)
    assert Signer(unset).new("/s", "t").nonce != Signer(unset).new("/s", "t").nonce


def test_reading_a_post() -> None:
    flags = {"lang": "en", "begun": "1", "cursor": "QU.product", "change": ""}
    assert progress_of(flags) == Progress("en", True, "QU.product", False)
    assert progress_of({"lang": "fr", "cursor": "x" * 41}) == Progress()
    assert query_of(Progress("en", True)) == {"lang": "en", "begun": "1"}
    assert read({"do": "level:3", "key": "GI"}, max_text=50).event == ev.AnswerLevel("GI", 3)
    assert read({"do": "level:na", "key": "GI"}, max_text=50).event == ev.AnswerLevel("GI", None)
    assert read({"do": "toggle:1", "key": "GI"}, max_text=50).event == ev.ToggleCause("GI", 1)
    assert read({"do": "nps:0", "key": "nps"}, max_text=50).event == ev.GiveNps(0)
    changed = read({"do": "change:GI", **flags}, max_text=50)
    assert changed.event == ev.ChangeAnswer("GI") and changed.progress.choosing_change
    posted = read({"do": "text", "key": "comment", "text": " fine "}, max_text=50)
    assert posted.event == ev.GiveText("comment", "fine")
    long = read({"do": "text", "key": "comment", "text": "y" * 51}, max_text=50)
    assert long.problem == Problem.TOO_LONG and long.text == "y" * 50
    for bad in ["level:6", "level:0", "level:", "nps:011", "toggle:x", "language:de"]:
        assert read({"do": bad, "key": "GI"}, max_text=50).problem == Problem.BAD_CHOICE, bad
    assert read({"do": "level:3"}, max_text=50).problem == Problem.INCOMPLETE
    assert read({}, max_text=50).problem == Problem.INCOMPLETE


def test_every_web_text_in_both_languages_and_every_one_used() -> None:
    import re
    from pathlib import Path

    from survey.schema import SUPPORTED_LANGUAGES
    from web.texts import WEB_TEXTS

    web = Path(__file__).parents[2] / "web"
    sources = "".join(p.read_text() for p in [*web.glob("*.py"), *web.glob("templates/*.html")])
    for key, variants in WEB_TEXTS.items():
        assert set(variants) == set(SUPPORTED_LANGUAGES), key
        assert len({frozenset(re.findall(r"{(\w+)}", v)) for v in variants.values()}) == 1, key
        used = sources.replace(f'    "{key}": {{', "")  # not its own entry in web/texts.py
        if key.startswith("channel_"):  # named as "channel_" ~ the channel's value
            assert '"channel_" ~' in used and key.removeprefix("channel_") in {"phone", "visit"}
            continue
        assert f'"{key}"' in used or f"'{key}'" in used, f"{key} is never shown"
