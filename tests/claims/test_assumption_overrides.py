"""Every constant the claims use is an assumption a user can change, wherever it is defined: claims.toml,
access.toml (working_days_per_week: the pre-war baseline per calendar day is 500 x working days / 7) or the
coverage engine's set. The command line takes ``--assumptions FILE`` (routed to the set that defines each
value, as that set's own command would merge it); the API and the page use the shipped sets, so changing
the shipped value moves their figure the same way."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lifeline.api.app import create_app
from lifeline.api.settings import Settings
from lifeline.assumptions import loader
from lifeline.assumptions.loader import load_sets
from lifeline.claims.check import check_document
from lifeline.claims.rules import _cached, load_rules
from lifeline.errors import UserError
from tests.claims.test_cli import run

# 30 trucks a day against 500 per working day: 30 / (500 x 6/7) = 7.0 %, 30 / (500 x 5/7) = 8.4 %.
TEXT = (
    "GAZA, 5 November 2024 - In October 2024 about 30 trucks a day entered Gaza, some 7 per cent of the pre-war flow."
)
ARABIC = (
    "غزة، 5 تشرين الثاني/نوفمبر 2024 - دخلت نحو 30 شاحنة يوميا في تشرين الأول 2024، أي 7 في المئة مما كان يدخل "
    "قبل الحرب."
)


def _share(days: float) -> float:
    return round(100 * 30 / (500 * days / 7), 1)


def _shares(doc: dict) -> set[float]:  # type: ignore[type-arg]
    (claim,) = [c for c in doc["claims"] if c["indicator"] == "share_of_needs"]
    return {e["value"] for e in claim["evidence"] if e["used"]}


@pytest.fixture
def five_days(tmp_path: Path) -> Path:
    path = tmp_path / "five-days.toml"
    path.write_text("[assumptions.working_days_per_week]\nvalue = 5\n")  # value only: the source stays access.toml's
    return path


@pytest.mark.parametrize("text", [TEXT, ARABIC])
def test_working_days_per_week_changes_the_share_in_the_core(
    reference_store: Engine, five_days: Path, text: str
) -> None:
    with reference_store.connect() as conn:
        default = check_document(conn, text).as_dict()
        changed = check_document(conn, text, rules=load_rules([five_days])).as_dict()
    assert _shares(default) == {_share(6)}
    assert _shares(changed) == {_share(5)}
    (claim,) = [c for c in changed["claims"] if c["indicator"] == "share_of_needs"]
    assert all("× 5/7 (access.toml + five-days.toml" in e["title"] for e in claim["evidence"] if e["used"])


def test_working_days_per_week_on_the_command_line(reference_store: Engine, five_days: Path) -> None:
    out = run(reference_store, "-", "--format", "json", "--assumptions", str(five_days), stdin=TEXT)
    assert out.returncode == 0, out.stderr
    assert _shares(json.loads(out.stdout)) == {_share(5)}


def test_a_name_no_set_defines_is_refused_on_one_line(reference_store: Engine, tmp_path: Path) -> None:
    typo = tmp_path / "typo.toml"
    typo.write_text("[assumptions.working_day_per_week]\nvalue = 5\n")
    out = run(reference_store, "-", "--assumptions", str(typo), stdin=TEXT)
    assert out.returncode == 2
    assert "working_day_per_week" in out.stderr and "typo.toml" in out.stderr and out.stderr.count("\n") == 1


def test_overrides_go_to_the_set_that_defines_each_value(tmp_path: Path) -> None:
    both = tmp_path / "both.toml"
    both.write_text(
        "[assumptions.working_days_per_week]\nvalue = 7\n"
        "[assumptions.recent_window_days]\nvalue = 3\n"
        "[assumptions.requirement_kcal]\nvalue = 2000\n"
        "[tolerances]\nfled = 0.05\n"
    )
    sets = load_sets(["claims", "access", "sphere-2100"], [both])
    assert sets["access"].value("working_days_per_week") == 7
    assert sets["access"].get("working_days_per_week").source  # kept from access.toml
    assert sets["claims"].value("recent_window_days") == 3
    assert sets["sphere-2100"].value("requirement_kcal") == 2000
    assert sets["claims"].tables["tolerances"]["fled"] == 0.05
    assert "working_days_per_week" not in sets["claims"].assumptions
    assert "tolerances" not in sets["access"].tables and "tolerances" not in sets["sphere-2100"].tables
    assert [Path(f).name for f in sets["access"].files] == ["access.toml", "both.toml"]
    rules = load_rules([both])
    assert rules.access.value("working_days_per_week") == 7 and rules.coverage.value("requirement_kcal") == 2000
    with pytest.raises(UserError, match="none of the sets"):
        bad = tmp_path / "bad.toml"
        bad.write_text("[assumptions.no_such_constant]\nvalue = 1\nsource = 'x'\n")
        load_sets(["claims", "access"], [bad])


@pytest.fixture
def shipped_five_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped sets with access.toml's working_days_per_week set to 5 (what a deployment that edits its
    access.toml serves)."""
    data = tmp_path / "data"
    shutil.copytree(loader.DATA, data)
    access = data / "access.toml"
    text = access.read_text(encoding="utf-8")
    changed = re.sub(r"(\[assumptions\.working_days_per_week\]\nvalue = )6\.0", r"\g<1>5.0", text)
    assert changed != text
    access.write_text(changed, encoding="utf-8")
    monkeypatch.setattr(loader, "DATA", data)
    _cached.cache_clear()
    yield
    _cached.cache_clear()


def _client(engine: Engine) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(Settings(db_url=url, secret_key="test-secret", warm=False), engine))


def _web_shares(client: TestClient, text: str) -> list[str]:
    form = client.get("/claims")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, form.text[:300]
    page = client.post("/claims", data={"text": text, "csrf_token": token[1]})
    assert page.status_code == 200, page.text[:300]
    return re.findall(r"<tr><td>([\d.]+)</td>(?:(?!</tr>).)*?÷ pre-war baseline", page.text)


def test_the_api_and_the_page_follow_the_shipped_value(reference_store: Engine, shipped_five_days: None) -> None:
    client = _client(reference_store)
    api = client.post("/api/v1/claims/check", json={"text": TEXT, "date": date(2024, 11, 5).isoformat()})
    assert api.status_code == 200, api.text[:300]
    assert _shares(api.json()) == {_share(5)}
    shown = _web_shares(client, TEXT)
    assert shown and {float(v) for v in shown} == {_share(5)}


def test_the_api_and_the_page_show_the_default_share(reference_store: Engine) -> None:
    client = _client(reference_store)
    api = client.post("/api/v1/claims/check", json={"text": TEXT})
    assert _shares(api.json()) == {_share(6)}
    assert {float(v) for v in _web_shares(client, TEXT)} == {_share(6)}
