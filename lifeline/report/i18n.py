"""Report wording in English and Arabic. Data (names, notes, sources) stays as the source wrote it."""

from __future__ import annotations

import re
from collections.abc import Callable

from lifeline.errors import UserError
from lifeline.i18n import wording
from lifeline.i18n.counted import Template, fill, noun_after

LANGS = ("en", "ar")

TEXT: dict[str, dict[str, str]] = {
    # The context's own name (docs/new-context.md) in the title and the area line; a store without places
    # (no context) names no place at all, never Gaza's.
    "title_of": {
        "en": "Situation report: humanitarian access and food supply, {place}",
        "ar": "تقرير الوضع: الوصول الإنساني والإمدادات الغذائية، {place}",
    },
    "all_areas_of": {"en": "whole {place}", "ar": "كامل {place}"},
    "title": {
        "en": "Situation report: humanitarian access and food supply",
        "ar": "تقرير الوضع: الوصول الإنساني والإمدادات الغذائية",
    },
    "period": {"en": "Period", "ar": "الفترة"},
    "file": {"en": "file", "ar": "ملف"},  # a reference's imported file: "(file unrwa-….csv)"
    "freshness": {"en": "Live sources: freshness", "ar": "المصادر المباشرة: حداثة البيانات"},
    "overdue_sources": {"en": "Overdue live sources", "ar": "مصادر مباشرة متأخرة"},
    "overdue_flag": {
        "en": "Overdue: no successful check of {names} for longer than its schedule; its figures may be out of date.",
        "ar": "متأخر: لم يُفحص {names} بنجاح منذ مدة أطول من جدوله؛ قد تكون أرقامه قديمة.",
    },
    "overdue_note": {
        "en": "overdue: no successful check for longer than the source's schedule (times the overdue factor)",
        "ar": "متأخر: لا فحص ناجح منذ مدة أطول من جدول المصدر (مضروبة في عامل التأخر)",
    },
    "as_of_flag": {
        "en": "As of {at}: the figures are those Lifeline would have given with the versions it held then.",
        "ar": "حتى {at}: الأرقام هي ما كان لايفلاين سيقدمه بالنسخ التي كانت لديه حينها.",
    },
    "yes": {"en": "yes", "ar": "نعم"},
    "no": {"en": "no", "ar": "لا"},
    "summary": {"en": "Summary", "ar": "الملخص"},
    # The caption follows the map's basis (the svg's data-basis): Gaza's schematic, else imported boundaries.
    "map_caption": {"en": "Crossings by status (schematic; dashed: approximate position), on",
                    "ar": "المعابر حسب الحالة (مخطط تقريبي؛ المتقطع: موقع تقريبي)، في"},
    "map_caption_boundaries": {
        "en": "Crossings by status (imported boundaries, simplified; dashed: approximate position), on",
        "ar": "المعابر حسب الحالة (حدود مستوردة مبسّطة؛ المتقطع: موقع تقريبي)، في"},
    "map_caption_points": {
        "en": "Crossings by status, at their coordinates (no outline of the areas imported; dashed: approximate "
              "position), on",
        "ar": "المعابر حسب الحالة في إحداثياتها (لم تُستورد حدود المناطق؛ المتقطع: موقع تقريبي)، في"},
    "b_trucks": {
        "en": "{source} recorded {value:truck} per day in the month from {period} ({share} of the pre-war {prewar} "
              "per day){need}{change}.",
        "ar": "سجّلت {source} {value:truck} يومياً في الشهر الذي يبدأ في {period} ({share} من مستوى ما قبل الحرب "
              "البالغ {prewar:truck} يومياً){need}{change}.",
    },
    # the same without a pre-war baseline (a context that has none: nothing to compare with, never a dash)
    "b_trucks_alone": {
        "en": "{source} recorded {value:truck} per day in the month from {period}{need}{change}.",
        "ar": "سجّلت {source} {value:truck} يومياً في الشهر الذي يبدأ في {period}{need}{change}.",
    },
    "b_need": {"en": "; the stated need then was {need} per day",
               "ar": "؛ وكانت الحاجة المعلنة آنذاك {need:truck} يومياً"},
    "b_change": {"en": "; {change} on the month from {previous}",
                 "ar": "؛ بتغيّر {change} عن الشهر الذي يبدأ في {previous}"},
    "b_crossings": {
        "en": "On {day}, {n} of {total:crossing} open ({open}); the status of {unknown} was unknown.",
        "ar": "في {day} كان {n} من أصل {total:crossing+gen} مفتوحة ({open})؛ وكانت حالة {unknown} غير معروفة.",
    },
    # (U+2060, a word joiner after the interval's dash: the range is never cut across two lines)
    "b_kcal": {
        "en": "Food available in {area}: {value} kcal per person per day in the month from {period} "
              "(95 % interval {low}–{high}), {share} of the {req} kcal requirement{change}.",
        "ar": "الغذاء المتاح في {area}: {value} سعرة حرارية للفرد يومياً في الشهر الذي يبدأ في {period} "
              "(فترة 95 %: {low}–\u2060{high})، أي {share} من احتياج {req} سعرة{change}.",
    },
    "b_alerts": {
        "en": "Alerts of the period: {n:alert} ({open} open, {resolved} resolved); the most frequent rule is {rule}.",
        "ar": "تخص الفترة {n:alert} ({open} مفتوحة، {resolved} محلولة)؛ القاعدة الأكثر تكراراً: {rule}.",
    },
    "b_closures": {
        "en": "{n:closure} and {r:restriction} of a crossing were reported in the period.",
        "ar": "أُبلغ عن {n:closure+gen} و{r:restriction+gen} لمعابر خلال الفترة.",
    },
    "none": {"en": "none", "ar": "لا شيء"},
    "list_sep": {"en": ", ", "ar": "، "},  # between the names of a list inside a sentence
    "clause_sep": {"en": "; ", "ar": "؛ "},
    # The appendix's methods, one paragraph each.
    "m_deliveries": {
        "en": "Deliveries: the line lists as published, one row per consignment; trucks and tonnes are normalised "
              "with the named assumptions below (kg per pallet, kg per truck). Withdrawn rows of a re-published list "
              "are excluded and kept in the revision history.",
        "ar": "الإدخالات: القوائم كما نُشرت، صف لكل شحنة؛ تُوحَّد الشاحنات والأطنان بالافتراضات المسماة أدناه "
              "(كغ لكل منصة، كغ لكل شاحنة). تُستبعد الصفوف المسحوبة من قائمة أعيد نشرها وتُحفظ في سجل التعديلات."},
    "cov_several": {
        "en": "{n} publishers report deliveries for this context ({publishers}): coverage counts one list at a time, "
              "so no truck is counted twice; write the report for one of them with --source.",
        "ar": "تنشر {n} جهات إدخالات لهذا السياق ({publishers}): تُحسب التغطية من قائمة واحدة في كل مرة، فلا "
              "تُحسب شاحنة مرتين؛ اكتب التقرير لإحداها بالخيار ‎--source."},
    "m_coverage": {
        "en": "Coverage: kcal entering per day from the {source} list (one list, so no truck is counted twice), "
              "through the commodity energy catalogue, against the population; consumption is capped per person per "
              "day and any surplus carried over; intervals come from Monte Carlo runs over the ranged assumptions.",
        "ar": "التغطية: السعرات الداخلة يومياً من قائمة {source} (قائمة واحدة، فلا تُحسب شاحنة مرتين)، عبر دليل "
              "طاقة السلع، مقابل عدد السكان؛ للاستهلاك سقف للفرد في اليوم ويُرحَّل أي فائض؛ وتأتي الفترات من "
              "تشغيلات مونت كارلو على الافتراضات ذات المدى."},
    "m_access": {
        "en": "Access: a reported status stands for a limited time after its report (status_valid_days_*), then reads "
              "'unknown — last reported …'; 'open (reported)' differs from 'open (entries recorded)'; a reported "
              "closure meeting recorded entries is 'disputed'; a day with no recorded entries is 'no data', never a "
              "closure. A stated need stands only over the period its source gives (else stated_need_valid_days).",
        "ar": "الوصول: تسري الحالة المُبلَّغ عنها مدة محدودة بعد تقريرها (status_valid_days_*)، ثم تُقرأ «غير "
              "معروف — آخر تقرير …»؛ «مفتوح (وفق تقرير)» يختلف عن «مفتوح (دخول مسجّل)»؛ والإغلاق المُبلَّغ عنه "
              "مع إدخالات مسجلة «متنازع عليه»؛ واليوم بلا إدخالات مسجلة «لا بيانات» وليس إغلاقاً أبداً. ولا تسري "
              "الحاجة المعلنة إلا خلال الفترة التي يحددها مصدرها (وإلا stated_need_valid_days)."},
    "m_alerts": {
        "en": "Alerts: rules and thresholds of the 'alerts' assumption set; each alert keeps its evidence and sources.",
        "ar": "التنبيهات: قواعد مجموعة الافتراضات «alerts» وعتباتها؛ ويحتفظ كل تنبيه بأدلته ومصادره."},
    # Column headers the report writes itself (the core's own come through lifeline.i18n.wording, see heading()).
    "c_crossing": {"en": "crossing", "ar": "المعبر"},
    "c_source": {"en": "source", "ar": "المصدر"},
    "c_trucks": {"en": "trucks", "ar": "الشاحنات"},
    "c_days_with": {"en": "days with entries", "ar": "أيام فيها إدخالات"},
    "c_days_without": {"en": "days without recorded entries", "ar": "أيام بلا إدخالات مسجلة"},
    "c_last_entry": {"en": "last entry", "ar": "آخر إدخال"},
    "c_rule": {"en": "rule", "ar": "القاعدة"},
    "c_place": {"en": "place", "ar": "المكان"},
    "c_state": {"en": "state", "ar": "الحالة"},
    "c_period": {"en": "period", "ar": "الفترة"},
    "c_resolved_on": {"en": "resolved on", "ar": "تاريخ الحل"},
    "c_alert": {"en": "alert", "ar": "التنبيه"},
    "c_set": {"en": "set", "ar": "المجموعة"},
    "c_assumption": {"en": "assumption", "ar": "الافتراض"},
    "c_value_range_unit": {"en": "value [range] unit", "ar": "القيمة [المدى] الوحدة"},
    "c_document": {"en": "document", "ar": "الوثيقة"},
    "c_claim": {"en": "claim", "ar": "الادعاء"},
    "c_figure": {"en": "figure", "ar": "الرقم"},
    "c_verdict": {"en": "verdict", "ar": "الحكم"},
    "c_explanation": {"en": "explanation", "ar": "الشرح"},
    "interval_95": {"en": ", 95 % interval", "ar": "، فترة 95 %"},
    "no_crossing_given": {"en": "(no crossing given)", "ar": "(لم يُذكر معبر)"},
    "n_a": {"en": "n/a", "ar": "غير متاح"},
    "n_days_without": {
        "en": "days without recorded entries are counted within the span each list covers; they are not closures",
        "ar": "تُحسب الأيام بلا إدخالات مسجلة ضمن المدى الذي تغطيه كل قائمة؛ وهي ليست إغلاقات"},
    "n_no_trucks": {"en": "n/a: the source's rows there carry no truck count ({which})",
                    "ar": "غير متاح: لا تحمل صفوف المصدر هناك عدداً للشاحنات ({which})"},
    "n_at": {"en": "{pub} at {place}", "ar": "{pub} في {place}"},
    "n_not_covered": {"en": "n/a: {reasons}", "ar": "غير متاح: {reasons}"},
    "n_no_entries": {
        "en": "'no recorded entries' means the line list holds no entry on those days; it is not a closure",
        "ar": "«لا إدخالات مسجلة» تعني أن القائمة لا تحمل أي إدخال في تلك الأيام؛ وهذا ليس إغلاقاً"},
    "n_verdicts": {"en": "verdicts speak of the data in the store only",
                   "ar": "الأحكام تخص البيانات المخزنة فقط"},
    "n_sources_short": {
        "en": "sources shortened to their first words; `lifeline assumptions show SET` prints them in full",
        "ar": "المصادر مختصرة إلى كلماتها الأولى؛ يطبعها `lifeline assumptions show SET` كاملة"},
    # Partial periods on the charts (lifeline.report.periods): "partial: COGAT 2024-09, 17 of 30 days, data to …".
    "partial": {"en": "partial", "ar": "جزئي"},
    "n_of_days": {"en": "{n} of {full:day}", "ar": "{n} من {full:day+gen}"},
    "partial_period": {"en": "partial period (see note)", "ar": "فترة جزئية (انظر الملاحظة)"},
    "prewar_ref": {"en": "pre-war level, {n:truck}/day", "ar": "مستوى ما قبل الحرب، {n:truck} يومياً"},
    "cap_label": {"en": "consumption cap ({n} kcal)", "ar": "سقف الاستهلاك ({n} سعرة)"},
    "area": {"en": "Area", "ar": "المنطقة"},
    "generated": {"en": "Generated", "ar": "تاريخ الإعداد"},
    "all_areas": {"en": "all areas", "ar": "جميع المناطق"},
    "k_trucks": {"en": "{pub}: trucks recorded ({a} to {b})", "ar": "{pub}: الشاحنات المسجلة (من {a} إلى {b})"},
    "k_per_day": {
        "en": "{pub}: trucks per day in the month from {month}, share of the pre-war {n}/day",
        "ar": "{pub}: الشاحنات يومياً في الشهر الذي يبدأ في {month}، ونسبتها من {n:truck+gen} يومياً قبل الحرب",
    },
    "k_per_day_alone": {
        "en": "{pub}: trucks per day in the month from {month}",
        "ar": "{pub}: الشاحنات يومياً في الشهر الذي يبدأ في {month}",
    },
    "k_kcal": {
        "en": "kcal per person per day, {area} ({source}, median and 95 % interval)",
        "ar": "السعرات الحرارية للفرد يومياً، {area} ({source}، الوسيط وفترة 95 %)",
    },
    "k_coverage": {
        "en": "coverage of the {req} kcal requirement, {area}",
        "ar": "نسبة تغطية احتياج {req} سعرة حرارية، {area}",
    },
    "key_figures": {"en": "Key figures", "ar": "أرقام رئيسية"},
    "figure": {"en": "Figure", "ar": "المؤشر"},
    "value": {"en": "Value", "ar": "القيمة"},
    "source": {"en": "Source", "ar": "المصدر"},
    "sources": {"en": "Sources", "ar": "المصادر"},
    "coverage": {"en": "Food energy coverage", "ar": "تغطية الاحتياجات من الطاقة الغذائية"},
    "coverage_chart": {
        "en": "kcal per person per day (median, 95 % interval)",
        "ar": "السعرات الحرارية للفرد يومياً (الوسيط، فترة 95 %)",
    },
    "requirement": {"en": "requirement", "ar": "الاحتياج"},
    "access": {"en": "Access: crossings and entries", "ar": "الوصول: المعابر والإدخالات"},
    "trucks_chart": {"en": "Trucks recorded per day, by source", "ar": "الشاحنات المسجلة يومياً، حسب المصدر"},
    "crossings_chart": {
        "en": "Trucks recorded in the period, by crossing and source",
        "ar": "الشاحنات المسجلة خلال الفترة، حسب المعبر والمصدر",
    },
    "timeline": {
        "en": "Access timeline over the period: days per reported status and recorded entries",
        "ar": "الجدول الزمني للوصول خلال الفترة: الأيام حسب الحالة المُبلغ عنها والإدخالات المسجلة",
    },
    "crossings_table": {"en": "Crossings in the period", "ar": "المعابر خلال الفترة"},
    "closures": {"en": "Reported closures and restrictions", "ar": "الإغلاقات والقيود المُبلغ عنها"},
    "none_reported": {"en": "None reported in the store for this period.", "ar": "لا توجد بلاغات مسجلة لهذه الفترة."},
    "sources_compare": {"en": "Sources side by side", "ar": "مقارنة المصادر"},
    "alerts": {"en": "Alerts raised", "ar": "التنبيهات الصادرة"},
    "no_alerts": {"en": "No alerts for this period.", "ar": "لا توجد تنبيهات لهذه الفترة."},
    "claims": {"en": "Claims checked", "ar": "الادعاءات التي جرى التحقق منها"},
    "no_claims": {
        "en": "No statements were checked for this report.",
        "ar": "لم يجرِ التحقق من أي تصريحات لهذا التقرير.",
    },
    "appendix": {"en": "Appendix: methods and assumptions", "ar": "ملحق: المنهجية والافتراضات"},
    "methods": {"en": "Methods", "ar": "المنهجية"},
    "assumption": {"en": "Assumption", "ar": "الافتراض"},
    "unit": {"en": "Unit", "ar": "الوحدة"},
    "references": {"en": "References", "ar": "المراجع"},
    "notes": {"en": "Notes", "ar": "ملاحظات"},
    "no_data": {"en": "no data", "ar": "لا بيانات"},
    "page": {"en": "Page", "ar": "صفحة"},
    "disclaimer": {
        "en": "Figures are computed by Lifeline from the published files cited; no recorded entries is not a "
        "closure, and missing values are shown as missing, never as zero.",
        "ar": "الأرقام محسوبة بواسطة لايفلاين من الملفات المنشورة المذكورة؛ غياب الإدخالات المسجلة لا يعني "
        "إغلاق المعبر، والقيم المفقودة تظهر مفقودة ولا تُعامل كصفر.",
    },
}


# The core's completeness marks ("data from 2023-10-21", "data to 2024-09-17", "window from …") in the report's
# language; dates and figures stay as they are.
MARK_WORDS: dict[str, dict[str, str]] = {
    "ar": {"data from": "البيانات من", "data to": "البيانات حتى",
           "window from": "الفترة المطلوبة من", "window to": "الفترة المطلوبة حتى", " of ": " من "},
}


# "17 of 31 days in the window asked": the days counted in agreement (lifeline.i18n.counted).
WINDOW_DAYS = re.compile(r"(\d+) of (\d+) days in the window asked")
WINDOW_DAYS_TEXT = {"ar": "{0} من {1:day+gen} في الفترة المطلوبة"}


def mark_text(mark: str, lang: str) -> str:
    if lang in WINDOW_DAYS_TEXT:
        mark = WINDOW_DAYS.sub(lambda m: fill(WINDOW_DAYS_TEXT[lang], m.group(1), m.group(2), lang=lang), mark)
    for en, local in MARK_WORDS.get(lang, {}).items():
        mark = mark.replace(en, local)
    return mark


def prose(lang: str, text: str, quoted: Callable[[str], str] | None = None) -> str:
    """The core's English (notes, alert titles, statuses, marks) in ``lang`` through the web's table
    (lifeline/i18n/<lang>-prose.json), so both faces say the same; what it does not know stays as written.
    ``quoted`` turns the data a sentence quotes (a place's English name) into the reader's."""
    if lang == "en" or not text:
        return text
    return wording.plain(wording.quoted(wording.prose(lang, text), quoted) if quoted else wording.prose(lang, text))


# Units that count things, and the noun each takes in Arabic after a figure (lifeline.i18n.counted).
UNIT_NOUNS = {"days": "day", "trucks": "truck", "people": "person", "runs": "run", "alerts": "alert"}


def unit_text(lang: str, value: object, unit: str) -> str:
    """An assumption's unit after its value: in Arabic a counted noun agrees with the value ("3 أيام"), any
    other unit goes through :func:`prose`."""
    if lang == "ar" and unit in UNIT_NOUNS:
        return noun_after(value, UNIT_NOUNS[unit])
    return prose(lang, unit)


def heading(lang: str, key: str, title: str) -> str:
    """A core column's header in ``lang``: the web's label for that column where it has one, else its title
    through :func:`prose` (the Overview's tables and the report's read the same)."""
    if lang == "en":
        return title
    found = wording.strings(lang).get("col_" + key)
    return found if found and found != wording.strings("en").get("col_" + key) else prose(lang, title)


def rule_name(lang: str, rule: str) -> str:
    """An alert rule's name ("crossing-gap"): words in English, the web's name in Arabic."""
    return rule.replace("-", " ") if lang == "en" else prose(lang, rule)


def translator(lang: str):  # type: ignore[no-untyped-def]
    """A function giving the wording for ``lang``; unknown keys fail loudly in tests, not silently."""
    if lang not in LANGS:
        raise UserError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")

    def t(key: str) -> str:
        return Template.of(TEXT[key][lang], lang)

    return t
