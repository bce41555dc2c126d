"""KPIs over many provinces of the lake: each province's summary, the national roll-up, the ranking,
and the QĐ 766 index of each province and of the nation.

Each province is counted on its own (``kpi.measures.metrics.counts`` through an engine's
``province`` view), with its own data date: the ``as_of`` rule (DOMAIN §4) judges a province's
open dossiers at min(to, its data date), exactly as its own warehouse does. The national
figures add the provinces' counts and take the rates of the sums (never an average of rates).
"""
from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from kpi.lake import layout
from kpi.measures import index766, metrics, targets, verdict
from kpi.measures.periods import Period
from kpi.text import lake as lake_text


def province_counts(engine, period: Period, provinces: list[str] | None = None
                    ) -> tuple[pd.DataFrame, dict[str, dt.date | None]]:
    """Counts by province and level, and each province's data date."""
    counts, data_dates, _ = _gather(engine, period, provinces)
    return counts, data_dates


def _each_province(engine, provinces: list[str] | None, one) -> dict:
    """{code: one(view of the province)} for the chosen provinces (default: every province of the lake).

    Provinces are counted ``engine.parallel`` at a time (Spark: several jobs share the cluster)."""
    codes = provinces or layout.provinces(engine.lake)
    for code in codes:
        layout.check_province(code)
    if not codes:
        raise ValueError(f"Kho {engine.lake} chưa có tỉnh nào.")

    def run(code: str):
        with engine.province(code) as view:
            return code, one(view)

    with ThreadPoolExecutor(max_workers=max(1, getattr(engine, "parallel", 1))) as pool:
        results = dict(pool.map(run, codes))
    return {code: results[code] for code in codes}


def _gather(engine, period: Period, provinces: list[str] | None, with_targets: bool = False):
    """Counts by province and level, data dates and (``with_targets``) each province's targets in force."""
    results = _each_province(engine, provinces, lambda view: (
        metrics.data_date(view), metrics.counts(view, period, group_by=("level",)),
        targets.targets_for_year(view, period.end.year) if with_targets else None))
    frames = [found[1].assign(province=code) for code, found in results.items()]
    data_dates = {code: found[0] for code, found in results.items()}
    in_force = {code: found[2] for code, found in results.items()} if with_targets else {}
    return pd.concat(frames, ignore_index=True), data_dates, in_force


def index(engine, period: Period, provinces: list[str] | None = None
          ) -> tuple[dict[str, index766.IndexReport], index766.IndexReport]:
    """`kpi index --lake`: each province's QĐ 766 index (``index766.compute`` over its view of the lake,
    so with its own published figures and data date, exactly as its warehouse gives it) and the
    nation's (``index766.combine``: every formula over the provinces' added counts)."""
    reports = _each_province(engine, provinces, lambda view: index766.compute(view, period))
    return reports, index766.combine(list(reports.values()), "national", lake_text.NATIONAL)


def index_table(reports: dict[str, index766.IndexReport]) -> pd.DataFrame:
    """One row per province of ``index``: its total, the points the total covers, whether partial, and its
    grade (an index into ``kpi.text.index766.GRADE_LABELS``, None without data) — what the national page shows."""
    scores = [(code, report.province) for code, report in reports.items()]
    return pd.DataFrame({
        "province": [code for code, _ in scores],
        "total": pd.Series([s.total for _, s in scores], dtype="object"),
        "max_covered": [s.max_covered for _, s in scores],
        "partial": [s.partial for _, s in scores],
        "grade": pd.Series([s.grade for _, s in scores], dtype="object"),
    })


def _by_level(counts: pd.DataFrame) -> pd.DataFrame:
    return counts.drop(columns=["province"]).groupby("level", as_index=False, sort=False).sum(numeric_only=True)


def summary(engine, period: Period, provinces: list[str] | None = None) -> dict:
    """`kpi summary --lake`: the national summary and one per province, each shaped like ``metrics.summary``."""
    counts, data_dates = province_counts(engine, period, provinces)
    per_province = {code: metrics.summary_of_counts(_by_level(counts[counts["province"] == code]), period,
                                                    data_dates[code])
                    for code in data_dates}
    known = [d for d in data_dates.values() if d]
    national = metrics.summary_of_counts(_by_level(counts), period, max(known) if known else None)
    return {"engine": engine.name, "from": period.start.isoformat(), "to": period.end.isoformat(),
            "national": national, "provinces": per_province}


def ranking(engine, period: Period, provinces: list[str] | None = None) -> pd.DataFrame:
    """One row per province: its counts, every KPI rate (``metrics.add_rates``), its data date, and per
    KPI the province's own all-levels target (``<kpi>__target``, a Target or None) and its status
    (``<kpi>__status``: met / not_met / no_data, or no_target): each province is judged by its own plan."""
    return _ranking_table(*_gather(engine, period, provinces, with_targets=True))


def ranking_and_index(engine, period: Period, provinces: list[str] | None = None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``ranking`` and ``index_table`` in one pass over each province (what the national page shows):
    the index's counts by level and unit, summed, are the ranking's counts, so each province is read once."""
    found = _each_province(engine, provinces, lambda view: (index766.compute(view, period),
                                                            targets.targets_for_year(view, period.end.year)))
    reports = {code: report for code, (report, _) in found.items()}
    counts = pd.concat([report.counts.drop(columns=["unit_id"]).assign(province=code)
                        for code, report in reports.items()], ignore_index=True)
    table = _ranking_table(counts, {code: report.data_date for code, report in reports.items()},
                           {code: in_force for code, (_, in_force) in found.items()})
    return table, index_table(reports)


def _ranking_table(counts: pd.DataFrame, data_dates: dict, in_force: dict) -> pd.DataFrame:
    totals = counts.drop(columns=["level"]).groupby("province", as_index=False, sort=True).sum(numeric_only=True)
    table = metrics.add_rates(totals)
    table["data_date"] = table["province"].map(data_dates)
    extra = {}
    for kpi in metrics.KPIS:
        chosen = [targets.pick(in_force[code], kpi) for code in table["province"]]
        extra[f"{kpi}__target"] = chosen
        extra[f"{kpi}__status"] = [t.assess(v) if t else verdict.NO_TARGET for t, v in zip(chosen, table[kpi])]
    return pd.concat([table, pd.DataFrame(extra, index=table.index)], axis=1)


def national_totals(table: pd.DataFrame) -> dict:
    """The national row of a ``ranking`` table: every KPI over the provinces' summed counts."""
    derived = set(metrics.KPIS) | {"province", "data_date"}
    counts = table[[c for c in table.columns if "__" not in c and c not in derived]]
    return metrics.add_rates(counts.sum().to_frame().T.astype("int64")).iloc[0].to_dict()


def ranked_rows(table: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Provinces from the best rate of ``kpi`` down (no data last), with name, rank, numerator, denominator,
    target, status and gap (dossiers missing to reach the province's target) — what the ranking draws."""
    value = pd.to_numeric(table[kpi], errors="coerce")
    ordered = table.assign(_value=value).sort_values(["_value", "province"], ascending=[False, True],
                                                     na_position="last").reset_index(drop=True)
    nums, dens, chosen = ordered[f"{kpi}__num"], ordered[f"{kpi}__den"], ordered[f"{kpi}__target"]
    return pd.DataFrame({
        # object: a province without data has no rank (None), the others keep whole numbers.
        "rank": pd.Series([i + 1 if pd.notna(v) else None for i, v in enumerate(ordered["_value"])], dtype="object"),
        "province": ordered["province"],
        "name": [lake_text.province_name(code) for code in ordered["province"]],
        kpi: ordered[kpi], f"{kpi}__num": nums, f"{kpi}__den": dens,
        "target": chosen, "status": ordered[f"{kpi}__status"],
        "gap": [targets.gap_count(int(n), int(d), t.threshold, t.direction) if t else None
                for n, d, t in zip(nums, dens, chosen)],
        "data_date": ordered["data_date"],
    })
