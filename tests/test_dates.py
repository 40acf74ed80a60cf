"""Dates as users read them: Dutch, in Europe/Amsterdam."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from tracker.dates import (
    LOCALE,
    dutch_date,
    dutch_datetime,
    dutch_weekday_datetime,
    iso_dutch_date,
    iso_dutch_datetime,
    year_utc,
)


def test_a_date_reads_as_babel_writes_it_in_dutch():
    """Every day of a leap year, as Babel's "d MMMM y" for nl_NL writes it."""
    for offset in range(366):
        day = date(2024, 1, 1) + timedelta(days=offset)
        assert dutch_date(day) == format_date(day, "d MMMM y", locale=LOCALE)
    assert dutch_date(date(2025, 3, 12)) == "12 maart 2025"
    assert dutch_date(None) == ""


def test_a_moment_is_dated_where_the_users_are():
    """Stored times are UTC: 23:30 UTC on 31 December is New Year's Day in Amsterdam."""
    assert dutch_date(datetime(2025, 12, 31, 23, 30)) == "1 januari 2026"
    assert dutch_date(datetime(2025, 6, 30, 21, 59)) == "30 juni 2025"
    assert dutch_datetime(datetime(2025, 6, 30, 21, 59)) == "30 juni 2025 om 23:59"


def test_stored_report_data_reads_as_the_page_does(app):
    """Reports keep their days and moments as ISO text: a day stays that day, a moment (UTC)
    is dated and timed in Amsterdam, in the page, the PDF and the Word document alike."""
    with app.app_context():
        assert iso_dutch_date("2025-12-31") == "31 december 2025"
        assert iso_dutch_date("2025-12-31T23:30:00") == "1 januari 2026"
        assert iso_dutch_date(None) == ""
        assert iso_dutch_datetime("2025-12-31T23:30:00") == "1 januari 2026 om 00:30"


def test_a_moment_reads_as_babel_writes_it_in_dutch():
    """Every hour and a few minutes of 2025 in UTC, across both summer-time changes, as
    Babel's "d MMMM y 'om' HH:mm" writes it in Amsterdam."""
    zone = ZoneInfo("Europe/Amsterdam")
    for hour in range(0, 365 * 24, 5):
        moment = datetime(2025, 1, 1, 0, 7) + timedelta(hours=hour, minutes=hour % 53)
        expected = format_datetime(
            moment.replace(tzinfo=UTC), "d MMMM y 'om' HH:mm", tzinfo=zone, locale=LOCALE
        )
        assert dutch_datetime(moment) == expected
    assert dutch_datetime(datetime(2025, 3, 30, 1, 5)) == "30 maart 2025 om 03:05"
    assert dutch_datetime(None) == ""


def test_the_zone_is_known_without_the_systems_time_zone_database():
    """A slim container or Windows has no /usr/share/zoneinfo: the tzdata package is the
    fallback zoneinfo looks in, so Europe/Amsterdam still has its summer time."""
    import zoneinfo

    zoneinfo.reset_tzpath(to=[])
    try:
        zoneinfo.ZoneInfo.clear_cache()
        summer = datetime(2026, 7, 1, 12, tzinfo=UTC).astimezone(ZoneInfo("Europe/Amsterdam"))
        assert summer.utcoffset() == timedelta(hours=2)
        assert dutch_datetime(datetime(2026, 12, 31, 23, 30)) == "1 januari 2027 om 00:30"
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


def test_a_weekday_reads_as_babel_writes_it_in_dutch():
    """A week of days, each late in the evening (UTC) so the local day is the next."""
    zone = ZoneInfo("Europe/Amsterdam")
    for offset in range(7):
        moment = datetime(2027, 2, 7, 23, 30) + timedelta(days=offset)
        local = moment.replace(tzinfo=UTC).astimezone(zone)
        babel = format_datetime(local, "EEEE d MMMM y 'om' HH:mm", tzinfo=zone, locale=LOCALE)
        assert dutch_weekday_datetime(moment) == babel
    assert dutch_weekday_datetime(datetime(2027, 2, 8, 8, 0)) == "maandag 8 februari 2027 om 09:00"


def test_a_year_where_the_users_are_starts_and_ends_an_hour_earlier_in_utc():
    assert year_utc(2026, "Europe/Amsterdam") == (
        datetime(2025, 12, 31, 23, 0),
        datetime(2026, 12, 31, 23, 0),
    )
    assert year_utc(2026, "UTC") == (datetime(2026, 1, 1), datetime(2027, 1, 1))
