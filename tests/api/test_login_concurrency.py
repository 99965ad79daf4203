"""Login attempts are a limited allowance: guesses sent at the same moment against a live server must not
all have their password checked (the check and the count are one step), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import httpx
from sqlalchemy import select

from lifeline.api.login_limits import FREE_FAILURES
from lifeline.store.tables_accounts import audit_log
from tests.api.live import live
from tests.web.helpers import PASSWORD, Served
from tests.web.test_pages import csrf_of

GUESSES = 3 * FREE_FAILURES


def test_concurrent_wrong_passwords_get_at_most_the_free_allowance(served: Served) -> None:
    with live(served.app) as url, httpx.Client(base_url=url, timeout=30) as client:
        token = csrf_of(client.get("/login").text)
        cookies = dict(client.cookies)
        start = threading.Barrier(GUESSES)
        codes: list[int] = []

        def guess(i: int) -> None:
            with httpx.Client(base_url=url, cookies=cookies, timeout=30) as own:
                start.wait()
                r = own.post("/login", data={"name": "ed", "password": f"wrong guess {i}", "csrf_token": token})
                codes.append(r.status_code)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(GUESSES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(codes) == GUESSES and set(codes) <= {401, 429}, codes
        checked = codes.count(401)
        assert 1 <= checked <= FREE_FAILURES, codes
        # The right password waits too while the account is delayed: the allowance is spent.
        right = client.post("/login", data={"name": "ed", "password": PASSWORD, "csrf_token": token})
        assert right.status_code == 429
    with served.engine.connect() as conn:
        failed = [r.action for r in conn.execute(select(audit_log.c.action)) if r.action == "login-failed"]
    assert len(failed) == checked  # every checked password is audited, and only those were checked
