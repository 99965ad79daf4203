"""Claims-check benchmark: reading accuracy on the development corpus and the held-out set beside a
baseline revision, then a 3 KB statement once the program is loaded and the batch mode over a folder of
1,000 documents, each beside a baseline.

Run ``python bench/claims.py`` (``--quick`` for a smoke run with fewer documents, ``--accuracy`` for the
accuracy table alone, ``--baseline REV`` for the revision to compare with, default the merge base of HEAD
and main). Accuracy: a claim is *found* when its reading (figure, indicator, area, period, value, bounds in
the development corpus; every field the held-out set states) is the expected one; precision = found /
claims read, recall = found / claims expected, verdict accuracy = found with the expected verdict / claims
expected (the held-out set states no verdicts). Both revisions are scored on this checkout's statements,
the baseline's ``lifeline`` package exported with ``git archive`` and run in a child process.

The speed part: the store is a
temporary SQLite file holding the bundled reference set and, when ``../shared/data`` is present, the
real UNRWA and COGAT line lists, so every claim is matched against realistic evidence.

Targets (issue 6): a 3 KB statement in < 300 ms once loaded; ``lifeline claims check DIR --format
json`` at > 1,000 documents a minute. Baselines: the same check with the evidence index rebuilt for
every document (what a per-claim query design costs), and one process started per document (what a
shell loop over ``lifeline claims check FILE`` costs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if os.environ.get("LIFELINE_TREE"):  # score another revision's package (see ``accuracy_of``)
    sys.path.insert(0, os.environ["LIFELINE_TREE"])

from lifeline.claims import check as check_mod  # noqa: E402
from lifeline.claims import evidence  # noqa: E402
from lifeline.claims.check import check_document  # noqa: E402
from lifeline.reference.load import load_all  # noqa: E402
from lifeline.store.engine import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STATEMENTS = ROOT / "tests" / "claims" / "statements"
SHARED = ROOT.parent / "shared" / "data"
LINE_LISTS = ["unrwa-commodities-received-20241111.csv", "cogat-gaza-aid-data-20240924.csv"]
PARTS = ["01-un-flash-update.txt", "05-ngo-appeal.txt", "06-news-wire.txt", "19-security-council-briefing.txt",
         "10-prime-minister-office.txt", "09-unrwa-post.txt", "03-armed-group-statement.txt",
         "13-government-media-office.txt", "26-unrwa-commissioner.txt", "11-foreign-ministry.txt",
         "02-military-spokesperson.txt", "17-news-pier.txt", "23-opposition-member.txt"]


def statement_3kb() -> str:
    """About 3 KB of May 2024 statements under one dateline (the shape of a long press release)."""
    body = []
    for name in PARTS:
        text = (STATEMENTS / name).read_text().strip()
        body.append(text.split(" - ", 1)[-1].split(": ", 1)[-1])
    text = "GAZA, 20 May 2024 - " + "\n\n".join(body)
    while len(text.encode()) < 3072:
        text += "\n\n" + text[20:]
    cut = text.rfind(".", 0, 3072)
    return text[: cut + 1]


def score_corpus(conn: object) -> dict[str, float]:
    """Reading precision, recall and verdict accuracy on the development corpus, and ms per statement."""
    from datetime import date

    from lifeline.claims.check import check_parsed
    from lifeline.claims.documents import read_path

    keys = ("figure", "indicator", "area", "from", "to", "value", "bounds")
    read = expected = found = verdicts = 0
    elapsed = 0.0
    cases = sorted(p for p in STATEMENTS.iterdir() if p.suffix in {".txt", ".html"})
    check_parsed(conn, read_path(cases[0]), date(2024, 5, 20))  # type: ignore[arg-type]  # load rules and index
    for case in cases:
        want = json.loads(case.with_name(case.stem + ".expected.json").read_text())
        given = date.fromisoformat(want["given_date"]) if want["given_date"] else None
        t0 = time.perf_counter()
        report = check_parsed(conn, read_path(case), given)  # type: ignore[arg-type]
        elapsed += time.perf_counter() - t0
        got = [
            {"figure": c.figure, "indicator": c.indicator, "area": c.area, "from": c.date["from"], "to": c.date["to"],
             "value": c.value, "bounds": c.bounds, "verdict": c.verdict}
            for c in report.claims
        ]
        read += len(got)
        expected += len(want["claims"])
        pool = list(got)
        for exp in want["claims"]:
            hit = next((g for g in pool if all(g[k] == exp[k] for k in keys)), None)
            if hit is not None:
                pool.remove(hit)
                found += 1
                verdicts += hit["verdict"] == exp["verdict"]
    return {"statements": len(cases), "read": read, "expected": expected, "found": found, "verdicts": verdicts,
            "ms": elapsed / len(cases) * 1000}


def score_heldout(engine: object) -> dict[str, float]:
    from tests.claims.test_heldout import score

    hits, total, _misses, counts = score(engine)  # type: ignore[arg-type]
    return {"read": counts["read"], "expected": total, "found": hits, "matched": counts["matched"]}


def accuracy_here() -> dict[str, dict[str, float]]:
    """Both scores for the ``lifeline`` package this process imports, on a fresh reference-set store."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{Path(tmp) / 'ref.db'}")
        load_all(engine)
        with engine.connect() as conn:
            corpus = score_corpus(conn)
        heldout = score_heldout(engine)
        engine.dispose()
    return {"corpus": corpus, "heldout": heldout}


def accuracy_of(rev: str) -> dict[str, dict[str, float]]:
    """The scores of revision ``rev``'s package, on this checkout's statements, in a child process."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", rev, "lifeline"], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--accuracy-json"], cwd=ROOT, capture_output=True,
            text=True, check=True, env={**os.environ, "LIFELINE_TREE": tmp},
        )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _pct(a: float, b: float) -> str:
    return f"{a / b * 100:.1f} % ({a:.0f}/{b:.0f})" if b else "n/a"


def accuracy_rows(scores: dict[str, dict[str, dict[str, float]]]) -> list[tuple[str, ...]]:
    names = list(scores)
    rows: list[tuple[str, ...]] = [("measure", *names, "target")]
    for part, label in (("corpus", "development corpus"), ("heldout", "held-out set")):
        first = scores[names[0]][part]
        n = f"{first['statements']:.0f} statements, " if "statements" in first else ""
        head = f"{label} ({n}{first['expected']:.0f} claims expected)"
        rows.append((f"{head}: precision", *(_pct(scores[k][part].get("matched", scores[k][part]["found"]),
                                                   scores[k][part]["read"]) for k in names), ">= 95 %"))
        rows.append((f"{head}: recall", *(_pct(scores[k][part]["found"], scores[k][part]["expected"])
                                         for k in names), ">= 95 %"))
        rows.append((f"{head}: verdict accuracy",
                     *(_pct(scores[k][part]["verdicts"], scores[k][part]["expected"]) if part == "corpus"
                       else "n/a (no verdicts stated)" for k in names), ">= 95 %"))
    rows.append(("development corpus: ms per statement (reference store, loaded)",
                 *(f"{scores[k]['corpus']['ms']:.1f} ms" for k in names), "< 100 ms"))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows[1:]:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


def build_store(folder: Path) -> tuple[str, list[str]]:
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = open_store(url)
    load_all(engine)
    loaded = ["reference set"]
    from lifeline.ingest.service import import_file

    for name in LINE_LISTS:
        path = SHARED / name
        if path.exists():
            import_file(engine, path)
            loaded.append(name)
    engine.dispose()
    return url, loaded


def timed_checks(url: str, text: str, runs: int, rebuild: bool) -> list[float]:
    engine = open_store(url)
    out = []
    with engine.connect() as conn:
        check_document(conn, text)  # load once (rules, index, gazetteer)
        for _ in range(runs):
            if rebuild:
                evidence._cache.clear()
                check_mod._gazetteers.clear()
            t0 = time.perf_counter()
            check_document(conn, text)
            out.append(time.perf_counter() - t0)
    engine.dispose()
    return out


def make_folder(folder: Path, n: int) -> None:
    cases = sorted(p for p in STATEMENTS.iterdir() if p.suffix in {".txt", ".html"} and not p.name.startswith("30-"))
    folder.mkdir()
    for i in range(n):
        src = cases[i % len(cases)]
        shutil.copy(src, folder / f"{i:05d}-{src.name}")


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lifeline.cli.app import run; run()", "--db", url, "claims", "check", *args],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents and runs (smoke test)")
    parser.add_argument("--accuracy", action="store_true", help="the accuracy table only")
    parser.add_argument("--baseline", help="revision to compare accuracy with (default: merge base of HEAD and main)")
    parser.add_argument("--accuracy-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.accuracy_json:
        print(json.dumps(accuracy_here()))
        return
    base = args.baseline or subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    scores = {f"baseline {base[:7]}": accuracy_of(base), f"this checkout ({head})": accuracy_here()}
    print("Claims reading accuracy (store: the bundled reference set; statements of this checkout)")
    print_table(accuracy_rows(scores))
    if args.accuracy:
        return
    print()
    n_docs, runs, solo = (100, 5, 3) if args.quick else (1000, 30, 10)
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url, loaded = build_store(Path(tmp))
        setup = time.perf_counter() - t0
        text = statement_3kb()
        engine = open_store(url)
        with engine.connect() as conn:
            t0 = time.perf_counter()
            report = check_document(conn, text)
            cold = time.perf_counter() - t0
        engine.dispose()
        warm = timed_checks(url, text, runs, rebuild=False)
        naive = timed_checks(url, text, max(3, runs // 6), rebuild=True)
        n_claims = len(report.claims) + len(report.not_checkable)
        rows.append((f"3 KB statement ({len(text.encode())} bytes, {n_claims} claims), first check",
                     f"{cold * 1000:.0f} ms", "", "builds the evidence index once"))
        rows.append(("3 KB statement, loaded (median of runs)", f"{statistics.median(warm) * 1000:.1f} ms",
                     f"{statistics.median(naive) * 1000:.0f} ms (index rebuilt per document)", "< 300 ms"))
        folder = Path(tmp) / "docs"
        make_folder(folder, n_docs)
        t0 = time.perf_counter()
        out = cli(url, str(folder), "--format", "json")
        batch = time.perf_counter() - t0
        doc = json.loads(out.stdout)
        assert len(doc["documents"]) == n_docs, doc["errors"][:3]
        per_min = n_docs / batch * 60
        files = sorted(folder.iterdir())[:solo]
        t0 = time.perf_counter()
        for f in files:
            cli(url, str(f), "--format", "json")
        one_each = (time.perf_counter() - t0) / solo
        rows.append((f"batch: claims check DIR --format json, {n_docs:,} documents",
                     f"{batch:.1f} s = {per_min:,.0f} docs/min",
                     f"{60 / one_each:,.0f} docs/min (one process per document, {one_each:.2f} s each)",
                     "> 1,000 docs/min"))
    print(f"Claims check benchmark; store: {', '.join(loaded)} (set up in {setup:.1f} s)")
    widths = [max(len(r[i]) for r in rows + [("step", "Lifeline", "baseline", "target")]) for i in range(4)]
    head = ("step", "Lifeline", "baseline", "target")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |")


if __name__ == "__main__":
    main()
