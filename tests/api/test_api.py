"""The API answers with the store's figures, paginates, speaks CSV/HXL, and enforces accounts."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lifeline.store import schema
from lifeline.store.tables_accounts import audit_log
from tests.web.helpers import Served, bearer, serve, unrwa_csv


def test_deliveries_match_the_imported_list(served: Served) -> None:
    r = served.client.get("/api/v1/deliveries", params={"by": "day", "group": "crossing"})
    assert r.status_code == 200
    doc = r.json()
    # 6 days x 2 crossings, one consignment each; Rafah rows are 10 pallets, Kerem Shalom 20.
    assert doc["total"] == 12 and len(doc["rows"]) == 12
    assert sum(row["consignments"] for row in doc["rows"]) == 12
    by_crossing = {}
    for row in doc["rows"]:
        by_crossing[row["crossing"]] = by_crossing.get(row["crossing"], 0) + row["consignments"]
    assert by_crossing == {"rafah": 6, "kerem-shalom": 6}
    assert doc["sources"] and doc["sources"][0]["publisher"] == "UNRWA"
    assert [c["hxl"] for c in doc["columns"]][:3] == ["#date+day", "#date+end", "#loc+code+crossing"]


def test_pagination_walks_every_row_once(served: Served) -> None:
    seen = []
    url: str | None = "/api/v1/deliveries?by=day&limit=5"
    pages = 0
    while url:
        doc = served.client.get(url).json()
        seen += [(row["period"], row["crossing"]) for row in doc["rows"]]
        url = doc["next"]
        pages += 1
    assert pages == 3 and len(seen) == 12 == len(set(seen))


def test_csv_and_hxl(served: Served) -> None:
    text = served.client.get("/api/v1/deliveries", params={"by": "month", "format": "csv"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["period", "period_end", "crossing"] and len(rows) == 3
    hxl = served.client.get("/api/v1/deliveries", params={"by": "month", "format": "hxl"})
    assert hxl.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(hxl.text)))[1][0] == "#date+month"


def test_user_errors_are_4xx_json(served: Served) -> None:
    r = served.client.get("/api/v1/datasets/999/rejections")
    assert r.status_code == 404 and "999" in r.json()["error"]
    bad_day = served.client.get("/api/v1/deliveries", params={"from": "2024-13-01"})
    assert bad_day.status_code == 400 and "'from'" in bad_day.json()["error"]
    assert served.client.get("/api/v1/deliveries", params={"from": "0"}).status_code == 422  # not a Unix time
    assert served.client.get("/api/v1/not-there").json() == {"error": "Not Found"}
    assert served.client.get("/api/v1/deliveries", params={"group": "nonsense"}).status_code == 422


def test_windows_the_daily_models_cannot_compute_are_refused(served: Served) -> None:
    for params in ({"from": "0001-01-01"}, {"from": "2024-02-01", "to": "2024-01-01"},
                   {"from": "1990-01-01", "to": "2024-01-01"}):
        r = served.client.get("/api/v1/access", params=params)
        assert r.status_code == 400, params
        assert r.json()["error"]


def test_openapi_lists_the_endpoints(served: Served) -> None:
    paths = served.client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/deliveries", "/api/v1/access", "/api/v1/coverage", "/api/v1/sources/compare",
                 "/api/v1/series", "/api/v1/datasets", "/api/v1/imports", "/api/v1/claims/check"):
        assert path in paths


def test_import_needs_an_editor_token_and_is_audited(served: Served, tmp_path: Path) -> None:
    listing = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=2, first_id=100)

    def post(headers: dict[str, str]) -> object:
        with listing.open("rb") as fh:
            files = {"file": (listing.name, fh, "text/csv")}
            return served.client.post("/api/v1/imports", files=files, headers=headers)

    assert post({}).status_code == 401  # type: ignore[attr-defined]
    assert post(bearer(served.viewer_token)).status_code == 403  # type: ignore[attr-defined]
    assert post(bearer("ll_not-a-real-token")).status_code == 401  # type: ignore[attr-defined]
    with served.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.deliveries)).scalar()
    r = post(bearer(served.editor_token))
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    report = r.json()  # type: ignore[attr-defined]
    assert report["rows_read"] == 4 and report["rows_imported"] == 4
    with served.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.deliveries)).scalar() == before + 4
        entry = conn.execute(select(audit_log).order_by(audit_log.c.id.desc())).first()
    assert entry is not None and entry.user_name == "ed" and entry.action == "import" and entry.via == "api"
    assert entry.detail["dataset_id"] == report["dataset_id"]


def test_bad_upload_is_one_clear_error_and_changes_nothing(served: Served, tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("just,some\ncolumns,here\n")
    with served.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.datasets)).scalar()
    with bad.open("rb") as fh:
        r = served.client.post("/api/v1/imports", files={"file": ("notes.csv", fh)},
                               headers=bearer(served.editor_token))
    assert r.status_code == 400
    assert r.json()["file"] == "notes.csv" and r.json()["error"]
    with served.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.datasets)).scalar() == before
        assert conn.execute(select(audit_log.c.action).order_by(audit_log.c.id.desc())).scalar() == "import-refused"


def test_alert_acknowledgement_needs_an_editor(served: Served) -> None:
    assert served.client.post("/api/v1/alerts/some-key/ack").status_code == 401
    assert served.client.post("/api/v1/alerts/some-key/ack", headers=bearer(served.viewer_token)).status_code == 403
    missing = served.client.post("/api/v1/alerts/some-key/ack", headers=bearer(served.editor_token))
    assert missing.status_code == 404 and "some-key" in missing.json()["error"]


def test_reference_load_is_for_admins_and_audited(served: Served) -> None:
    assert served.client.post("/api/v1/reference/load", headers=bearer(served.editor_token)).status_code == 403
    r = served.client.post("/api/v1/reference/load", headers=bearer(served.admin_token))
    assert r.status_code == 200 and len(r.json()["files"]) >= 5
    places = served.client.get("/api/v1/locations", params={"type": "governorate"}).json()
    assert {"PS-NGZ", "PS-GZA", "PS-DEB", "PS-KYS", "PS-RFH"} <= {p["code"] for p in places["rows"]}
    assert all(p["name_ar"] for p in places["rows"])
    audit = served.client.get("/api/v1/audit", headers=bearer(served.admin_token)).json()["rows"]
    assert audit[0]["action"] == "reference-load" and audit[0]["user_name"] == "ad"


def test_audit_log_is_for_admins(served: Served) -> None:
    assert served.client.get("/api/v1/audit").status_code == 401
    assert served.client.get("/api/v1/audit", headers=bearer(served.editor_token)).status_code == 403
    assert served.client.get("/api/v1/audit", headers=bearer(served.admin_token)).status_code == 200


def test_private_setting_requires_identity(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = serve(sqlite_store, tmp_path, private=True)
    assert s.client.get("/api/v1/deliveries").status_code == 401
    assert s.client.get("/").status_code == 303  # pages send the visitor to the login
    assert s.client.get("/api/v1/deliveries", headers=bearer(s.viewer_token)).status_code == 200


def test_revoked_token_stops_working(served: Served) -> None:
    from lifeline.accounts import revoke_token

    assert served.client.get("/api/v1/audit", headers=bearer(served.admin_token)).status_code == 200
    with served.engine.begin() as conn:
        assert revoke_token(conn, served.admin_token)
    assert served.client.get("/api/v1/audit", headers=bearer(served.admin_token)).status_code == 401


def test_coverage_carries_80_and_95_percent_intervals(served: Served) -> None:
    doc = served.client.get("/api/v1/coverage", params={"by": "month", "source": "UNRWA", "runs": 200}).json()
    keys = [c["key"] for c in doc["columns"]]
    assert {"kcal_pp", "kcal_pp_low", "kcal_pp_high", "kcal_pp_low80", "kcal_pp_high80"} <= set(keys)
    assert doc["rows"]
    for r in doc["rows"]:
        assert r["kcal_pp_low"] <= r["kcal_pp_low80"] <= r["kcal_pp"] <= r["kcal_pp_high80"] <= r["kcal_pp_high"]


def test_public_reads_are_cached_until_the_data_change(served: Served, tmp_path: Path) -> None:
    first = served.client.get("/api/v1/deliveries", params={"by": "day"})
    again = served.client.get("/api/v1/deliveries", params={"by": "day"}, headers={"accept-encoding": "gzip"})
    assert again.headers.get("x-lifeline-cache") == "hit" and again.json() == first.json()
    # Another series (a file of the same name would be a newer version, withdrawing the rows it lacks).
    listing = unrwa_csv(tmp_path / "partner-unrwa-copy-20240301.csv", days=1, first_id=700, start=date(2024, 3, 1))
    with listing.open("rb") as fh:
        r = served.client.post("/api/v1/imports", files={"file": (listing.name, fh)},
                               headers=bearer(served.editor_token))
    assert r.status_code == 201, r.text
    # Stale-while-revalidate: the previous answer at once, marked with its version, while one recomputation runs.
    stale = served.client.get("/api/v1/deliveries", params={"by": "day"})
    assert stale.headers.get("x-lifeline-cache") == "stale" and stale.json() == first.json()
    assert stale.headers["x-lifeline-data-version"] == first.headers["x-lifeline-data-version"]
    after = _fresh_answer(served, "/api/v1/deliveries", {"by": "day"})
    assert after.json()["total"] == first.json()["total"] + 2
    assert after.headers["x-lifeline-data-version"] != first.headers["x-lifeline-data-version"]
    # A request with a valid token is served from the cache too (the token is checked first); a bad one is 401.
    with_token = served.client.get("/api/v1/deliveries", params={"by": "day"}, headers=bearer(served.viewer_token))
    assert with_token.headers.get("x-lifeline-cache") == "hit" and with_token.json() == after.json()
    forged = served.client.get("/api/v1/deliveries", params={"by": "day"}, headers=bearer(served.viewer_token + "x"))
    assert forged.status_code == 401


def _fresh_answer(served: Served, path: str, params: dict[str, str]) -> Any:
    """The answer once the background recomputation of a stale one has finished (a hit of the new version)."""
    cache = served.app.state.response_cache
    for _ in range(600):
        if not cache.busy():
            break
        threading.Event().wait(0.05)
    answer = served.client.get(path, params=params)
    assert answer.headers.get("x-lifeline-cache") == "hit", answer.headers
    return answer


def test_every_page_renders_on_this_backend(served: Served) -> None:
    for path in ("/", "/access", "/coverage", "/sources", "/map", "/data", "/claims", "/?lang=ar"):
        r = served.client.get(path)
        assert r.status_code == 200, (path, r.text[:300])


def test_access_rows_carry_status_basis_age_and_validity(served: Served) -> None:
    """JSON and CSV give each crossing-day its label, basis, the date it rests on, its age and until when a
    report stands; a lapsed report is 'unknown — last reported …', never the old status."""
    from datetime import date

    from tests.alerts import data

    with served.engine.begin() as conn:
        ds = data.dataset(conn, "ref", "OCHA")
        data.observation(conn, ds, "crossing_status", "erez", date(2023, 12, 10), text="open")
        data.observation(conn, ds, "crossing_status", "kerem-shalom", date(2024, 1, 4), text="open")
    r = served.client.get("/api/v1/access", params={"from": "2024-01-06", "to": "2024-01-06"})
    assert r.status_code == 200, r.text
    rows = {row["crossing"]: row for row in r.json()["rows"]}
    erez, kerem, rafah = rows["erez"], rows["kerem-shalom"], rows["rafah"]
    assert erez["status"] == "unknown" and erez["status_label"] == "unknown — last reported open on 2023-12-10"
    assert erez["age_days"] == 27 and erez["valid_until"] is None and erez["basis"] == "lapsed"
    assert kerem["status_label"] == "open (reported)" and kerem["basis"] == "reported"
    assert kerem["basis_date"] == "2024-01-04" and kerem["age_days"] == 2 and kerem["valid_until"] == "2024-01-18"
    assert rafah["status_label"] == "open (entries recorded)" and rafah["basis"] == "entries"
    csv_text = served.client.get("/api/v1/access", params={"from": "2024-01-06", "to": "2024-01-06",
                                                           "format": "csv"}).text
    header = csv_text.splitlines()[0]
    for key in ("status_label", "basis", "basis_date", "age_days", "valid_until", "disputed_by", "not_covered"):
        assert key in header or key.replace("_", " ") in header, key
