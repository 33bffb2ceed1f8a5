"""The Contacts and Feedback sheets end to end: the rules and counts stated, the plan written as CSV and
.ics, from the command line, the ribbon and the bundled sample."""

import datetime as dt
import io
import shutil
import subprocess

import fake_xlwings as fx
import numpy as np
import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar
from order_tables import built_report
from typer.testing import CliRunner

from retention_xl.cli import app
from retention_xl.excel.live_side_tables import read_side_table
from retention_xl.excel.macro import run_report
from retention_xl.file_pipeline import contacts_file, read_orders, report_file
from retention_xl.labels import label
from retention_xl.options import ReportOptions
from retention_xl.pipeline import analyse, build_report
from retention_xl.sample import sample_path
from retention_xl.writers.xlsx_file import report_bytes

runner = CliRunner()

# a: every 10 days, last on 2024-03-20 -> due on the plan day 2024-04-01 (d = 12)
# b: one order on 2024-03-29 -> a second-order follow-up on 2024-04-05
# c: every 10 days, last on 2024-01-01 -> lost (d = 91 > max(40, 90))
# d: every 10 days, last on 2024-02-20 -> lapsing (d = 41 > 30)
ORDERS = pd.DataFrame(
    [("a", "2024-02-29", 50), ("a", "2024-03-10", 50), ("a", "2024-03-20", 50), ("b", "2024-03-29", 20),
     ("c", "2023-12-12", 10), ("c", "2023-12-22", 10), ("c", "2024-01-01", 10),
     ("d", "2024-01-31", 90), ("d", "2024-02-10", 90), ("d", "2024-02-20", 90)],
    columns=["Customer", "Order date", "Amount"])
SURVEY = pd.DataFrame([("b", "2024-03-30", 4, "late parcel"), ("a", "2024-03-01", 10, "")],
                      columns=["Customer", "Date", "Score", "Comment"])
CONTACTS = pd.DataFrame([("a", "2024-03-25", "phone")], columns=["Customer", "Date", "Channel"])


def sheet_text(sheet) -> str:
    return "\n".join(line for b in sheet.blocks if hasattr(b, "lines") for line in b.lines)


def test_the_contacts_sheet_states_the_rules_and_the_counts():
    built = built_report(ORDERS, as_of="2024-04-01")
    contacts = next(s for s in built.report.sheets if s.key == "contacts")
    p = built.analysis.contacts
    status = built.report.table("ContactStatus").frame
    assert status["status"].tolist() == ["on track", "due", "overdue", "lapsing (at risk)", "lost"]
    assert status["customers"].tolist() == [1, 1, 0, 1, 1] == p.counts["customers"].tolist()
    assert status["in_plan"].tolist() == [1, 1, 0, 1, 0]
    assert status["rule"].tolist()[1] == "g <= d < 1.5 g: the expected next order day has come"
    assert status["rule"].tolist()[4] == "d > max(4 g, 90): out of the customer base; not in the plan"
    text = sheet_text(contacts)
    # counts after a colon: "1 lapsing customers ... 1 customers are lost" was the sentence before
    assert ("Lapsing customers (at risk, savable, in the plan): 1. Lost customers (left out of the plan): 1, "
            "worth") in " ".join(text.split())
    assert "No contact log given" in text
    # the flag on the Segments sheet is the lapsing customers' (d), not the lost one's (c): the sentence
    # said 'lost ones included', so 1 flagged read as the lost customer or the lapsing one
    flagged = built.analysis.customers["at_risk"]
    assert flagged[flagged].index.tolist() == ["d"]
    assert "The at-risk flag on the Segments sheet marks the lapsing customers (1), not the lost." in " ".join(text.split())
    actions = built.report.table("ContactActions").frame
    assert actions["contacts"].tolist() == [0, 1, 1, 0, 1]  # d: win-back; b: second order; a: reminder
    plan = built.report.table("ContactPlan").frame
    assert plan["customer"].tolist() == ["d", "b", "a"]
    assert plan["action"].tolist() == ["win back", "second-order follow-up", "reminder"]
    assert plan["act_on"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-05"),
                                       pd.Timestamp("2024-04-04")]  # a is overdue from 2024-03-20 + 15 days
    assert contacts.blocks[-1].name == "ContactPlan"  # last: a writer may stream it


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_contact_log_and_a_survey_change_the_plan_and_add_the_feedback_sheet():
    built = built_report(ORDERS, as_of="2024-04-01")
    analysis = analyse(built.clean, ReportOptions(as_of="2024-04-01"), survey=SURVEY, contacts=CONTACTS)
    c = analysis.contacts.customers
    assert c.loc["a", ["status", "reason", "last_contact"]].tolist() == [
        "on_track", "contacted_recently", pd.Timestamp("2024-03-25")]  # was due; contacted 7 days ago
    assert c.loc["a", "act_on"] == pd.Timestamp("2024-04-24")  # 2024-03-25 + 30 days
    assert c.loc["b", ["action", "reason"]].tolist() == ["call_back", "detractor"]  # answered 4 on 2024-03-30
    report = build_report(analysis)
    assert [s.key for s in report.sheets] == ["summary", "cohorts", "segments", "contacts", "feedback", "issues"]
    unhappy = report.table("UnhappyCustomers").frame
    assert unhappy[["customer", "action", "act_on", "comment"]].values.tolist() == [
        ["b", "call back", pd.Timestamp("2024-04-01"), "late parcel"]]
    trend = report.table("FeedbackTrend").frame
    assert trend[["period", "answers", "reading"]].values.tolist() == [
        ["2024-03", 2, "too few answers (2 of the 30 needed)"]]
    book = openpyxl.load_workbook(io.BytesIO(report_bytes(report)))
    assert book.sheetnames == ["Summary", "Cohorts", "Segments", "Contacts", "Feedback", "Data issues"]
    assert set(book["Feedback"].tables) == {"FeedbackTrend", "FeedbackSegments", "UnhappyCustomers", "SurveyIssues"}


def test_the_unhappy_customers_title_says_which_of_them_get_a_call_back():
    # d answered 3 of 10 on 2023-12-01, four months before the plan day: no call-back for it
    # (it is won back); the title said every unhappy customer was in the plan with a call-back
    survey = pd.concat([SURVEY, pd.DataFrame([("d", "2023-12-01", 3, "rude")], columns=SURVEY.columns)])
    built = built_report(ORDERS, as_of="2024-04-01")
    report = build_report(analyse(built.clean, ReportOptions(as_of="2024-04-01"), survey=survey, contacts=CONTACTS))
    unhappy = report.table("UnhappyCustomers")
    assert unhappy.frame[["customer", "action"]].values.tolist() == [["b", "call back"], ["d", "win back"]]
    assert unhappy.title == ("Unhappy customers, highest value first (their latest answer); one who answered in the "
                             "last 90 days, has not been contacted since and is not lost is in the contact plan "
                             "with a call-back (see the action)")


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_a_weeks_calendar_event_lists_its_actions_with_the_languages_comma(lang):
    # the week of 2024-04-01: one call-back, one win-back; the list was joined with a Latin comma
    from retention_xl.layout.contacts import calendar_events

    built = built_report(ORDERS, as_of="2024-04-01", lang=lang)
    analysis = analyse(built.clean, ReportOptions(as_of="2024-04-01", lang=lang), survey=SURVEY, contacts=CONTACTS)
    first = calendar_events(analysis, lang)[0].summary
    actions = f"{label(lang, 'plan_action.call_back')} 1، {label(lang, 'plan_action.win_back')} 1"
    assert first == f"{label(lang, 'sheet.contacts')}: 2 ({actions})"


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_persian_contact_sheets(lang):
    built = built_report(ORDERS, as_of="2024-04-01", lang=lang)
    sheet = next(s for s in built.report.sheets if s.key == "contacts")
    assert sheet.rtl and sheet.name == label(lang, "sheet.contacts")
    plan = built.report.table("ContactPlan")
    assert plan.frame["status"].tolist()[0] == label(lang, "status.lapsing")
    assert plan.columns[3].header == label(lang, "col.plan_action")


# ----------------------------------------------------------------- the bundled sample
@pytest.fixture(scope="module")
def sample_analysis():
    return analyse(read_orders(sample_path()))


def test_counts_per_status_on_the_bundled_sample(sample_analysis):
    """The figures the README states (retention-xl report --sample)."""
    p = sample_analysis.contacts
    assert p.as_of == pd.Timestamp("2025-12-31")  # the day of the last order
    assert p.counts["customers"].to_dict() == {"on_track": 329, "due": 81, "overdue": 63, "lapsing": 223,
                                               "lost": 804}
    assert p.at_risk == 223 and len(p.plan) == 427 and int(p.calendar["contacts"].iloc[0]) == 284
    assert p.counts["in_plan"].tolist() == [192, 59, 54, 122, 0]
    # the at-risk flag of the Customers table and the Segments sheet is the lapsing customers
    # (the old flag also counted the 808 lost: 1,016)
    flagged = sample_analysis.customers["at_risk"]
    assert int(flagged.sum()) == 223 == p.at_risk == sample_analysis.headline["at_risk"]
    assert (p.customers.loc[flagged.to_numpy(), "status"] == "lapsing").all()


# ----------------------------------------------------------------- files and the command line
def write_inputs(tmp_path):
    ORDERS.to_csv(tmp_path / "orders.csv", index=False)
    SURVEY.to_csv(tmp_path / "survey.csv", index=False)
    CONTACTS.to_csv(tmp_path / "contacts.csv", index=False)
    return tmp_path / "orders.csv", tmp_path / "survey.csv", tmp_path / "contacts.csv"


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_contacts_command_writes_the_plan_as_csv_and_the_weeks_as_a_calendar(tmp_path):
    orders, survey, contacts = write_inputs(tmp_path)
    out, ics = tmp_path / "plan.csv", tmp_path / "plan.ics"
    args = ["contacts", str(orders), "-o", str(out), "--ics", str(ics), "--survey", str(survey),
            "--contacts", str(contacts), "--as-of", "2024-04-01"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Contact plan for 2024-04-01: on track 2, due 0, overdue 0, lapsing 1, lost 1" in said
    plan = pd.read_csv(out, encoding="utf-8-sig")
    assert plan.columns.tolist()[:6] == ["Priority", "Customer", "Status", "Action", "Why", "Act on"]
    assert plan[["Customer", "Action", "Act on"]].values.tolist() == [
        ["b", "call back", "2024-04-01"], ["d", "win back", "2024-04-01"], ["a", "reminder", "2024-04-24"]]
    cal = Calendar.from_ical(ics.read_bytes())
    events = [e for e in cal.walk("VEVENT")]
    assert [e.decoded("dtstart") for e in events] == [dt.date(2024, 4, 1), dt.date(2024, 4, 22)]
    assert [str(e["summary"]) for e in events] == [
        "Contacts: 2 (call back 1, win back 1)", "Contacts: 1 (reminder 1)"]
    assert str(events[0]["uid"]) == "retention-xl-contacts-2024-W14@retention-xl"
    # a newer plan made on another weekday replaces the weeks that start in the same calendar weeks
    later = runner.invoke(app, [*args, "--force", "--as-of", "2024-04-03"])
    assert later.exit_code == 0, later.output
    again_events = list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert str(again_events[0]["uid"]) == "retention-xl-contacts-2024-W14@retention-xl"
    assert again_events[0].decoded("dtstart") == dt.date(2024, 4, 3)
    out.unlink()
    ics.unlink()
    assert runner.invoke(app, args).exit_code == 0  # the files as the checks below expect them
    assert "1. b: call back (unhappy: NPS answer 0-6)" in str(events[0]["description"])
    # nothing is replaced without --force, and both files are checked before any work
    out.write_text("keep")
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "already exists" in again.output and out.read_text() == "keep"


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_report_command_with_survey_and_contacts(tmp_path):
    orders, survey, contacts = write_inputs(tmp_path)
    target = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", str(orders), "-o", str(target), "--survey", str(survey),
                                 "--contacts", str(contacts), "--as-of", "2024-04-01", "--quiet-days", "10"])
    assert result.exit_code == 0, result.output
    assert "Survey: 2 NPS answers, too few for an NPS; 1 unhappy customer." in " ".join(result.output.split())
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Summary", "Cohorts", "Segments", "Contacts", "Feedback", "Data issues"]


def test_a_survey_without_a_date_column_is_one_line_with_a_remedy(tmp_path):
    orders, _, _ = write_inputs(tmp_path)
    bad = tmp_path / "answers.csv"
    bad.write_text("Customer,Score\na,9\n")
    result = runner.invoke(app, ["contacts", str(orders), "-o", str(tmp_path / "p.csv"), "--survey", str(bad)])
    assert result.exit_code == 1
    line = " ".join(result.output.split())
    assert "could not tell which column holds the date" in line
    assert "Rename that column of the --survey file to one of the recognised headers." in line


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_as_of_today_and_a_plan_day_before_the_orders(tmp_path):
    orders, _, _ = write_inputs(tmp_path)
    ok = runner.invoke(app, ["contacts", str(orders), "-o", str(tmp_path / "p.csv"), "--as-of", "today"])
    assert ok.exit_code == 0 and f"Contact plan for {dt.date.today():%Y-%m-%d}" in " ".join(ok.output.split())
    early = runner.invoke(app, ["contacts", str(orders), "-o", str(tmp_path / "q.csv"), "--as-of", "2024-03-01"])
    assert early.exit_code == 1
    assert "is before the last order day in the data (2024-03-29)" in " ".join(early.output.split())


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_report_file_reads_side_tables_from_a_workbook_sheet_named_for_them(tmp_path):
    orders, _, _ = write_inputs(tmp_path)
    book = tmp_path / "feedback.xlsx"
    with pd.ExcelWriter(book) as xl:
        ORDERS.to_excel(xl, sheet_name="Orders", index=False)
        SURVEY.to_excel(xl, sheet_name="Survey", index=False)
    run = report_file(orders, tmp_path / "r.xlsx", survey=book)
    assert run.analysis.feedback.survey.source == "feedback.xlsx, sheet 'Survey'"
    assert contacts_file(orders, tmp_path / "p.csv", contacts=CONTACTS).analysis.contact_log.frame["customer"].tolist() == ["a"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_side_table_is_named_in_the_language_of_the_orders_report(tmp_path, engine):
    # Persian order headers, an English survey workbook, the language left to the data: the
    # Feedback sheet said "feedback.xlsx, sheet 'Survey'" in a Persian report
    from retention_xl.engines.run import report_source

    orders = tmp_path / "orders.csv"
    ORDERS.set_axis(["کد مشتری", "تاریخ سفارش", "مبلغ"], axis=1).to_csv(orders, index=False)
    book = tmp_path / "feedback.xlsx"
    with pd.ExcelWriter(book) as xl:
        SURVEY.to_excel(xl, sheet_name="Survey", index=False)
    run = report_source(orders, tmp_path / "r.xlsx", ReportOptions(lang="auto", engine=engine), survey=book)
    assert run.report.lang == "fa"
    assert run.analysis.feedback.survey.source == "feedback.xlsx، برگه‌ی «Survey»"


# ----------------------------------------------------------------- the ribbon
def ribbon_book() -> fx.Book:
    book = fx.Book()
    ws = book.add_sheet("Orders")
    ws.put("A1", [list(ORDERS.columns), *[[c, dt.datetime.fromisoformat(d), float(a)] for c, d, a in ORDERS.values]])
    survey = book.add_sheet("Survey")
    survey.put("B4", [list(SURVEY.columns), *[[c, dt.datetime.fromisoformat(d), float(s), m or None]
                                              for c, d, s, m in SURVEY.values]])
    survey.tables._items.append(fx.Table(survey, "Survey", survey.range("B4", "E6")))
    log = book.add_sheet("Contact log")
    log.put("A4", [list(CONTACTS.columns), *[[c, dt.datetime.fromisoformat(d), ch] for c, d, ch in CONTACTS.values],
                   [None, None, None]])
    log.tables._items.append(fx.Table(log, "Contacts", log.range("A4", "C6")))
    return book


def test_the_ribbon_reads_the_survey_and_contacts_tables():
    book = ribbon_book()
    survey = read_side_table(book, "survey")
    assert survey.source == "Table 'Survey' on sheet 'Survey'" and survey.first_row == 5
    run = run_report(book)
    assert run.analysis.feedback is not None and run.analysis.contact_log.source == "Table 'Contacts' on sheet 'Contact log'"
    names = [ws.name for ws in book.sheets]
    assert names[:3] == ["Orders", "Survey", "Contact log"]  # the user's sheets are kept
    assert {"Contacts", "Feedback"} <= set(names)
    assert run.analysis.contacts.customers.loc["b", "action"] == "call_back"


def test_an_arabic_ribbon_report_names_the_survey_and_contacts_tables_in_arabic():
    run = run_report(ribbon_book(), lang="ar")
    assert run.analysis.feedback.survey.source == "الجدول 'Survey' في الورقة 'Survey'"
    assert run.analysis.contact_log.source == "الجدول 'Contacts' في الورقة 'Contact log'"


def test_a_feedback_sheet_left_from_a_survey_since_removed_is_not_kept_with_its_old_figures():
    # the survey Table deleted (or emptied) after a run: the re-run left the Feedback sheet of the
    # first run, its NPS and unhappy customers from answers the workbook no longer has, beside a fresh report
    book = ribbon_book()
    run_report(book)
    assert "Feedback" in [ws.name for ws in book.sheets]
    book.sheets["Survey"].tables._items.clear()
    run = run_report(book)
    assert [ws.name for ws in book.sheets] == ["Orders", "Survey", "Contact log", *run.written.sheets]
    assert book.table("FeedbackTrend") is None and "RetentionXL_feedback" not in [n.name for n in book.names]
    removed = "the sheet 'Feedback' of an earlier report is no longer part of the report and was removed"
    assert removed in run.written.notes
    again = run_report(book)  # and the survey back: the sheet is made again
    assert removed not in again.written.notes and "Feedback" not in again.written.sheets
    book.sheets["Survey"].tables._items.append(fx.Table(book.sheets["Survey"], "Survey",
                                                        book.sheets["Survey"].range("B4", "E6")))
    assert "Feedback" in run_report(book).written.sheets


def test_an_empty_contacts_table_is_no_contact_log():
    book = fx.Book()
    log = book.add_sheet("Contact log")
    log.put("A4", [["Customer", "Date", "Channel"], [None, None, None]])
    log.tables._items.append(fx.Table(log, "Contacts", log.range("A4", "C5")))
    assert read_side_table(book, "contacts") is None and read_side_table(book, "survey") is None


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_contacts_sheet(tmp_path):
    run = report_file(sample_path(), tmp_path / "report.xlsx")
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(run.path)],
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else ""
    if text:
        assert "Contact plan for 2025-12-31" in text and "Contacts per week" in text


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_plan_of_one_week_is_said_in_the_singular():
    for lang, words in (("en", "Contacts planned in the next week (2024-04-01 to 2024-04-07): 3."),
                        ("ar", "التواصلات المخطط لها في الأسبوع القادم (من 2024-04-01 إلى 2024-04-07): 3."),
                        ("fa", "3 تماس در هفته‌ی آینده (از 2024-04-01 تا 2024-04-07).")):
        built = built_report(ORDERS, as_of="2024-04-01", contact_weeks=1, lang=lang)
        text = " ".join(sheet_text(next(s for s in built.report.sheets if s.key == "contacts")).split())
        assert words in text, lang


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_when_every_customer_is_lost_the_sheet_says_so_and_the_plan_is_empty(tmp_path):
    built = built_report(ORDERS, as_of="2025-01-01")
    p = built.analysis.contacts
    assert p.counts["customers"].tolist() == [0, 0, 0, 0, 4] and p.plan.empty
    assert np.isnan(p.valuable_value) and np.isnan(p.best_value)
    text = sheet_text(next(s for s in built.report.sheets if s.key == "contacts"))
    assert "Contacts planned in the next 12 weeks: 0;" in text and "Valuable: value at stake of - or more" in " ".join(text.split())
    assert len(built.report.table("ContactPlan").frame) == 0
    run = contacts_file(write_inputs(tmp_path)[0], tmp_path / "p.csv", ReportOptions(as_of="2025-01-01"),
                        ics=tmp_path / "p.ics")
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [] and run.path.exists()
    # a calendar must hold an event (RFC 5545): none is written, and the command says so
    assert run.calendar is None and not (tmp_path / "p.ics").exists()
    result = runner.invoke(app, ["contacts", str(tmp_path / "orders.csv"), "-o", str(tmp_path / "q.csv"),
                                 "--ics", str(tmp_path / "q.ics"), "--as-of", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert "No calendar written to" in result.output and not (tmp_path / "q.ics").exists()


@pytest.mark.parametrize(("names", "shown"), [
    # a Persian shop: numbered customers typed in Persian digits (one of them once in 0-9);
    # an e-mail keeps its 0-9
    (("مشتری ۳۷", "مشتری ۴", "مشتری 37", "مشتری ۳۷", "ali37@x.com"), ("مشتری ۳۷", "مشتری ۴", "ali37@x.com")),
    # an Arabic shop: Arabic-Indic digits
    (("زبون ٣٧", "زبون ٤", "زبون 37", "زبون ٣٧", "زبون ٤"), ("زبون ٣٧", "زبون ٤")),
    # mostly typed in 0-9: shown in 0-9, the one Persian-digit cell too
    (("مشتری 37", "مشتری 4", "مشتری ۳۷", "مشتری 37", "مشتری 4"), ("مشتری 37", "مشتری 4")),
], ids=["persian", "arabic", "latin"])
def test_customers_are_shown_in_the_digits_they_were_typed_in(names, shown, tmp_path):
    # the customer keys read every digit as 0-9 (one customer); a Persian user looks
    # مشتری ۳۷ up as she typed it, not as مشتری 37
    _assert_customers_shown(names, shown, tmp_path)


def _assert_customers_shown(names, shown, tmp_path) -> str:
    """Five orders of the customers ``names``: the report's Customers and ContactPlan tables
    and the contact plan's CSV show them as ``shown``; returns the plan's calendar."""
    orders = pd.DataFrame({"Customer": names, "Date": ["2024-01-05", "2024-01-06", "2024-02-05", "2024-03-01",
                                                       "2024-03-20"], "Amount": ["10", "20", "5", "8", "4"]})
    source = tmp_path / "orders.csv"
    orders.to_csv(source, index=False)
    run = contacts_file(source, tmp_path / "plan.csv", ics=tmp_path / "plan.ics")
    assert len(run.analysis.customers) == len(shown)
    report = build_report(run.analysis)
    assert set(report.table("Customers").frame["customer"]) == set(shown)
    assert set(report.table("ContactPlan").frame["customer"]) <= set(shown)
    plan = pd.read_csv(tmp_path / "plan.csv", encoding="utf-8-sig")
    assert set(plan.iloc[:, 1]) <= set(shown) and len(plan)
    return (tmp_path / "plan.ics").read_bytes().decode("utf-8")


@pytest.mark.parametrize(("names", "shown"), [
    # an Arabic shop: names typed on an Arabic keyboard (one of them once on a Persian one)
    (("كريم", "علي", "كريم", "علي", "علی"), ("كريم", "علي")),
    # a Persian shop: names typed on a Persian keyboard (one of them once on an Arabic one)
    (("کریم", "علی", "کریم", "علی", "علي"), ("کریم", "علی")),
], ids=["arabic", "persian"])
def test_customers_are_shown_in_the_letters_they_were_typed_in(names, shown, tmp_path):
    # the customer keys read ي/ی and ك/ک alike (one customer); علی in Persian letters reads as
    # على ('on') to an Arabic reader, so an Arabic shop's customers are shown in Arabic letters
    calendar = _assert_customers_shown(names, shown, tmp_path)
    assert any(name in calendar for name in shown)
    other = {"ي": "ی", "ك": "ک", "ی": "ي", "ک": "ك"}
    assert not any("".join(other[c] if c in other else c for c in name) in calendar for name in shown)
