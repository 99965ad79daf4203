"""Boundaries files whose p-codes the context does not know: features matched by their names (COD-AB's
ADMn_EN / ADMn_AR), each match recorded as a versioned alias with the file as its source, ambiguous names
refused unless mapped, and later HXL files keyed by those p-codes read onto the same places.

The p-codes below (QQ..., ZV...) are made up for these tests: they have the shape of OCHA p-codes and are
no real area's code."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from lifeline import place_names
from lifeline.errors import UserError
from lifeline.geo import boundaries, drawing
from lifeline.ingest.service import import_file
from lifeline.model import contexts
from lifeline.store import schema
from lifeline.store.tables_geo import boundary_sets
from tests.contexts.boundaries_files import example, write
from tests.contexts.conftest import Ran, set_up_example


def square(x: float, y: float, size: float = 0.05) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


# A COD-AB-shaped admin-2 file of the State of Palestine's Gaza Strip (plus one West Bank area the Gaza
# context does not hold), spelled as such files spell them, not as Lifeline's places do.
GAZA_ADM2 = [  # ADM2_PCODE, ADM2_EN, ADM2_AR, the place it is
    ("QQ0201", "North Gaza", "شمال غزة", "PS-NGZ"),
    ("QQ0202", "Gaza", "غزة", "PS-GZA"),
    ("QQ0203", "Deir Al-Balah", "دير البلح", "PS-DEB"),
    ("QQ0204", "Khan Yunes", "", "PS-KYS"),  # a spelling the places' aliases do not hold, no Arabic name
    ("QQ0205", "Rafah", "رفح", "PS-RFH"),
    ("QQ0101", "Jenin", "جنين", None),
]


def cod_ab(rows: list[tuple[str, str, str, Any]], level: int = 2, parent: tuple[str, str] = ("QQ02", "Gaza Strip"),
           ) -> dict[str, Any]:
    features = []
    for i, (pcode, en, ar, _place) in enumerate(rows):
        props: dict[str, Any] = {"ADM0_EN": "Test Land", "ADM0_PCODE": "QQ", f"ADM{level}_EN": en,
                                 f"ADM{level}_AR": ar, f"ADM{level}_PCODE": pcode}
        if level == 2:
            props |= {"ADM1_PCODE": parent[0], "ADM1_EN": parent[1]}
        features.append({"type": "Feature", "properties": props, "geometry": square(34.2 + 0.06 * i, 31.2)})
    return {"type": "FeatureCollection", "features": features}


@pytest.fixture
def gaza(sqlite_store: Engine) -> Engine:
    from lifeline.reference.load import load_all

    load_all(sqlite_store)
    return sqlite_store


@pytest.fixture
def zarqa(sqlite_store: Engine) -> Engine:
    set_up_example(sqlite_store)
    return sqlite_store


def aliases(engine: Engine, code: str) -> list[str]:
    t = schema.locations
    with engine.connect() as conn:
        return list(conn.execute(select(t.c.aliases).where(t.c.code == code)).scalar() or [])


def test_name_keys_ignore_case_article_hyphens_and_vowel_spellings() -> None:
    assert place_names.strict_key("Deir al-Balah") == place_names.strict_key("Deir El Balah") == "deir balah"
    assert place_names.strict_key("Gaza Governorate") == place_names.strict_key("GAZA") == "gaza"
    assert place_names.strict_key("دير البلح") == place_names.strict_key("دير البلح")  # tashkeel dropped
    assert place_names.strict_key("شمال غزة") == place_names.strict_key("شمال غزه")  # taa marbuta
    assert len({place_names.loose_key(n) for n in ("Khan Yunis", "Khan Younis", "Khan Younes")}) == 1
    assert place_names.loose_key("Dayr al Balah") == place_names.loose_key("Deir al-Balah")
    assert place_names.loose_key("Rafah") != place_names.loose_key("Gaza")


def test_gaza_governorates_matched_by_name_recorded_as_aliases_and_hxl_reads_onto_them(
        gaza: Engine, tmp_path: Path, lifeline: Callable[..., Ran]) -> None:
    path = write(tmp_path / "qq_admbnda_adm2.geojson", cod_ab(GAZA_ADM2))
    ran = lifeline(gaza, "boundaries", "import", str(path), "--publisher", "test (fictional p-codes)")
    assert ran.returncode == 0, ran.stderr
    assert "5 of 6 areas stored for context gaza-strip (level 1" in ran.stdout
    assert "matched by name (5)" in ran.stdout
    assert "QQ0204 'Khan Yunes' -> PS-KYS (spelling variant)" in ran.stdout
    assert "QQ0201 'North Gaza' -> PS-NGZ" in ran.stdout
    assert "p-codes that are no place of gaza-strip: QQ0101" in ran.stdout
    with gaza.connect() as conn:
        drawn = drawing.drawing(conn, contexts.resolve(conn, "gaza-strip"))
        stored = boundaries.stored(conn, "gaza-strip")
        r, d, s = schema.revisions, schema.datasets, schema.sources
        revisions = conn.execute(select(r.c.old_values, r.c.new_values, d.c.kind, d.c.path, s.c.publisher, d.c.note)
                                 .select_from(r.join(d, r.c.dataset_id == d.c.id).join(s, d.c.source_id == s.c.id))
                                 .where(schema.datasets.c.kind == "boundaries")).all()
    assert drawn.basis == "boundaries" and {a.code for a in drawn.areas} == {p for *_, p in GAZA_ADM2 if p}
    assert stored is not None and set(stored.shapes) == {p for *_, p in GAZA_ADM2 if p}
    for pcode, _en, _ar, place in GAZA_ADM2:
        if place:
            assert pcode in aliases(gaza, place)
    # versioned: one revision per place, before and after, under a dataset of the file and its source
    assert len(revisions) == 5
    old, new, kind, file, publisher, note = next(r for r in revisions if r[0]["code"] == "PS-KYS")
    assert "QQ0204" not in old["aliases"] and new["aliases"] == [*old["aliases"], "QQ0204"]
    assert kind == "boundaries" and file == path.name and publisher == "test (fictional p-codes)"
    assert note == ("p-codes of qq_admbnda_adm2.geojson recorded as aliases of their places (5), matched by name: "
                    "QQ0201, QQ0202, QQ0203, QQ0205; by spelling variant of the name: QQ0204")

    # a population file keyed by the same p-codes reads onto the governorates
    population = write(tmp_path / "qq-population.csv", "admin2,date,population,source\n"
                       "#adm2+code,#date,#population,#meta+source\n"
                       "QQ0201,2024-06-01,512345,test (fictional)\nqq0205,2024-06-01,254321,test (fictional)\n")
    import_file(gaza, population)
    o = schema.observations
    with gaza.connect() as conn:
        locations = conn.execute(select(o.c.location).where(o.c.indicator == "population", o.c.value == 512345)
                                 ).scalars().all()
        rafah = conn.execute(select(o.c.location).where(o.c.value == 254321)).scalars().all()
    assert locations == ["PS-NGZ"] and rafah == ["PS-RFH"]

    # a second import of the file matches every p-code by its alias now: nothing more recorded
    again = boundaries.import_boundaries(gaza, path)
    assert again.replaced and again.stored == 5 and again.by_name == [] and again.aliases_recorded == 0


def test_a_non_gaza_context_found_and_matched_by_english_or_arabic_names(store: Engine, tmp_path: Path) -> None:
    set_up_example(store)  # SQLite and PostgreSQL
    zarqa = store
    doc = example()
    spelled = {"XZ01": ("ZV01", "Upper al-Zarqa", None), "XZ02": ("ZV02", None, "الزرقاء الوسطى"),
               "XZ03": ("ZV03", "LOWER ZARQA", "الزرقاء السفلى")}
    for feature in doc["features"]:
        pcode, en, ar = spelled[feature["properties"]["ADM1_PCODE"]]
        feature["properties"] = {k: v for k, v in {"ADM1_PCODE": pcode, "ADM1_EN": en, "ADM1_AR": ar}.items() if v}
    report = boundaries.import_boundaries(zarqa, write(tmp_path / "zv_adm1.geojson", doc))  # no --context
    assert (report.context, report.level, report.stored, report.unmatched) == ("XZ", 1, 3, [])
    assert {m.pcode: m.place for m in report.by_name} == {"ZV01": "XZ01", "ZV02": "XZ02", "ZV03": "XZ03"}
    assert "ZV02" in aliases(zarqa, "XZ02")
    # deliveries keyed by the p-code land in the district
    deliveries = write(tmp_path / "zv-deliveries.csv", "date,crossing,item,tonnes,district,source\n"
                       "#date,#loc+crossing+code,#item+name,#indicator+num+tonnes,#adm1+code,#meta+source\n"
                       "2025-03-05,river-port,rice,7,ZV02,test (fictional)\n")
    import_file(zarqa, deliveries)
    d = schema.deliveries
    with zarqa.connect() as conn:
        assert conn.execute(select(d.c.area).where(d.c.kg == 7000)).scalars().all() == ["XZ02"]


def ambiguous_doc() -> dict[str, Any]:
    doc = copy.deepcopy(example())
    for i, feature in enumerate(doc["features"]):
        feature["properties"] = {"ADM1_PCODE": f"ZV0{i + 1}", "ADM1_EN": feature["properties"]["ADM1_EN"]}
    # feature 1: its English name says Middle Zarqa, its Arabic name Lower Zarqa
    doc["features"][1]["properties"]["ADM1_AR"] = "الزرقاء السفلى"
    return doc


def test_an_ambiguous_name_is_refused_in_one_line_and_nothing_written(zarqa: Engine, tmp_path: Path,
                                                                      lifeline: Callable[..., Ran]) -> None:
    path = write(tmp_path / "ambiguous.geojson", ambiguous_doc())
    ran = lifeline(zarqa, "boundaries", "import", str(path))
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert "ambiguous.geojson" in line and "feature 1, property 'ADM1_EN/AR'" in line
    assert "found 2: XZ02, XZ03" in line and "--match ZV02=PLACE" in line
    with zarqa.connect() as conn:
        assert conn.execute(select(func.count()).select_from(boundary_sets)).scalar() == 0
    assert aliases(zarqa, "XZ01") == [] and aliases(zarqa, "XZ02") == []


def test_an_explicit_mapping_settles_it_by_option_or_csv(zarqa: Engine, tmp_path: Path,
                                                         lifeline: Callable[..., Ran]) -> None:
    path = write(tmp_path / "ambiguous.geojson", ambiguous_doc())
    ran = lifeline(zarqa, "boundaries", "import", str(path), "--match", "ZV02=XZ02")
    assert ran.returncode == 0, ran.stderr
    assert "matched by --match (1), each p-code recorded as an alias of its place: ZV02 -> XZ02" in ran.stdout
    assert "matched by name (2)" in ran.stdout
    assert "ZV02" in aliases(zarqa, "XZ02") and "ZV03" in aliases(zarqa, "XZ03")
    # the same from a CSV, on a fresh store
    table = write(tmp_path / "codes.csv", "code,place\nZV02,XZ02\n")
    mapping = __import__("lifeline.geo.boundary_match", fromlist=["read_mapping"]).read_mapping((), table)
    assert mapping == {"ZV02": "XZ02"}


def test_two_features_of_one_name_are_refused(zarqa: Engine, tmp_path: Path) -> None:
    doc = ambiguous_doc()
    doc["features"][1]["properties"] = {"ADM1_PCODE": "ZV02", "ADM1_EN": "Upper Zarqa"}
    with pytest.raises(UserError, match=r"the names of ZV01 and ZV02 both fit 'XZ01'; map them with --match"):
        boundaries.import_boundaries(zarqa, write(tmp_path / "twice.geojson", doc))


@pytest.mark.parametrize(("option", "expected"), [
    ("ZV02=XZ09", "--match ZV02=XZ09: 'XZ09' is not an admin area of context XZ"),
    ("ZV02=river-port", "'river-port' is not an admin area of context XZ"),
    ("ZV99=XZ02", "--match ZV99=XZ02: no feature of the file has the p-code 'ZV99'"),
    ("ZV02", "--match 'ZV02': expected CODE=PLACE"),
])
def test_a_bad_mapping_is_one_line_exit_2(zarqa: Engine, tmp_path: Path, lifeline: Callable[..., Ran],
                                          option: str, expected: str) -> None:
    path = write(tmp_path / "ambiguous.geojson", ambiguous_doc())
    ran = lifeline(zarqa, "boundaries", "import", str(path), "--context", "XZ", "--match", option)
    assert ran.returncode == 2
    [line] = ran.stderr.strip().splitlines()
    assert expected in line and "Traceback" not in ran.stderr


def test_names_that_fit_no_place_leave_the_file_refused_as_before(zarqa: Engine, tmp_path: Path) -> None:
    doc = cod_ab([("ZV01", "Elsewhere", "مكان آخر", None)], level=1)
    with pytest.raises(UserError, match="expected p-codes of the places of a context in this store"):
        boundaries.import_boundaries(zarqa, write(tmp_path / "elsewhere.geojson", doc))


def test_the_aliases_dataset_belongs_to_its_context_only(store: Engine, tmp_path: Path) -> None:
    from lifeline.model.dataset_versions import datasets_in
    from lifeline.reference.load import load_all

    load_all(store)
    set_up_example(store)
    path = write(tmp_path / "qq_admbnda_adm2.geojson", cod_ab(GAZA_ADM2))
    report = boundaries.import_boundaries(store, path, context="gaza-strip")
    assert report.aliases_recorded == 5
    d = schema.datasets
    with store.connect() as conn:
        [aliases_dataset] = conn.execute(select(d.c.id).where(d.c.kind == "boundaries")).scalars().all()
        gaza, zarqa = datasets_in(conn, "gaza-strip"), datasets_in(conn, "XZ")
    assert gaza is not None and zarqa is not None
    assert aliases_dataset in gaza and aliases_dataset not in zarqa
