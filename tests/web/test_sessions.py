"""Sessions end on logout and password change; failed logins earn a growing delay, audited."""

from __future__ import annotations

from sqlalchemy import select

from lifeline.accounts import set_password
from lifeline.api.login_limits import FREE_FAILURES
from lifeline.store.tables_accounts import audit_log
from tests.web.helpers import PASSWORD, Served
from tests.web.test_pages import csrf_of, login


def test_logout_ends_the_session_everywhere(served: Served) -> None:
    login(served, "ad")
    stolen = dict(served.client.cookies)
    assert served.client.get("/api/v1/audit").status_code == 200
    page = served.client.get("/data").text
    assert served.client.post("/logout", data={"csrf_token": csrf_of(page)}).status_code == 303
    served.client.cookies.clear()
    served.client.cookies.update(stolen)  # the cookie copied before logout
    assert served.client.get("/api/v1/audit").status_code in (401, 403)

def test_a_password_change_ends_existing_sessions(served: Served) -> None:
    login(served, "ad")
    assert served.client.get("/api/v1/audit").status_code == 200
    with served.engine.begin() as conn:
        set_password(conn, "ad", "a brand new passphrase")
    assert served.client.get("/api/v1/audit").status_code in (401, 403)

def test_failed_logins_are_delayed_and_audited(served: Served) -> None:
    token = csrf_of(served.client.get("/login").text)
    codes = [served.client.post("/login", data={"name": "ed", "password": "wrong guess", "csrf_token": token})
             .status_code for _ in range(FREE_FAILURES + 2)]
    assert codes[:FREE_FAILURES] == [401] * FREE_FAILURES
    refused = served.client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": token})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1  # even the right password waits
    # The delay is per address too: another account from the same address waits as well.
    other = served.client.post("/login", data={"name": "vi", "password": PASSWORD, "csrf_token": token})
    assert other.status_code == 429
    with served.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit_log.c.action))]
    assert actions.count("login-failed") >= FREE_FAILURES and "login-delayed" in actions

def test_hsts_only_over_https(served: Served) -> None:
    assert "strict-transport-security" not in served.client.get("/").headers
    # A client that is no trusted proxy cannot claim HTTPS (tests/api/test_proxies.py: through one it can).
    claimed = served.client.get("/", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" not in claimed.headers
    assert "max-age=" in served.client.get("https://testserver/").headers["strict-transport-security"]
