"""A bounded schemathesis run against the served OpenAPI document: every operation, a fixed
seed, no server error and no status code the schema does not document.

The app runs on a real port over a seeded database (a survey, customers, respondents, a
campaign with invitations, a ticket), so that the schema's examples reach the handlers; the
schemathesis CLI runs as a subprocess and its NDJSON report is read back for the counts,
which are printed for the CI log. SQLite only: the hostile-input tests cover PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from storage.apikeys import create_api_key
from storage.engine import transaction
from survey.settings import Settings
from tests.support import free_port, open_test_ticket, seed_campaign

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = "not_a_server_error,status_code_conformance"
SEED = "1"
MAX_EXAMPLES = "20"  # per operation and phase: about a minute on one core
RUN_TIMEOUT = 600.0  # a loaded 2-core CI machine took over 300 s for one part
METHODS = {"get", "put", "post", "patch", "delete"}
# The operations in two halves, each run by a schemathesis of its own (on its own xdist worker:
# half the wait): (its filter option, which paths it takes).
CAMPAIGN_PATHS = "^/campaigns"
SHARDS = {
    "campaigns": ("--include-path-regex", lambda path: re.match(CAMPAIGN_PATHS, path) is not None),
    "the rest": ("--exclude-path-regex", lambda path: re.match(CAMPAIGN_PATHS, path) is None),
}


def operations(schema: dict[str, Any], takes: Callable[[str], bool]) -> set[str]:
    """``"METHOD /path"`` of every operation of an OpenAPI document whose path ``takes``."""
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in METHODS and takes(path)
    }


def read_report(report_dir: Path) -> tuple[Counter[str], Counter[int]]:
    """Requests per operation (``"METHOD /path"``) and answers per status code (0: no answer),
    from the NDJSON report: each finished scenario records its cases and their interactions,
    under the same case ids."""
    per_operation: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    (report,) = report_dir.glob("*.ndjson")
    with report.open(encoding="utf-8") as lines:
        for line in lines:
            finished = json.loads(line).get("ScenarioFinished")
            if finished is None:
                continue
            recorder = finished["recorder"]
            for case_id, interaction in recorder.get("interactions", {}).items():
                case = recorder["cases"][case_id]["value"]
                per_operation[f"{case['method']} {case['path']}"] += 1
                response = interaction.get("response")
                statuses[response["status_code"] if response else 0] += 1
    return per_operation, statuses


@pytest.mark.long_running(60)
@pytest.mark.sqlite_only
@pytest.mark.parametrize("shard", list(SHARDS))
async def test_schemathesis_finds_no_server_error_in_any_operation(
    shard: str,
    sessions: async_sessionmaker[AsyncSession],
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tokens = await seed_campaign(sessions)
    await open_test_ticket(sessions, tokens["r1"])
    async with transaction(sessions) as session:
        _, key = await create_api_key(session, name="schemathesis", role="admin")
    settings = Settings(
        database_url=db_url, port=free_port(), bot_username="csat_test_bot", _env_file=None
    )  # type: ignore[call-arg]
    server = AppServer(settings)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            schema = (await client.get("/openapi.json")).json()
        process = await asyncio.create_subprocess_exec(
            str(SCHEMATHESIS), "run", f"{server.url}/openapi.json",
            "--checks", CHECKS, "--seed", SEED, "--max-examples", MAX_EXAMPLES,
            "--workers", "1", "--generation-database", "none", "--no-color",
            # the review's first PDF loads the CJK fonts: seconds, more than 10 on a loaded machine
            "--request-timeout", "60",
            "-H", f"Authorization: Bearer {key}", SHARDS[shard][0], CAMPAIGN_PATHS,
            "--report", "ndjson,junit", "--report-dir", str(tmp_path / "report"),
            # its crash cache goes to tmp_path: nothing written to the repo, no replays
            cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    finally:
        await server.stop()
    log = output.decode("utf-8", "replace")
    per_operation, statuses = read_report(tmp_path / "report")
    cases = sum(statuses.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    refused = sum(n for status, n in statuses.items() if 400 <= status < 500)
    tried = operations(schema, SHARDS[shard][1])
    with capsys.disabled():
        print(
            f"\nschemathesis (seed {SEED}, {MAX_EXAMPLES} examples, {shard}): {cases} cases tried "
            f"on {len(tried)} operations, {server_errors} server errors, "
            f"{refused} refused with 4xx; by status {dict(sorted(statuses.items()))}"
        )
    assert process.returncode == 0, log[-6000:]
    assert server_errors == 0 and statuses[0] == 0, log[-6000:]
    # Besides the documented operations, schemathesis tries methods no route has (405).
    unexercised = tried - set(per_operation)
    assert tried and not unexercised, sorted(unexercised)
