"""Pages render real figures with their sources, in English and Arabic; forms are CSRF-protected;
only editors can import; untrusted text is escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lifeline.store import schema
from tests.web.helpers import HOSTILE, PASSWORD, Served, unrwa_csv

PAGES = ["/", "/access", "/coverage", "/sources", "/map", "/data"]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match[1]


def login(served: Served, name: str = "ed") -> None:
    form = served.client.get("/login")
    r = served.client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf_of(form.text),
                                           "next": "/data"})
    assert r.status_code == 303 and r.headers["location"] == "/data"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_sources(served: Served, path: str) -> None:
    r = served.client.get(path)
    assert r.status_code == 200, r.text[:500]
    assert '<html lang="en" dir="ltr">' in r.text
    assert "Sources:" in r.text or path == "/map"
    assert "Traceback" not in r.text


@pytest.mark.parametrize("path", PAGES)
def test_arabic_pages_are_right_to_left(served: Served, path: str) -> None:
    r = served.client.get(path, params={"lang": "ar"})
    assert r.status_code == 200
    assert '<html lang="ar" dir="rtl">' in r.text
    assert "نظرة عامة" in r.text  # the navigation is in Arabic
    if path == "/map":
        assert "رفح" in r.text and "كرم أبو سالم" in r.text  # Arabic place names


def test_deliveries_chart_holds_the_imported_figures(served: Served) -> None:
    html = served.client.get("/access").text
    match = re.search(r'id="chart-daily" data-points="(\d+)"', html)
    assert match and int(match[1]) == 12  # 6 days at each of the two crossings
    assert "UNRWA" in html


def test_downloads_are_the_api_tables(served: Served) -> None:
    html = served.client.get("/data").text
    link = re.search(r'href="(/api/v1/datasets\?format=csv)"', html)
    assert link
    assert served.client.get(link[1]).text.startswith("\ufeffid,kind,series")  # a byte-order mark, for Excel


def test_anonymous_visitor_cannot_import(served: Served, tmp_path: Path) -> None:
    page = served.client.get("/data").text
    assert 'id="upload-form"' not in page and 'id="upload-login"' in page
    listing = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=1, first_id=500)
    with listing.open("rb") as fh:
        token = csrf_of(served.client.get("/login").text)  # a valid anonymous session token: still refused
        r = served.client.post("/data/upload", files={"file": (listing.name, fh)}, data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    with served.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.datasets)).scalar() == 1


def test_editor_uploads_and_sees_the_import_report(served: Served, tmp_path: Path) -> None:
    login(served)
    page = served.client.get("/data").text
    assert 'id="upload-form"' in page
    listing = unrwa_csv(tmp_path / "unrwa-commodities-received-20240301.csv", days=2, first_id=500, bad_rows=1)
    with listing.open("rb") as fh:
        bad = served.client.post("/data/upload", files={"file": (listing.name, fh)}, data={"csrf_token": "forged"})
    assert bad.status_code == 403
    with listing.open("rb") as fh:
        r = served.client.post("/data/upload", files={"file": (listing.name, fh)}, data={"csrf_token": csrf_of(page)})
    assert r.status_code == 200, r.text[:800]
    assert 'id="import-message"' in r.text and re.search(r'id="rows-read">5<', r.text)
    # The hostile date is quoted in the rejection reason: escaped, never live markup.
    assert "<script>alert" not in r.text
    assert "&lt;script&gt;" in r.text


def test_check_only_upload_shows_what_would_change_and_writes_nothing(served: Served, tmp_path: Path) -> None:
    login(served)
    page = served.client.get("/data").text
    assert 'id="dry-run"' in page
    listing = unrwa_csv(tmp_path / "unrwa-commodities-received-20240302.csv", days=2, first_id=700, bad_rows=1)
    with served.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.datasets)).scalar()
    with listing.open("rb") as fh:
        r = served.client.post("/data/upload", files={"file": (listing.name, fh)},
                               data={"csrf_token": csrf_of(page), "dry_run": "true"})
    assert r.status_code == 200, r.text[:800]
    assert "nothing written" in r.text and re.search(r'id="rows-read">5<', r.text)
    assert "would have rejected" in r.text and "&lt;script&gt;" in r.text and "<script>alert" not in r.text
    with served.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.datasets)).scalar() == before


def test_login_is_csrf_protected_and_rejects_wrong_passwords(served: Served) -> None:
    form = served.client.get("/login").text
    assert served.client.post("/login", data={"name": "ed", "password": PASSWORD}).status_code == 403
    r = served.client.post("/login", data={"name": "ed", "password": "wrong-one", "csrf_token": csrf_of(form)})
    assert r.status_code == 401 and "Wrong user name or password" in r.text


def test_login_never_redirects_off_site(served: Served) -> None:
    form = served.client.get("/login").text
    r = served.client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": csrf_of(form),
                                           "next": "//evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_session_cookie_flags(served: Served) -> None:
    cookie = served.client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    served.client.cookies.clear()
    claimed = served.client.get("/login", headers={"x-forwarded-proto": "https"}).headers["set-cookie"].lower()
    assert "secure" not in claimed  # the header is believed only from a trusted proxy (tests/api/test_proxies.py)
    served.client.cookies.clear()
    secure = served.client.get("https://testserver/login").headers["set-cookie"].lower()
    assert "; secure" in secure


def test_logout_ends_the_session(served: Served) -> None:
    login(served)
    page = served.client.get("/data").text
    assert "Signed in as" in page
    assert served.client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 303
    assert "Signed in as" not in served.client.get("/data").text


def test_hostile_text_in_data_is_escaped_everywhere(served: Served) -> None:
    for path in PAGES:
        html = served.client.get(path).text
        assert HOSTILE not in html


def test_bad_filter_is_a_clear_400(served: Served) -> None:
    r = served.client.get("/access", params={"from": "yesterday"})
    assert r.status_code == 400 and "YYYY-MM-DD" in r.text


def test_security_headers(served: Served) -> None:
    headers = served.client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_every_ui_string_has_an_arabic_version() -> None:
    import json

    from lifeline.i18n.wording import FOLDER

    english = json.loads((FOLDER / "en.json").read_text(encoding="utf-8"))
    arabic = json.loads((FOLDER / "ar.json").read_text(encoding="utf-8"))
    assert set(english) <= set(arabic)
    assert all(arabic[k].strip() for k in english)


def test_arabic_tables_translate_headings_and_statuses(served: Served) -> None:
    html = served.client.get("/access", params={"lang": "ar"}).text
    assert ">المعبر<" in html or ">الفترة<" in html


def test_claims_form_without_a_date_says_so_and_keeps_the_text(served: Served) -> None:
    form = served.client.get("/claims")
    assert form.status_code == 200
    text = "Only 100 trucks entered last week. <b>bold</b>"
    r = served.client.post("/claims", data={"text": text, "csrf_token": csrf_of(form.text)})
    assert r.status_code == 200 and "no dateline" in r.text and "the date field on the page" in r.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in r.text and "<b>bold</b>" not in r.text  # given back escaped, not as markup


def test_an_empty_store_gives_pages_that_say_so(sqlite_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.web.helpers import serve

    empty = serve(sqlite_store, tmp_path, data=False)
    for path in PAGES + ["/claims"]:
        r = empty.client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
    assert 'data-kind="nodata"' in empty.client.get("/access").text


def test_date_filters_narrow_the_figures(served: Served) -> None:
    html = served.client.get("/access", params={"from": "2024-01-02", "to": "2024-01-03"}).text
    match = re.search(r'id="chart-daily" data-points="(\d+)"', html)
    assert match and int(match[1]) == 4  # two days at two crossings
    assert 'value="2024-01-02"' in html and 'placeholder="YYYY-MM-DD"' in html


def _status_reports(served: Served) -> None:
    """Erez last reported open on 10 Dec 2023 (lapsed by 6 Jan), Rafah reported closed on 5 Jan while UNRWA
    records entries there (disputed), Kerem Shalom reported open on 4 Jan."""
    from datetime import date

    from tests.alerts import data

    with served.engine.begin() as conn:
        ds = data.dataset(conn, "ref", "OCHA")
        data.observation(conn, ds, "crossing_status", "erez", date(2023, 12, 10), text="open")
        data.observation(conn, ds, "crossing_status", "rafah", date(2024, 1, 5), text="closed")
        data.observation(conn, ds, "crossing_status", "kerem-shalom", date(2024, 1, 4), text="open")


def test_overview_crossings_show_each_status_with_basis_and_age(served: Served) -> None:
    _status_reports(served)
    html = served.client.get("/").text
    block = html[html.index('id="block-crossings"'):]
    block = block[:block.index("</section>")]
    for heading in ("status (basis)", "reported / recorded on", "age (days)", "stands until", "disputed: both sides"):
        assert heading in block
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", block, re.S):
        first = re.search(r"<td[^>]*>([^<]*)</td>", row)
        if first:
            rows[first[1]] = row
    erez = next(r for name, r in rows.items() if "Erez" in name and "West" not in name)
    assert "unknown — last reported open on 2023-12-10" in erez and re.search(r"<td[^>]*>27</td>", erez)
    rafah = next(r for name, r in rows.items() if "Rafah" in name)
    assert "disputed" in rafah and "entries recorded by UNRWA" in rafah
    kerem = next(r for name, r in rows.items() if "Kerem" in name)
    assert "open (reported)" in kerem and re.search(r"<td[^>]*>2</td>", kerem) and "2024-01-18" in kerem


def test_map_colours_crossings_by_status_and_basis(served: Served) -> None:
    _status_reports(served)
    html = served.client.get("/map", params={"date": "2024-01-06"}).text
    assert re.search(r'data-code="erez" data-status="unknown" data-category="unknown" data-age-days="27"', html)
    assert re.search(r'data-code="rafah" data-status="disputed" data-category="disputed"', html)
    assert re.search(r'data-code="kerem-shalom" data-status="open" data-category="open \(reported\)" '
                     r'data-age-days="2"', html)
    assert "open (entries recorded)" in html  # in the legend, apart from a reported opening


def test_only_web_addresses_become_links(served: Served, tmp_path: Path) -> None:
    """A source's #meta+url of javascript:… (or any non-http scheme) is shown as text, never as a link."""
    from lifeline.ingest.service import import_file

    path = tmp_path / "hostile-url.csv"
    path.write_text("date,crossing,trucks,url\n#date,#loc+crossing+name,#indicator+num+trucks,#meta+url\n"
                    "2024-01-02,Rafah,3,javascript:alert(1)\n", encoding="utf-8")
    import_file(served.engine, path)
    html = served.client.get("/access?from=2024-01-01&to=2024-01-06").text
    assert "javascript:alert(1)" in html  # shown, as text
    assert 'href="javascript:' not in html.lower()
