"""Which context each delivery dataset belongs to, read from the summary and the withdrawals rather than a
pass over every row: the same answer as the rows give, a dataset whose rows are all withdrawn included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from lifeline.ingest.service import import_file
from lifeline.model import contexts
from lifeline.store import schema
from tests.contexts.conftest import EXAMPLE, GAZA_DELIVERIES, set_up_example


def test_dataset_contexts_equal_the_rows_after_changes_and_withdrawals(store: Engine, tmp_path: Path) -> None:
    from lifeline.reference.load import load_all

    load_all(store)
    gaza = tmp_path / "gaza-deliveries.csv"
    gaza.write_text(GAZA_DELIVERIES, encoding="utf-8")
    import_file(store, gaza)
    set_up_example(store)
    # a second version of the example's list: North Gate's rows changed, River Port's gone (withdrawn), so
    # the first version holds only withdrawn rows
    lines = (EXAMPLE / "3-deliveries.csv").read_text(encoding="utf-8").splitlines()
    kept = lines[:2] + [ln.replace(",50,", ",55,") for ln in lines[2:] if ln.split(",")[1] == "North Gate"]
    folder = tmp_path / "v2"
    folder.mkdir()
    (folder / "3-deliveries.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    report = import_file(store, folder / "3-deliveries.csv")
    assert report.rows_withdrawn == 38 and report.rows_changed == 30  # 19 days of rice and of lentils
    d = schema.deliveries
    with store.connect() as conn:
        found = contexts.all_contexts(conn)
        by_rows: dict[int, set[str]] = {}
        where = {code: ctx.code for ctx in found for code in ctx.members}
        for dataset_id, crossing, area in conn.execute(select(d.c.dataset_id, d.c.crossing, d.c.area).distinct()):
            for code in (crossing, area):
                if code in where:
                    by_rows.setdefault(int(dataset_id), set()).add(where[code])
        expected = {k: next(iter(v)) for k, v in by_rows.items() if len(v) == 1}
        only_withdrawn = conn.execute(select(d.c.dataset_id).where(d.c.crossing == "river-port")).scalars().first()
        assert contexts.dataset_contexts(conn, found) == expected
    assert only_withdrawn is not None and expected[only_withdrawn] == "XZ"
    assert set(expected.values()) == {"gaza-strip", "XZ"}
