"""``csat import customers|respondents FILE``: the counts, each bad line, a file refused whole."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_commands import csat


async def test_import_prints_the_counts_and_each_bad_line(db_url: str, tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(
        "external_id,name,weight\nC1,Acme,\nC2,Beta,inf\nC1,Acme again,\nC3,Gamma,2\n"
    )
    code, out = await csat(db_url, "import", "customers", str(customers))
    assert code == 2
    assert f"{customers}: 2 created, 0 updated, 0 unchanged, 2 rejected" in out
    assert f"{customers}: line 3: weight: Input should be a finite number" in out
    assert f"{customers}: line 4: external_id: 'C1' repeats line 2, which is kept" in out
    customers.write_text("external_id,name,weight\nC1,Acme,\nC3,Gamma,3\n")
    code, out = await csat(db_url, "import", "customers", str(customers))
    assert code == 0 and f"{customers}: 0 created, 1 updated, 1 unchanged, 0 rejected" in out


async def test_import_reads_a_json_list_and_numbers_its_items(db_url: str, tmp_path: Path) -> None:
    await csat(db_url, "import", "customers", str(_write(tmp_path / "c.json", [_c("C1")])))
    people = [
        {"external_id": "R1", "customer_id": "C1", "telegram_user_id": 77},
        {"external_id": "R2", "customer_id": "C1", "telegram_user_id": 77},
        {"external_id": "R3", "customer_id": "C1", "telegram_user_id": -1},
    ]
    file = _write(tmp_path / "people.json", people)
    code, out = await csat(db_url, "import", "respondents", str(file))
    assert code == 2 and "1 created, 0 updated, 0 unchanged, 2 rejected" in out
    assert f"{file}: item 1: telegram_user_id: 77 repeats item 0, which is kept" in out
    assert f"{file}: item 2: telegram_user_id: Input should be greater than 0" in out


async def test_a_file_with_nothing_to_import_is_one_clear_error(
    db_url: str, tmp_path: Path
) -> None:
    for text, problem in [
        ("", "line 1: nothing to import"),
        ("external_id,name\n", "line 1: nothing to import: there are no rows after the header"),
        ("C1,Acme\n", "line 1: the first line is not a header"),
        ('[{"external_id": "C1"}]', "line 1: this is JSON, not CSV"),
    ]:
        file = tmp_path / "customers.csv"
        file.write_text(text)
        code, out = await csat(db_url, "import", "customers", str(file))
        assert code == 1 and f"error: {file}: {problem}" in " ".join(out.split()), out
        assert "Traceback" not in out
    broken = tmp_path / "customers.json"
    broken.write_text("[{")
    code, out = await csat(db_url, "import", "customers", str(broken))
    assert code == 1 and f"{broken}: not valid JSON" in out


def _c(external_id: str) -> dict[str, str]:
    return {"external_id": external_id, "name": f"Customer {external_id}"}


def _write(file: Path, items: list[dict[str, object]]) -> Path:
    file.write_text(json.dumps(items))
    return file
