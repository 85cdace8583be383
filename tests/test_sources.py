"""Readers of the original files: fixture files in the published layouts, then the real ones."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from forecast.errors import SourceDataError
from forecast.sources import atop, bmr, cow
from forecast.sources._common import find_file, make_dates

WAR_HEADER = (
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,EndMonth1,"
    "EndDay1,EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,TransFrom,"
    "WhereFought,Initiator,Outcome,TransTo,BatDeath,Version"
)
WAR_ROWS = [
    "139,World War II,1,255,Germany,2,9,1,1939,5,7,1945,-8,-8,-8,-8,-8,-8,-8,14,1,2,-8,3500000,4",
    "139,World War II,1,290,Poland,1,9,1,1939,9,27,1939,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,320000,4",
    # side switcher: one row per side
    "139,World War II,1,325,Italy,2,6,10,1940,9,2,1943,-8,-8,-8,-8,-8,-8,-8,14,2,2,-8,174500,4",
    "139,World War II,1,325,Italy,1,10,18,1943,5,7,1945,-8,-8,-8,-8,-8,-8,-8,14,2,1,-8,52400,4",
    # second spell on the same side; -9 battle deaths
    '139,World War II,1,220,France,1,9,3,1939,6,22,1940,10,23,1944,8,14,1945,"404, 410",2,2,1,'
    "-8,-9,4",
]


def write(path, lines, ending="\n", final_newline=True):
    text = ending.join(lines) + (ending if final_newline else "")
    path.write_bytes(text.encode())
    return path


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_wars_any_line_ending(tmp_path, ending):
    path = write(tmp_path / "Inter-StateWarData_v4.0.csv", [WAR_HEADER, *WAR_ROWS], ending, False)
    wars = cow.read_cow_wars(path)
    assert len(wars) == 5
    italy = wars[wars.ccode == 325].sort_values("start")
    assert list(italy.side) == [2, 1]  # both sides kept
    france = wars[wars.ccode == 220].iloc[0]
    assert france.start2 == pd.Timestamp("1944-10-23")
    assert pd.isna(france.batdeath)  # -9 is missing
    assert pd.isna(wars[wars.ccode == 255].iloc[0].start2)  # -8 not applicable
    assert wars.loc[wars.ccode == 255, "initiator"].item()


def test_missing_column_is_a_clear_error(tmp_path):
    path = write(tmp_path / "Inter-StateWarData_v4.0.csv", ["WarNum,WarName", "1,x"])
    with pytest.raises(SourceDataError, match="missing column"):
        cow.read_cow_wars(path)


def test_unknown_day_and_month(tmp_path):
    years, months, days = (
        pd.Series([1939, 1940, 1941]),
        pd.Series([9, -9, 6]),
        pd.Series([-9, 5, 31]),
    )
    dates = make_dates(years, months, days)
    assert list(dates) == [
        pd.Timestamp("1939-09-01"),
        pd.Timestamp("1940-01-05"),
        pd.Timestamp("1941-06-30"),  # 31 June clipped to the month's last day
    ]


def test_states_majors_nmc_contiguity_codes(tmp_path):
    states = write(
        tmp_path / "states2016.csv",
        [
            "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version",
            "USA,2,United States of America,1816,1,1,2016,12,31,2016",
        ],
        "\r\n",
        False,
    )
    assert cow.read_cow_states(states).iloc[0].end == pd.Timestamp("2016-12-31")
    majors = write(
        tmp_path / "majors2016.csv",
        [
            "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version",
            "JPN,740,1895,4,1,1945,8,14,2016",
        ],
        "\r\n",
    )
    assert cow.read_cow_majors(majors).iloc[0].start == pd.Timestamp("1895-04-01")
    nmc = write(
        tmp_path / "NMC_5_0.csv",
        [
            "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version",
            "USA,2,1816,3823,17,80,254,8659,101,0.0396,2011",
            "XYZ,999,1816,-9,-9,-9,-9,-9,-9,-9,2011",
        ],
    )
    read = cow.read_cow_nmc(nmc)
    assert read.cinc.iloc[0] == pytest.approx(0.0396) and pd.isna(read.cinc.iloc[1])
    cont = write(
        tmp_path / "contdird.csv",
        [
            "dyad,state1no,state1ab,state2no,state2ab,year,conttype,version",
            "2020,2,USA,20,CAN,1920,1,3.2",
        ],
    )
    assert cow.read_cow_contiguity(cont).iloc[0].conttype == 1
    codes = write(
        tmp_path / "COW-country-codes.csv",
        ["StateAbb,CCode,StateNme", "CUB,40,Cuba", "CUB,40,Cuba", "USA,2,United States"],
        "\r",
        False,
    )
    assert list(cow.read_cow_codes(codes).ccode) == [40, 2]  # one row per code


def test_mid_csv_and_dta(tmp_path):
    header = "dispnum3,dispnum4,stabb,ccode,stday,stmon,styear,endday,endmon,endyear,sidea,"
    header += "revstate,revtype1,revtype2,fatality,fatalpre,hiact,hostlev,orig,version"
    rows = [
        "169,-9,USR,365,17,9,1939,29,9,1939,1,1,1,-9,-9,-9,14,4,1,4.3",
        "169,-9,POL,290,-9,9,1939,29,9,1939,0,0,0,-9,-9,-9,16,4,1,4.3",
    ]
    csv_path = write(tmp_path / "MIDB_4.3.csv", [header, *rows])
    parts = cow.read_mid_participants(csv_path)
    assert parts.side_a.tolist() == [True, False]
    assert parts.start.tolist()[1] == pd.Timestamp("1939-09-01")  # day -9 -> 1st
    frame = pd.read_csv(csv_path)
    dta = tmp_path / "MIDB 4.3.dta"
    frame.to_stata(dta, write_index=False)
    assert cow.read_mid_participants(dta).equals(parts)
    a_header = "dispnum3,dispnum4,stday,stmon,styear,endday,endmon,endyear,outcome,settle,"
    a_header += "fatality,fatalpre,maxdur,mindur,hiact,hostlev,recip,numa,numb,link1,link2,"
    a_header += "link3,ongo2010,version"
    a_rows = ["169,-9,17,9,1939,29,9,1939,1,1,-9,-9,13,13,16,4,1,1,1,0,0,0,0,4.3"]
    disputes = cow.read_mid_disputes(write(tmp_path / "MIDA_4.3.csv", [a_header, *a_rows]))
    assert disputes.iloc[0].hostlev == 4 and pd.isna(disputes.iloc[0].fatality)


def test_atop_members_open_exit_and_conditions(tmp_path):
    cols = ["atopid", "member", "phase", "yrent", "moent", "dayent", "yrexit", "moexit"]
    cols += ["dayexit", "defense", "offense", "neutral", "nonagg", "consul", "defcon"]
    cols += ["offcon", "neucon", "concon", "cowwar"]
    fields = [f for group in atop.CONDITION_FIELDS.values() for f in group]
    cols += [*fields, "version"]
    cond = ["0"] * len(fields)
    loc = cond.copy()
    loc[fields.index("defcoloc")] = "1"
    rows = [
        ",".join(["3180,2,0,1949,8,24,0,0,0,1,0,0,0,1,1,0,0,0,0", *loc, "5.1"]),
        ",".join(["3180,200,0,1949,8,24,0,0,0,1,0,0,0,1,1,0,0,0,0", *loc, "5.1"]),
        ",".join(["2315,200,0,1939,8,25,1945,,,1,0,0,0,0,1,0,0,0,139", *cond, "5.1"]),
    ]
    path = write(tmp_path / "atop5_1m.csv", [",".join(cols), *rows], "\r\n")
    members = atop.read_atop_members(path)
    assert pd.isna(members.exit.iloc[0])  # 0 = still in force at the end of 2018
    assert members.exit.iloc[2] == pd.Timestamp("1945-01-01")  # unknown month and day
    assert members.defense.all() and members.defcon.all()
    assert members.defcoloc.tolist() == [True, True, False]
    assert members.cowwar.tolist() == [0, 0, 139]


def test_atop_dyad_years_gzip(tmp_path):
    text = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
    text += "2,20,1942,1,1,0,0,0\n"
    path = tmp_path / "peacesciencer_atop_alliance_ddy_v5.1.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    ddy = atop.read_atop_dyad_years(path)
    assert ddy.defense.item() and not ddy.consul.item()


def test_bmr_missing(tmp_path):
    header = "country,ccode,abbreviation,abbreviation_undp,year,democracy,democracy_trans,"
    header += "democracy_breakdowns,democracy_duration,democracy_omitteddata,"
    header += "democracy_femalesuffrage"
    rows = ["UNITED STATES,2,USA,USA,1800,1,,,1,0,0", "XX,999,XX,XX,1800,,,,,,"]
    dem = bmr.read_bmr_democracy(write(tmp_path / "democracy-v4.0.csv", [header, *rows], "\r\n"))
    assert dem.democracy.iloc[0] == 1 and pd.isna(dem.democracy.iloc[1])


def test_find_file_names_the_reader(tmp_path):
    with pytest.raises(SourceDataError, match="read_cow_wars"):
        find_file(tmp_path, "Inter-StateWarData_v4.0.csv", "read_cow_wars")


@pytest.mark.shared_data
def test_real_files(shared_data):
    wars = cow.read_cow_wars(shared_data / "cow" / "Inter-StateWarData_v4.0.csv")
    assert len(wars) == 337 and wars.warnum.nunique() == 95
    switchers = wars.groupby(["warnum", "ccode"]).side.nunique()
    assert set(switchers[switchers > 1].index) == {
        (108, 255), (139, 220), (139, 325), (139, 355), (139, 360)
    }  # fmt: skip
    parts = cow.read_mid_participants(shared_data / "cow" / "MIDB 4.3.dta")
    csv_parts = cow.read_mid_participants(shared_data / "cow" / "MIDB_4.3_converted-from-dta.csv")
    assert len(parts) == len(csv_parts) == 5558
    assert (parts.start == csv_parts.start).all()
    members = atop.read_atop_members(shared_data / "atop" / "atop5_1m.csv")
    assert len(members) == 2510
    ddy = atop.read_atop_dyad_years(
        shared_data / "derived" / "peacesciencer_atop_alliance_ddy_v5.1.csv.gz"
    )
    uk_poland = ddy[(ddy.ccode1 == 200) & (ddy.ccode2 == 290) & (ddy.year == 1939)]
    assert uk_poland.defense.item()
    dem = bmr.read_bmr_democracy(shared_data / "democracy" / "democracy-v4.0.csv")
    assert dem.democracy.isna().sum() > 0 and dem.year.max() == 2020
