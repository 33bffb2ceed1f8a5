"""Write calendar events (the contact plan's weekly batches) to an iCalendar (.ics) file.

The file follows RFC 5545 and is made with the ``icalendar`` library, so Outlook, Google
Calendar and Apple Calendar import it: one all-day event per week that has contacts, with
the week's customers in its description. Each event's UID is derived from its week, so
importing a newer plan for the same weeks updates those events instead of adding copies.

Examples
--------
>>> import datetime as dt
>>> from retention_xl.layout.blocks import CalendarEvent
>>> event = CalendarEvent(dt.date(2026, 1, 1), 1, "Contacts: 3", "1. C1: call back", "week-20260101")
>>> text = calendar_bytes([event], name="Contact plan", stamp=dt.datetime(2026, 1, 1, 9)).decode()
>>> "DTSTART;VALUE=DATE:20260101" in text, "SUMMARY:Contacts: 3" in text
(True, True)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from retention_xl.atomic_write import check_target, refuse_folder, write_atomically
from retention_xl.errors import DataError
from retention_xl.layout.blocks import CalendarEvent

__all__ = ["calendar_bytes", "write_ics", "check_ics_target", "UID_DOMAIN"]

UID_DOMAIN = "retention-xl"

#: control characters RFC 5545 allows in no text value (a tab is allowed; a line break is
#: written escaped, as \n): a customer id holding one would make the file invalid
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """``value`` without the control characters an iCalendar text value cannot hold."""
    return _CONTROLS.sub("", value)


def calendar_bytes(events: Iterable[CalendarEvent], *, name: str, stamp: dt.datetime | None = None) -> bytes:
    """The events as an iCalendar file; ``stamp`` (default: now, UTC) is each event's DTSTAMP."""
    from icalendar import Calendar, Event  # here: a report without a calendar does not load it (0.1 s)

    stamp = stamp or dt.datetime.now(dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//retention-xl//contact plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _text(name))
    for e in events:
        event = Event()
        event.add("uid", f"{e.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", e.start)
        event.add("dtend", e.start + dt.timedelta(days=e.days))
        event.add("summary", _text(e.summary))
        event.add("description", _text(e.description))
        event.add("transp", "TRANSPARENT")  # a to-do list for the day, not a busy slot
        cal.add_component(event)
    return cal.to_ical()


def check_ics_target(path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """The checks of :func:`write_ics` on ``path``, made before any work: an .ics name, in a
    folder that exists, not one of the ``inputs`` read, not over an existing file unless
    ``force`` (see :func:`~retention_xl.atomic_write.check_target`)."""
    refuse_folder(path, "plan.ics")
    path = Path(path)
    if path.suffix.lower() != ".ics":
        raise DataError(f"the calendar is an iCalendar file: name it like {path.with_suffix('.ics').name}")
    return check_target(path, force=force, inputs=inputs, option="ics")


def write_ics(events: Iterable[CalendarEvent], path: str | Path, *, name: str, force: bool = False) -> Path:
    """Write the events to ``path`` atomically; an existing file is kept unless ``force``.

    Raises
    ------
    OutputExists
        ``path`` exists and ``force`` is false.
    DataError
        ``path`` does not end in .ics, or its folder does not exist.
    """
    path = check_ics_target(path, force=force)
    data = calendar_bytes(events, name=name)
    return write_atomically(path, lambda handle: handle.write(data), force=force)
