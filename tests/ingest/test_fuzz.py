"""Fuzzed copies of the real lists: every mutation is imported or refused with one line, never a crash.

Hypothesis cuts an excerpt of a real file (../shared/data; skipped when absent) and mutates it:
bytes inserted, deleted or replaced, lines duplicated, split, dropped or blown up; for xlsx the
sheet XML inside the archive is mutated and the archive rebuilt. Each case goes through the import
service on one SQLite store: a ``UserError`` (a refusal) must leave the store exactly as it was;
any other exception is a defect. The fast variant runs ~200 cases; the slow one 10,000.
"""

from __future__ import annotations

import io
import json
import os
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine

from lifeline.errors import UserError
from lifeline.ingest.service import import_file
from lifeline.store.engine import open_store
from tests.cli.helpers import snapshot
from tests.conftest import shared_file

TEXT_SOURCES = {
    "cogat-gaza-aid-data-20240924.csv": "cogat-gaza-aid-data-fuzz.csv",
    "unrwa-commodities-received-20241111.csv": "unrwa-commodities-received-fuzz.csv",
    "insecurityinsight-fivc-gaza.csv": "insecurityinsight-fivc-gaza-fuzz.csv",
    "idmc-event-data-pse-2024-12_2025-06.csv": "idmc-event-data-fuzz.csv",
    "gazamaps-idf-displacement-orders.json": "gazamaps-idf-displacement-orders-fuzz.json",
}
EXCERPT_LINES = 80
SPECIAL = [b",", b'"', b"\n", b"\r", b";", b"\x00", b"{", b"[", b"]", b"#", b"-", b"e309", b"9" * 40, b"0000", b"\xff"]


@pytest.fixture(scope="module")
def sources() -> dict[str, list[bytes]]:
    """Each real list as lines (header kept first), read once."""
    return {name: shared_file(name).read_bytes().splitlines() for name in TEXT_SOURCES}


@pytest.fixture(scope="module")
def unrwa_sheet() -> bytes:
    """A small xlsx of the first rows of the real UNRWA csv (built once; its sheet XML is mutated)."""
    import csv

    rows = list(csv.reader(io.StringIO(shared_file("unrwa-commodities-received-20241111.csv").read_text("utf-8-sig"))))
    book = Workbook()
    for row in rows[:EXCERPT_LINES]:
        book.active.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.db'}")
    yield engine
    engine.dispose()


def _mutate(data: st.DataObject, lines: list[bytes]) -> list[bytes]:
    for _ in range(data.draw(st.integers(0, 6), label="mutations")):
        i = data.draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        op = data.draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "drop", "blow-up", "split"]))
        at = data.draw(st.integers(0, len(line)))
        if op == "insert":
            lines[i] = line[:at] + data.draw(st.sampled_from(SPECIAL) | st.binary(max_size=4)) + line[at:]
        elif op == "delete":
            lines[i] = line[:at] + line[at + data.draw(st.integers(1, 8)) :]
        elif op == "replace":
            lines[i] = line[:at] + data.draw(st.binary(min_size=1, max_size=3)) + line[at + 1 :]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "blow-up":
            run = data.draw(st.sampled_from(SPECIAL)) * data.draw(st.integers(1000, 200_000))
            lines[i] = line[:at] + run + line[at:]
        else:
            lines[i] = line[:at] + b"\n" + line[at:]
    return lines


def _xlsx_case(data: st.DataObject, archive: bytes) -> bytes:
    """The workbook with its sheet XML mutated (as lines split at each tag) and the archive rebuilt."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = b"<".join(_mutate(data, content.split(b"<")))
            dst.writestr(item.filename, content)
    raw = out.getvalue()
    if data.draw(st.booleans(), label="damage the archive too"):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at + 8 :]
    return raw


def _one_case(data: st.DataObject, sources: dict[str, list[bytes]], sheet: bytes, store: Engine, folder: Path) -> str:
    """One fuzzed file through the import service: "imported" or "refused" (asserting the refusal's
    one line and the store unchanged); anything else raised is a defect."""
    choice = data.draw(st.sampled_from([*TEXT_SOURCES, "xlsx"]), label="source")
    if choice == "xlsx":
        path, content = folder / "unrwa-commodities-received-fuzz.xlsx", _xlsx_case(data, sheet)
    else:
        lines = sources[choice]
        start = data.draw(st.integers(1, max(1, len(lines) - EXCERPT_LINES)), label="excerpt")
        body = lines[start : start + EXCERPT_LINES] if not choice.endswith(".json") else lines[1:]
        path = folder / TEXT_SOURCES[choice]
        content = b"\n".join([lines[0], *_mutate(data, list(body))]) + b"\n"
    path.write_bytes(content)
    before = snapshot(store)
    try:
        import_file(store, path, dry_run=data.draw(st.booleans(), label="dry run"))
    except UserError as refused:
        assert "\n" not in str(refused), str(refused)
        assert snapshot(store) == before, f"a refusal changed the store: {refused}"
        return "refused"
    finally:
        path.unlink()
    return "imported"


@dataclass
class Tally:
    """What a long run found, counted to the end instead of stopping at the first defect, so the run's
    figures (docs/importers.md) are cases, imports, refusals, tracebacks and store changes on refusal."""

    outcomes: Counter[str] = field(default_factory=Counter)
    defects: list[str] = field(default_factory=list)

    def run(self, case: Callable[[], str], every: Path | None = None) -> None:
        """One case, counted; with ``every`` the counts so far are written after each case (a run stopped
        part way still leaves its figures)."""
        try:
            self.outcomes[case()] += 1
        except AssertionError as exc:
            self.outcomes["store changed on refusal" if "changed the store" in str(exc) else "multi-line refusal"] += 1
            self.defects.append(str(exc)[:500])
        except Exception:  # noqa: BLE001 - every other exception is a traceback a user would have seen
            self.outcomes["traceback"] += 1
            self.defects.append(traceback.format_exc(limit=-3)[-1500:])
        if every is not None:
            self.write(every)

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"cases": sum(self.outcomes.values()), **self.outcomes,
                                    "defects": self.defects[:50]}, indent=1))


NO_SHRINK = [Phase.explicit, Phase.reuse, Phase.generate]  # a failure is reported as found: shrinking takes minutes
FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, phases=NO_SHRINK
)
# LIFELINE_FUZZ_CASES bounds a shorter run of the slow variant (its tally says how many ran).
SLOW = settings(max_examples=int(os.environ.get("LIFELINE_FUZZ_CASES", "10000")), deadline=None,
                suppress_health_check=list(HealthCheck), phases=NO_SHRINK)


@FAST
@given(data=st.data())
def test_fuzzed_real_lists_import_or_refuse_cleanly(
    data: st.DataObject, sources: dict[str, list[bytes]], unrwa_sheet: bytes, store: Engine, tmp_path: Path
) -> None:
    _one_case(data, sources, unrwa_sheet, store, tmp_path)


@pytest.mark.slow
@pytest.mark.fuzz
def test_ten_thousand_fuzzed_real_lists_import_or_refuse_cleanly(
    sources: dict[str, list[bytes]], unrwa_sheet: bytes, store: Engine, tmp_path: Path
) -> None:
    """10,000 cases, every one run; the counts go to test-artifacts/fuzz-tally.json."""
    tally = Tally()
    out = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-tally.json"

    @SLOW
    @given(data=st.data())
    def cases(data: st.DataObject) -> None:
        tally.run(lambda: _one_case(data, sources, unrwa_sheet, store, tmp_path), every=out)

    cases()
    tally.write(out)
    assert sum(tally.outcomes.values()) == SLOW.max_examples
    assert not tally.defects, "\n\n".join(tally.defects[:5])
