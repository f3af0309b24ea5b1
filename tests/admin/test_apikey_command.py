"""``csat apikey create|list|revoke`` against a real database, the keys used on the API."""

from __future__ import annotations

from tests.admin.conftest import Api, error_of
from tests.support import invoke_csat as csat


async def test_create_list_revoke(api: Api, db_url: str) -> None:
    created = await csat(db_url, "apikey", "create", "--role", "staff", "--name", "Li Na")
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("csat_") and len(key) > 40 and "\n" not in key
    assert "will not be shown again" in created.stderr
    headers = {"Authorization": f"Bearer {key}"}

    ticket = await api.call("PATCH", "/tickets/1", role=None, headers=headers, json={"note": "x"})
    assert error_of(ticket, 404)["code"] == "ticket_not_found"  # staff got past the role check
    forbidden = await api.call("POST", "/campaigns", role=None, headers=headers, json={})
    error_of(forbidden, 403)

    listed = await csat(db_url, "apikey", "list")
    assert listed.exit_code == 0
    (line,) = [row for row in listed.stdout.splitlines() if "Li Na" in row]
    key_id, prefix, name, role, used, state = line.split("\t")
    assert (name, role, state) == ("Li Na", "staff", "active")
    assert key.startswith(prefix.rstrip("…")) and key not in listed.stdout
    assert used != "used never"  # the API recorded its use

    revoked = await csat(db_url, "apikey", "revoke", key_id)
    assert revoked.exit_code == 0 and f"key #{key_id} revoked" in revoked.stdout
    error_of(await api.call("GET", "/tickets", role=None, headers=headers), 401)
    again = await csat(db_url, "apikey", "revoke", key_id)
    assert again.exit_code == 1 and "no active API key" in again.output
    assert "revoked" in (await csat(db_url, "apikey", "list")).stdout


async def test_an_unknown_role_is_refused(db_url: str) -> None:
    result = await csat(db_url, "apikey", "create", "--role", "root")
    assert result.exit_code == 1 and "role must be one of admin, staff, viewer" in result.output
