"""``GET /campaigns/{key}/invitations``, the invite answer and the chase list carry both links
of each respondent (the Telegram deep link and the web link), to staff and admin keys only."""

from __future__ import annotations

from sqlalchemy import update

from storage.campaigns import deep_link, web_link
from storage.models import Respondent
from tests.admin.conftest import BOT_USERNAME, Api, error_of
from tests.support import seed_campaign

PUBLIC_URL = "https://csat.example.com"
KEY = "2026-Q4"


def with_public_url(api: Api) -> None:
    api.app.state.settings = api.app.state.settings.model_copy(update={"public_url": PUBLIC_URL})


async def test_the_invitation_list_gives_staff_both_links_of_every_respondent(api: Api) -> None:
    tokens = await seed_campaign(api.sessions, key=KEY)
    async with api.sessions() as session, session.begin():
        await session.execute(
            update(Respondent).where(Respondent.external_id == "r2").values(telegram_user_id=42)
        )
    with_public_url(api)
    listed = await api.get(f"/campaigns/{KEY}/invitations", role="staff")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["count"] == 4
    by_id = {entry["respondent_id"]: entry for entry in body["data"]}
    assert sorted(by_id) == ["r1", "r2", "r3", "r4"]
    for respondent, token in tokens.items():
        entry = by_id[respondent]
        assert entry["token"] == token and entry["state"] == "created"
        assert entry["deep_link"] == deep_link(BOT_USERNAME, token)
        assert entry["web_link"] == web_link(PUBLIC_URL, token)
    assert by_id["r2"]["reach"] == "chat" and by_id["r1"]["reach"] == "account_owner"
    page = (await api.get(f"/campaigns/{KEY}/invitations", params={"limit": 1, "offset": 1})).json()
    assert page["count"] == 4 and len(page["data"]) == 1

    error_of(await api.get(f"/campaigns/{KEY}/invitations", role="viewer"), 403)  # tokens
    error_of(await api.get(f"/campaigns/{KEY}/invitations", role=None), 401)
    error_of(await api.get("/campaigns/nope/invitations"), 404)

    sent = (await api.post(f"/campaigns/{KEY}/invite")).json()
    assert sent["by_email"] == 0 and sent["in_chat_now"] + sent["held_for_morning"] == 1
    handoff = {h["respondent_id"]: h for h in sent["handoff"]}
    assert handoff["r1"]["web_link"] == web_link(PUBLIC_URL, tokens["r1"])
    chase = (await api.get(f"/campaigns/{KEY}/chase", role="staff")).json()
    assert {c["respondent_id"]: c["web_link"] for c in chase["data"]} == {
        r: web_link(PUBLIC_URL, tokens[r]) for r in ("r1", "r3", "r4")
    }
    error_of(await api.get(f"/campaigns/{KEY}/chase", role="viewer"), 403)


async def test_without_a_public_url_the_web_link_is_null(api: Api) -> None:
    await seed_campaign(api.sessions, key=KEY)
    body = (await api.get(f"/campaigns/{KEY}/invitations")).json()
    assert {entry["web_link"] for entry in body["data"]} == {None}
    assert all(entry["deep_link"].startswith("https://t.me/") for entry in body["data"])


async def test_openapi_shows_the_links(api: Api) -> None:
    schemas = (await api.get("/openapi.json", role=None)).json()["components"]["schemas"]
    for name in ("InvitationPublic", "HandoffPublic", "ChasePublic"):
        assert {"deep_link", "web_link"} <= set(schemas[name]["properties"]), name
    assert set(schemas["InvitationPublic"]["properties"]["reach"]["enum"]) == {
        "chat", "email", "account_owner",
    }  # fmt: skip
