#!/usr/bin/env python3
"""Measure delar's forecasts against statsforecast's AutoETS and a plain seasonal profile on
the same series, years and cut-offs, and print the comparison table for docs/FORECASTING.md.

Usage:  python3 scripts/forecast_compare.py DATA_DIR [DELAR_BINARY]
        (DATA_DIR as written by scripts/forecast_devset.py; DELAR_BINARY defaults to
        target/release/delar; FORECAST_CASES=path.csv also writes every case with each
        projection)
Needs:  pip install statsforecast pandas  (in a venv)

A case is a series-year with at least three consecutive complete earlier years, projected
from January–M (M = 4 and 8): the full-year total is the outcome to date plus the forecast of
the remaining months. delar decides the cases (`delar forecast utvardera --fall`); the script
projects the same cases with
- AutoETS (statsforecast, season length 12, default model search), fitted on every month
  before the cut-off in the series' run of consecutive complete years;
- the plain seasonal profile: outcome to date / the mean, over the last three years, of the
  share of the year reached after M months.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def metrics(f, a):
    e = (np.asarray(f) - np.asarray(a)) / np.abs(np.asarray(a)) * 100.0
    return {"n": len(e), "mape": float(np.mean(np.abs(e))), "median_ape": float(np.median(np.abs(e))),
            "bias": float(np.mean(e))}


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    data_dir = sys.argv[1]
    delar = sys.argv[2] if len(sys.argv) > 2 else "target/release/delar"
    files = sorted(glob.glob(os.path.join(data_dir, "*.csv")))
    cases_path = os.path.join(tempfile.mkdtemp(), "fall.csv")
    out = subprocess.run([delar, "forecast", "utvardera", *files, "--manader", "4,8", "--json",
                          "--fall", cases_path], check=True, capture_output=True, text=True)
    ours = json.loads(out.stdout)
    cases = pd.read_csv(cases_path, sep=";", decimal=",").rename(
        columns={"år": "year", "brytmånad": "cutoff"})
    series = {}
    for f in files:
        d = pd.read_csv(f, sep=";")
        d.columns = ["year", "month", "value"]
        series[os.path.splitext(os.path.basename(f))[0]] = d

    from statsforecast.models import AutoETS

    ets, plain, fit_seconds, fits = [], [], 0.0, 0
    for c in cases.itertuples():
        d = series[c.serie]
        y, m = int(c.year), int(c.cutoff)
        # The run of consecutive complete years before y.
        years = []
        k = y - 1
        while ((d.year == k).sum() == 12):
            years.insert(0, k)
            k -= 1
        hist = d[d.year.isin(years)].sort_values(["year", "month"]).value.to_numpy()
        now = d[d.year == y].sort_values("month").value.to_numpy()
        ytd = now[:m].sum()
        train = np.concatenate([hist, now[:m]]).astype(float)
        t0 = time.perf_counter()
        model = AutoETS(season_length=12).fit(train)
        rest = model.predict(h=12 - m)["mean"].sum()
        fit_seconds += time.perf_counter() - t0
        fits += 1
        ets.append(ytd + rest)
        shares = []
        for yy in years[-3:]:
            v = d[d.year == yy].sort_values("month").value.to_numpy()
            shares.append(v[:m].sum() / v.sum())
        plain.append(ytd / np.mean(shares))
    cases["autoets"] = ets
    cases["plain"] = plain
    if os.environ.get("FORECAST_CASES"):
        cases.to_csv(os.environ["FORECAST_CASES"], sep=";", index=False)

    # delar fits exponential smoothing once per year with two or more consecutive complete
    # earlier years, per cut-off (the backtest reuses those fits).
    ets_fits = 0
    for d in series.values():
        full = sorted(y for y, g in d.groupby("year") if len(g) == 12)
        run = 0
        for i, y in enumerate(full):
            run = run + 1 if i > 0 and full[i - 1] == y - 1 else 1
            ets_fits += 2 if run >= 3 else 0
    print(f"Series: {len(files)}; series-years: {ours['cases']}; cases: {len(cases)}")
    print(f"delar forecast utvardera: {ours['seconds']:.2f} s for every method, backtest and mix "
          f"({ets_fits} exponential smoothing fits among them: at most "
          f"{ours['seconds'] / ets_fits * 1000:.2f} ms per fit)")
    print(f"statsforecast AutoETS: {fit_seconds:.1f} s for {fits} fits, "
          f"{fit_seconds / fits * 1000:.1f} ms per fit")
    print()
    rows = [("Seasonal profile, mean of three years' shares (script)", "plain"),
            ("statsforecast AutoETS (script)", "autoets")]
    keys = ["linjar", "sasong_median", "sasong_medel", "sasong_viktad", "sasong_harmonisk",
            "sasong", "senaste_manader", "utjamning", "kombination", "mix"]
    print("| method | P1 MAPE % | P1 median APE % | P1 bias % | P2 MAPE % | P2 median APE % | P2 bias % | coverage 80 % P1 / P2 |")
    print("|---|---|---|---|---|---|---|---|")
    fmt = lambda x: f"{x:.2f}".replace(".", ",").replace("-", "−")
    for label, col in rows:
        cells = []
        for m in (4, 8):
            sub = cases[cases.cutoff == m]
            r = metrics(sub[col], sub.utfall)
            cells += [fmt(r["mape"]), fmt(r["median_ape"]), fmt(r["bias"])]
        print(f"| {label} | " + " | ".join(cells) + " | |")
    for k in keys:
        cells = []
        cov = []
        for m in ("4", "8"):
            r = ours["cutoffs"][m].get(k)
            if r is None:
                cells += ["", "", ""]
                continue
            cells += [fmt(r["mape"]), fmt(r["median_ape"]), fmt(r["bias"])]
            if "coverage80" in r:
                cov.append(f"{r['coverage80'] * 100:.0f} %")
        print(f"| delar {k} | " + " | ".join(cells) + " | " + " / ".join(cov) + " |")


if __name__ == "__main__":
    main()
