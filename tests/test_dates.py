from __future__ import annotations

import datetime

import pytest

from builder.records.dates import PartialDate, human_span


@pytest.mark.parametrize(
    "value, iso, human",
    [
        (2018, "2018", "2018"),
        ("2018", "2018", "2018"),
        ("2021-06", "2021-06", "June 2021"),
        ("2021-06-16", "2021-06-16", "16 June 2021"),
        (datetime.date(2021, 6, 16), "2021-06-16", "16 June 2021"),
        ("2024-02-29", "2024-02-29", "29 February 2024"),
    ],
)
def test_precision_is_kept(value, iso: str, human: str) -> None:
    date = PartialDate.parse(value)
    assert (date.iso(), date.human()) == (iso, human)


@pytest.mark.parametrize("value", ["2023-02-29", "2021-00", "2021-13", "2021-6", "21", "June 2021", True, 2021.5])
def test_impossible_or_malformed_dates_are_rejected(value) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(value)


def test_coarser_dates_sort_first_within_their_span() -> None:
    dates = [PartialDate.parse(v) for v in ["2021-06-16", "2022", "2021", "2021-06"]]
    assert [d.iso() for d in sorted(dates)] == ["2021", "2021-06", "2021-06-16", "2022"]


def test_spans() -> None:
    parse = PartialDate.parse
    assert human_span(parse("2021-06-16"), parse("2021-06-17")) == "16–17 June 2021"
    assert human_span(parse("2021-06-30"), parse("2021-07-01")) == "30 June 2021 – 1 July 2021"
    assert human_span(parse("2021"), None) == "2021"


def test_end_within_a_coarse_start_is_not_before_it() -> None:
    parse = PartialDate.parse
    assert not parse("2021-06").covers_before(parse("2021"))
    assert parse("2020-12").covers_before(parse("2021"))
