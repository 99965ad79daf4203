"""'Crossings open now' stands on the last day of the context's lists and reports, not of any data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from lifeline.ingest.service import import_file
from lifeline.model.key_figures import crossings_day, crossings_now

DELIVERIES = """date,crossing,item,tonnes,source
#date,#loc+crossing+name,#item+name,#indicator+num+tonnes,#meta+source
2024-08-09,Kerem Shalom,wheat flour,200,now test list
2024-08-10,Kerem Shalom,wheat flour,150,now test list
"""

# (after the reference set's last status report, the JLOTS pier's end on 17 Jul 2024)
# A figure a year later than any list or report (as IDMC's displacement events are on the demo store).
LATER = """location,date,population,source
#adm1+code,#date,#population,#meta+source
gaza-strip,2025-06-20,2100000,later test figure
"""


def test_now_is_the_last_day_of_the_lists_not_of_the_store(sqlite_store: Engine, tmp_path: Path) -> None:
    from lifeline.reference.load import load_all

    load_all(sqlite_store)
    for name, text in (("deliveries.csv", DELIVERIES), ("later.csv", LATER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        import_file(sqlite_store, tmp_path / name)
    with sqlite_store.connect() as conn:
        day, what = crossings_day(conn)
        # the Overview asks up to the store's last day (2025-06-20): "now" stays on the list's last day
        figure = crossings_now(conn, None, date(2025, 6, 20))
        earlier = crossings_now(conn, None, date(2024, 8, 9))
    assert (day, what) == (date(2024, 8, 10), "the last day of the now test list delivery list")
    assert figure.period == "2024-08-10"
    assert figure.notes == ["now = 2024-08-10: the last day of the now test list delivery list"]
    status = {i["place"]: i["status"] for i in figure.items}
    # entries recorded that day, not "unknown" a year later; OCHA's last report (restricted, 8 May 2024) has
    # lapsed, so the day reads open (entries recorded), its source naming the lapsed report (docs/access.md, rule 3)
    assert status["kerem-shalom"] == "open"
    assert earlier.period == "2024-08-09" and earlier.notes == ["now = 2024-08-09: the end of the window asked"]
