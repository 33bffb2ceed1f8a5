"""The contact plan's calendar file as RFC 5545 and calendar apps read it."""

import datetime as dt
import re

from icalendar import Calendar

from retention_xl.layout.blocks import CalendarEvent
from retention_xl.writers.calendar_ics import calendar_bytes

STAMP = dt.datetime(2026, 1, 1, 9, tzinfo=dt.timezone.utc)


def test_control_characters_in_a_customer_id_do_not_reach_the_file():
    # an export's customer cell holding BEL, ESC, DEL, NUL, VT or FF: RFC 5545 allows no
    # control character but a tab in a text value, so the file was invalid
    event = CalendarEvent(dt.date(2026, 1, 1), 1, "Contacts: 1",
                          "Plan\n1. ab\x07c\x1bd\x7fe\x00f\x0bg\x0ch\ti: call back", "week-20260101")
    data = calendar_bytes([event], name="Contact\x01 plan", stamp=STAMP)
    assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", data.replace(b"\r\n", b"").replace(b"\t", b""))
    read = next(iter(Calendar.from_ical(data).walk("VEVENT")))
    assert str(read["description"]) == "Plan\n1. abcdefgh\ti: call back"
