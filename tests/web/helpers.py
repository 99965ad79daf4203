"""Builders shared by the web and API tests: a small UNRWA-shaped line list and a served store."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from lifeline.accounts import add_user, create_token
from lifeline.api.app import create_app
from lifeline.api.settings import Settings
from lifeline.ingest.service import import_file

UNRWA_HEADER = [
    "ID", "Last Edited Time", "Received Date", "Data Source", "Manifest of", "Description of Cargo", "Cargo Category",
    "Status", "Time of Opening Gate", "Quantity", "Units", "Donating Country/ Organization", "Donation Type",
    "Crossing", "Destination Recipient/ Partner", "Data Period",
]
HOSTILE = "<script>alert('x')</script>"
PASSWORD = "correct horse battery"


def unrwa_csv(path: Path, days: int = 6, start: date = date(2024, 1, 1), bad_rows: int = 0, first_id: int = 1) -> Path:
    """A line list in the real UNRWA layout: two crossings a day, one row each; ``bad_rows`` with a hostile date."""
    rows = []
    n = first_id
    for d in range(days):
        for crossing, qty in (("Rafah", 10), ("Kerem Shalom", 20)):
            day = (start + timedelta(days=d)).isoformat()
            rows.append([n, f"{day} 10:00:00", day, "UNRWA", "Manifest", f"Flour {HOSTILE}", "Food Items", "Received",
                         "", qty, "Pallets", "WFP", "Humanitarian - UN", crossing, "UNRWA", "Current Data"])
            n += 1
    for _ in range(bad_rows):
        rows.append([n, "", HOSTILE, "UNRWA", "Manifest", "Rice", "Food Items", "Received", "", 5, "Pallets", "WFP",
                     "Humanitarian - UN", "Rafah", "UNRWA", "Current Data"])
        n += 1
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(UNRWA_HEADER)
        writer.writerows(rows)
    return path


@dataclass
class Served:
    app: FastAPI
    client: TestClient
    engine: Engine
    url: str
    editor_token: str
    viewer_token: str
    admin_token: str


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def serve(engine: Engine, tmp_path: Path, private: bool = False, data: bool = True) -> Served:
    """An app on ``engine`` with a small imported list and one user per role (password PASSWORD)."""
    if data:
        import_file(engine, unrwa_csv(tmp_path / "unrwa-commodities-received-20240201.csv"), imported_by="test")
    with engine.begin() as conn:
        for name, role in (("ed", "editor"), ("vi", "viewer"), ("ad", "admin")):
            add_user(conn, name, role, PASSWORD)
        tokens = [create_token(conn, name) for name in ("ed", "vi", "ad")]
    settings = Settings(db_url=url_of(engine), private=private, secret_key="test-secret", warm=False)
    app = create_app(settings, engine)
    client = TestClient(app, follow_redirects=False)
    return Served(app, client, engine, url_of(engine), *tokens)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
