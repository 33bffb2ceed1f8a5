"""The ribbon's report options: a Settings table in the workbook, read like the command line's flags."""

import fake_xlwings as fx
import pytest

from retention_xl.errors import InvalidValue, MissingColumns
from retention_xl.excel.live_settings import (
    SettingProblem,
    read_settings,
    settings_from_rows,
)
from retention_xl.excel.macro import run_report
from retention_xl.excel.messages import error_message

ORDERS = [["Client", "Paid on", "Total"],
          ["a", "2024-01-05", 10.0], ["b", "2024-01-20", 20.0], ["a", "2024-02-03", 5.0]]


def book_with(settings_rows=None, *, table=True, sheet="Settings", orders=ORDERS):
    book = fx.Book()
    book.add_sheet("Orders").put("A1", orders)
    if settings_rows is not None:
        ws = book.add_sheet(sheet)
        ws.put("A1", [["Report settings"]])  # a title above the table
        ws.put("A3", [["Setting", "Value"], *settings_rows])
        if table:
            ws.tables.add(ws.range("A3").resize(len(settings_rows) + 1, 2), name="Settings")
    return book


def test_no_settings_means_the_defaults():
    found = read_settings(book_with())
    assert found.source is None and found.options.period == "M" and not found.language_chosen


def test_a_settings_table_chooses_columns_period_language_and_money():
    found = read_settings(book_with([
        ["Customer column", "Client"], ["Date column", "Paid on"], ["Period", "quarter"],
        ["Language", "فارسی"], ["Margin", "30%"], ["Horizon (months)", 6.0], ["Date order", "mdy"],
        ["Exclude statuses", "test, draft"], ["Amount column", None],  # blank: detected
    ]))
    o = found.options
    assert (o.roles.customer, o.roles.date, o.roles.amount) == ("Client", "Paid on", None)
    assert (o.period, o.lang, o.margin, o.horizon, o.dayfirst) == ("Q", "fa", 0.3, 6, False)
    assert o.exclude_statuses == ("test", "draft") and found.language_chosen
    assert found.cells["period"] == "cell B6 of sheet 'Settings'" and found.names["period"] == "Period"


def test_a_settings_table_with_a_total_row_is_read_without_it():
    # Table Design > Total Row writes 'Total' under the names: the report stopped with "cell A6 of
    # sheet 'Settings': unknown setting 'Total'; ..." instead of quarterly periods
    book = book_with([["Period", "Q"], ["Margin", "30%"], ["Total", 2.0]])
    book.sheets["Settings"].tables["Settings"].show_totals = True
    found = read_settings(book)
    assert (found.options.period, found.options.margin) == ("Q", 0.3)


def test_a_plain_settings_sheet_in_arabic_works_without_a_table():
    found = read_settings(book_with([["الفترة", "Y"], ["عمود العميل", "Client"]], table=False, sheet="الإعدادات"))
    assert found.options.period == "Y" and found.options.roles.customer == "Client"
    assert found.source == "الورقة 'الإعدادات'"  # in the settings' own language, as their messages
    assert found.source_in("en") == "Sheet 'الإعدادات'" and found.source_in("fa") == "برگه‌ی «الإعدادات»"


@pytest.mark.parametrize(("rows", "message"), [
    ([["Colour", "blue"]], "cell A4 of sheet 'Settings': unknown setting 'Colour'; the settings are: Period, "),
    ([["Margin", 1.5]], "cell B4 of sheet 'Settings': 'Margin' must be a share above 0 and at most 1 (0.3 or 30%), "
                        "got 1.5"),
    ([["Period", "D"]], "cell B4 of sheet 'Settings': 'Period' must be week, month, quarter or year (W, M, Q or Y), "
                        "got 'D'"),
    ([["Language", "de"]], "cell B4 of sheet 'Settings': 'Language' must be English, Arabic, Persian or auto"),
    ([["Period", "M"], ["period", "Q"]], "cell A5 of sheet 'Settings': 'period' is given twice (also as 'Period')"),
    ([["Horizon (months)", "soon"]], "cell B4 of sheet 'Settings': 'Horizon (months)' must be a number, got 'soon'"),
    ([["Activity window", "90 days"]], "cell B4 of sheet 'Settings': 'Activity window' must be a number, "
                                       "got '90 days'"),
    ([["Period", "quarter"], ["Activity window", 60.0]],
     "cell B5 of sheet 'Settings': 'Activity window' must be a whole number from 92 to 36,600, got 60"),
    ([["Date order", "dd/mm/yyyy"]], "cell B4 of sheet 'Settings': 'Date order' must be day/month/year or "
                                     "month/day/year (dmy or mdy), or auto, got 'dd/mm/yyyy'"),
])
def test_a_wrong_setting_is_named_as_written_with_its_cell(rows, message):
    with pytest.raises(SettingProblem) as err:
        read_settings(book_with(rows))
    assert str(err.value).startswith(message)
    assert error_message(err.value).startswith("Retention report: " + message)


@pytest.mark.parametrize(("name", "value", "option", "expected"), [
    ("هامش الربح", "٠٫٣", "margin", 0.3),        # Arabic decimal separator
    ("هامش الربح", "٣٠٪", "margin", 0.3),        # Arabic percent sign
    ("معدل الخصم (شهريًا)", "١٪", "discount", 0.01),
    ("نافذة النشاط (أيام)", "١٢٠", "window_days", 120),
    ("الفترة", "شهري", "period", "M"),
    ("الفترة", "ربع سنوي", "period", "Q"),
    ("دوره", "ماهانه", "period", "M"),
    ("دوره", "سالانه", "period", "Y"),
    ("زبان", "فارسی", "lang", "fa"),
])
def test_arabic_and_persian_values_are_read(name, value, option, expected):
    found = read_settings(book_with([[name, value]], table=False, sheet="الإعدادات"))
    assert getattr(found.options, option) == expected


@pytest.mark.parametrize(("name", "value", "option", "expected"), [
    ("افق التنبؤ (اشهر)", "٦", "horizon", 6),             # the hamza left out, as often typed
    ("نافذة النشاط (ايام)", "٩٠", "window_days", 90),
    ("الفتره", "سنوي", "period", "Y"),                    # teh marbuta typed as heh
    ("اللغه", "الانجليزية", "lang", "en"),
    ("ترتيب التاريخ", "شهر/يوم/سنه", "dayfirst", False),
    ("حاشیهٔ سود", "۰٫۲", "margin", 0.2),                 # the Persian ezafe as a hamza on the heh
])
def test_settings_written_as_arabic_and_persian_users_type_them_are_read(name, value, option, expected):
    found = read_settings(book_with([[name, value]], table=False, sheet="الإعدادات"))
    assert getattr(found.options, option) == expected


def test_an_arabic_settings_sheet_gets_arabic_messages():
    book = book_with([["الفترة", "يومي"]], table=False, sheet="الإعدادات")
    with pytest.raises(SettingProblem) as err:
        read_settings(book)
    assert err.value.option == "period" and err.value.setting == "الفترة" and err.value.lang == "ar"
    assert error_message(err.value) == (
        "تقرير الاحتفاظ بالعملاء: الخلية B4 في الورقة 'الإعدادات': يجب أن تكون قيمة 'الفترة' أسبوعًا أو شهرًا أو "
        "ربع سنة أو سنة (أسبوعي، شهري، ربع سنوي، سنوي)، والمكتوب 'يومي'")


def test_persian_setting_names_give_persian_messages_on_any_sheet():
    with pytest.raises(SettingProblem) as err:
        read_settings(book_with([["حاشیه‌ی سود", "۱٫۵"]]))
    assert err.value.lang == "fa"
    assert str(err.value) == ("خانه‌ی B4 در برگه‌ی «Settings»: مقدار «حاشیه‌ی سود» باید سهمی بیشتر از 0 و حداکثر 1 "
                              "باشد (0.3 یا 30%)، ولی ۱٫۵ نوشته شده است")


@pytest.mark.parametrize(("sheet", "name", "message"), [
    ("Settings", "Customer column", "Retention report: cell B4 of sheet 'Settings': 'Customer column' names the "
                                    "column 'Email', which the orders do not have; their columns are: 'Client', "
                                    "'Paid on', 'Total'. Write one of them, or empty the cell"),
    ("الإعدادات", "عمود العميل", "تقرير الاحتفاظ بالعملاء: الخلية B4 في الورقة 'الإعدادات': 'عمود العميل' يسمّي "
                                 "العمود 'Email'، وليس في الطلبات عمود بهذا الاسم؛ أعمدتها: 'Client', 'Paid on', "
                                 "'Total'. اكتب أحدها"),
])
def test_a_column_that_does_not_exist_names_the_setting_and_its_cell(sheet, name, message):
    book = book_with([[name, "Email"]], table=sheet == "Settings", sheet=sheet)
    with pytest.raises(SettingProblem) as err:
        run_report(book)
    assert err.value.option == "customer"
    assert error_message(err.value).startswith(message)


def test_the_ribbon_report_follows_the_settings():
    book = book_with([["Customer column", "Client"], ["Date column", "Paid on"], ["Language", "ar"]])
    run = run_report(book)
    assert run.lang == "ar" and run.analysis.orders.columns.customer == "Client"
    assert run.analysis.headline["customers"] == 2


def test_a_missing_column_tells_the_ribbon_user_where_to_name_it():
    book = book_with(orders=[["Who", "When", "Total"], ["a", "2024-01-05", 1.0]])
    with pytest.raises(MissingColumns) as err:
        run_report(book)
    message = error_message(err.value)
    assert "could not tell which column holds the customer and date" in message
    assert "next to 'Customer column' and 'Date column' in a table named Settings" in message


def test_rows_from_the_doctest_shape():
    found = settings_from_rows([["Setting", "Value"], ["Activity window (days)", 120.0]], "T", first_row=2)
    assert found.options.window == 120


# ---------------------------------------------------------------- orders in several currencies
CURRENCY_ORDERS = [["Client", "Date", "Total", "Money"],
                   ["a", "2024-01-05", 10.0, "USD"], ["b", "2024-01-20", 20.0, "EUR"], ["a", "2024-02-03", 5.0, "USD"]]


def test_the_settings_choose_the_currency_and_its_column_and_the_report_says_so_in_their_words():
    book = book_with([["Currency column", "Money"], ["العملة", "eur"]], orders=CURRENCY_ORDERS)
    run = run_report(book)
    assert run.analysis.orders.columns.currency_column == "Money"
    assert run.analysis.headline["orders"] == 1 and run.analysis.headline["revenue"] == 20.0
    issues = next(s for s in run.report.sheets if s.key == "issues")
    lines = [line for b in issues.blocks if hasattr(b, "lines") for line in b.lines]
    assert any("leaves out 2 orders in USD (15.00 USD)" in line and line.endswith(
        "To report in USD instead, write USD next to 'Currency' in the Settings table and build the report again.")
        for line in lines)


def test_a_currency_not_in_the_orders_tells_the_ribbon_user_where_to_change_it():
    book = book_with([["Currency", "GBP"], ["Currency column", "Money"]], orders=CURRENCY_ORDERS)
    with pytest.raises(InvalidValue) as err:
        run_report(book)
    assert error_message(err.value) == (
        "Retention report: cell B4 of sheet 'Settings': 'Currency' is 'GBP', a currency the orders do not have; "
        "their currencies are: USD, EUR. Write one of them, or empty the cell to report the currency of most orders")
    book = book_with([["Currency", "GBP"]], orders=CURRENCY_ORDERS)  # 'Money' is not a currency header
    with pytest.raises(InvalidValue) as err:
        run_report(book)
    assert error_message(err.value).endswith(
        "the table has no currency column; name it with currency_column. Write the currency column's header "
        "next to 'Currency column' in the Settings table, or leave 'Currency' blank")


def _sheet(cells: dict[str, list], name="Settings"):
    book = fx.Book()
    book.add_sheet("Orders").put("A1", ORDERS)
    ws = book.add_sheet(name)
    for where, rows in cells.items():
        ws.put(where, rows)
    return book


def test_a_settings_sheet_is_read_wherever_its_settings_start():
    # a title in A1, the settings in B:C: read, and a wrong value there is told with its cell
    book = _sheet({"A1": [["My shop's report"]], "B3": [["Setting", "Value"], ["Period", "Q"], ["Horizon (months)", 6]]})
    assert (read_settings(book).options.period, read_settings(book).options.horizon) == ("Q", 6)
    wrong = _sheet({"A1": [["My shop's report"]], "B3": [["Setting", "Value"], ["Horizon (months)", "soon"]]})
    with pytest.raises(SettingProblem, match=r"cell C4 of sheet 'Settings': 'Horizon \(months\)' must be a number"):
        read_settings(wrong)


def test_a_misspelled_setting_above_the_known_ones_is_told_not_passed_over():
    with pytest.raises(SettingProblem, match="cell A2 of sheet 'Settings': unknown setting 'Perod'"):
        read_settings(_sheet({"A1": [["Setting", "Value"], ["Perod", "Q"], ["Margin", 0.3]]}))
    with pytest.raises(SettingProblem, match="unknown setting 'Perod'"):  # and with no known name at all
        read_settings(_sheet({"A1": [["Perod", "Q"]]}))


@pytest.mark.parametrize("name", ["حاشیه ی سود", "حاشیهی سود", "حاشيه\u200cي سود", "Margin:", "هامش الربح:",
                                  "\u200fMargin", "MARGIN"])
def test_a_setting_name_is_read_as_users_type_it(name):
    assert read_settings(book_with([[name, 0.3]])).options.margin == 0.3


@pytest.mark.parametrize("sheet", ["تنظيمات", "الاعدادات", "تنظیمات", " Settings "])
def test_a_settings_sheet_spelt_as_users_spell_it_is_found(sheet):
    assert read_settings(_sheet({"A1": [["Period", "Q"]]}, name=sheet)).options.period == "Q"


@pytest.mark.parametrize("name, role", [("ستون وضعیت", "status"), ("عمود الحالة", "status"),
                                        ("ستون تعداد", "quantity"), ("عمود سعر الوحدة", "unit_price"),
                                        ("ستون بازپرداخت", "refund"), ("عمود العميل البديل", "customer_fallback")])
def test_every_column_setting_has_an_arabic_and_a_persian_name(name, role):
    assert getattr(read_settings(book_with([[name, "Total"]])).options.roles, role) == "Total"


def test_a_currency_setting_the_orders_do_not_have_is_named_with_its_cell_in_the_sheets_language():
    book = fx.Book()
    book.add_sheet("Orders").put("A1", [["Client", "Order date", "Total", "Currency"], ["a", "2024-01-05", 10.0, "SAR"],
                                        ["b", "2024-01-20", 20.0, "USD"]])
    book.add_sheet("الإعدادات").put("A1", [["الإعداد", "القيمة"], ["اللغة", "ar"], ["العملة", "ريال"]])
    with pytest.raises(SettingProblem) as e:
        run_report(book)
    assert error_message(e.value) == ("تقرير الاحتفاظ بالعملاء: الخلية B3 في الورقة 'الإعدادات': 'العملة' هي 'ريال'، "
                                      "وليست من عملات الطلبات؛ عملاتها: SAR، USD. اكتب إحداها، أو أفرغ الخلية "
                                      "ليُعرض التقرير بعملة أكثر الطلبات")


def test_a_column_not_found_for_a_persian_report_is_mended_in_persian():
    book = fx.Book()
    book.add_sheet("Orders").put("A1", [["Client", "Paid on", "Total"], ["a", "2024-01-05", 10.0]])
    book.add_sheet("تنظیمات").put("A1", [["تنظیم", "مقدار"], ["زبان", "فارسی"]])
    with pytest.raises(MissingColumns) as e:
        run_report(book)
    said = error_message(e.value)
    assert said.startswith("گزارش نگهداشت مشتری: could not tell which column holds the date")  # the reason: the library's
    assert said.endswith("سرستون ستون تاریخ را کنار 'ستون تاریخ' در جدولی به نام Settings (Setting | Value) بنویسید")


def test_every_arabic_and_persian_setting_name_is_read_however_it_is_typed():
    from order_tables import spellings

    from retention_xl.excel.live_settings import _BY_NAME, SETTING_NAMES, _key

    for key, names in SETTING_NAMES.items():
        for name in (n for n in names if not n.isascii()):
            for typed in spellings(name):
                assert _BY_NAME.get(_key(typed)) == key, (key, name, typed)


# ---------------------------------------------------------------- the calendar of the periods
@pytest.mark.parametrize(("name", "value", "calendar"), [
    ("Calendar", "jalali", "jalali"), ("تقویم", "شمسی", "jalali"), ("التقويم", "هجري شمسي", "jalali"),
    ("Calendar", "Gregorian", "gregorian"), ("تقويم", "ميلادي", "gregorian"), ("Calendar", None, "auto"),
])
def test_the_settings_choose_the_calendar_in_any_of_the_three_languages(name, value, calendar):
    found = settings_from_rows([["Setting", "Value"], [name, value]], "Settings", first_row=2)
    assert found.options.calendar == calendar


def test_a_persian_shop_with_excel_dates_chooses_jalali_cohorts_in_its_settings():
    # dates as Excel cells (Gregorian serials), so only the setting makes the periods Jalali
    book = book_with([["ستون مشتری", "Client"], ["ستون تاریخ", "Paid on"], ["تقویم", "شمسی"]], sheet="تنظیمات")
    run = run_report(book)
    # 2024-01-05 and 2024-01-20 are Dey 1402; 2024-02-03 is Bahman 1402
    assert run.analysis.calendar == "jalali"
    assert run.analysis.kpis["period"].tolist() == ["1402-10", "1402-11"]


def test_a_wrong_calendar_is_one_line_in_the_settings_language():
    with pytest.raises(SettingProblem) as err:
        settings_from_rows([["Setting", "Value"], ["تقویم", "قمری"]], "تنظیمات", first_row=2)
    assert "مقدار «تقویم» باید میلادی یا شمسی (gregorian یا jalali) یا auto باشد، ولی «قمری» نوشته شده است" in str(err.value)
