"""What the template workbook holds: its tables' columns, example data and formulas.

The Orders, Survey and Contacts columns, the worked example survey, the Metrics sheet's inputs and
results (each add-in formula with the plain-Excel check computing the same number), the
Survey results, the formula catalog on the Start sheet and the rules that validate typed
values. :mod:`retention_xl.template_sheets` lays these out; labels come from
:mod:`retention_xl.template_labels`.

Examples
--------
>>> [item[1] for item in METRICS[0][1] if item[0] == "in"]
['CustomersStart', 'CustomersEnd', 'NewCustomers', 'LostCustomers', 'ValuePerCustomer']
>>> SURVEY_RESULTS[1][1]
'NPS(Survey[Score])'
"""

from __future__ import annotations

from retention_xl.errors import InvalidValue
from retention_xl.input_sheets import INPUT_SHEETS
from retention_xl.labels import LANGUAGES
from retention_xl.template_labels import LABELS

__all__ = [
    "CATALOG",
    "CONTACT_COLUMNS",
    "DATE",
    "EXAMPLE_SURVEY",
    "INT",
    "METRICS",
    "MONEY",
    "NUM",
    "ORDER_COLUMNS",
    "PCT",
    "PLAIN",
    "POINTS",
    "SURVEY_COLUMNS",
    "SURVEY_HINTS",
    "SURVEY_RESULTS",
    "VALIDATION",
    "WARNINGS",
    "template_label",
]

ORDER_COLUMNS = ("Customer", "Order date", "Amount", "Order id", "Channel")
# Survey answers: who (optional) and when, the three scores, a comment. The report's
# Feedback sheet and the contact plan read this Table (``Survey``) as it is laid out here.
SURVEY_COLUMNS = ("Customer", "Date", "Score", "Satisfaction", "Effort", "Comment")
SURVEY_HINTS = {"Customer": "hint.survey.Customer", "Date": "hint.survey.Date", "Score": "hint.Score",
                "Satisfaction": "hint.Satisfaction", "Effort": "hint.Effort", "Comment": "hint.Comment"}
# The contact log (Table ``Contacts``): one row per touch; the contact plan waits the quiet
# period after each.
CONTACT_COLUMNS = ("Customer", "Date", "Channel")

# Worked examples from the formula contract: NPS 40, CSAT 60%, CES 4.9; answered in
# January 2024 by respondents not named (an answer needs no customer to count).
EXAMPLE_SURVEY = tuple(
    (None, f"2024-01-{day:02d}", score, satisfaction, effort, None)
    for day, (score, satisfaction, effort) in enumerate(
        ((10, 5, 7), (10, 5, 6), (9, 4, 6), (9, 4, 5), (9, 5, 6),
         (8, 3, 4), (7, 3, 4), (6, 2, 3), (2, 1, 1), (10, 5, 7)), start=8))

INT, MONEY, PCT, NUM, PLAIN, POINTS, DATE = (
    "#,##0", "#,##0.00", "0.0%", "0.00", "General", "0.0", "yyyy-mm-dd")

# The live figures count orders as the report does: a row with a customer and an amount
# of 0 or more; a refund (a negative amount) is no order, nor is a row without an amount.
_CUSTOMER = "Orders[Customer]"
_AMOUNT = "Orders[Amount]"
_ORDERS = f'COUNTIFS({_CUSTOMER},"<>",{_AMOUNT},">=0")'
_IS_ORDER = f"ISNUMBER({_AMOUNT})*({_AMOUNT}>=0)"  # 1 on an order's row, 0 on any other
# Customers and repeat customers, counted two ways. Excel 365 (and LibreOffice 24.8) count
# the distinct keys of the order rows with UNIQUE, one pass over the rows; its third
# argument keeps the keys found exactly once, so the repeat customers are the distinct keys
# less those. An Excel without UNIQUE (2019 and older, LibreOffice before 24.8) gets #NAME?
# there, and IFERROR falls back to COUNTIFS: each order row counts 1/(its customer's
# orders). That compares every row with every other row, so it slows down with the square of
# the rows (LibreOffice 7.4: 42 s at 8,000 rows, 133 s at 16,000). Both compare ids as text
# (``&""``: 1001 typed as a number and as text is one customer, as in the report) and ignore
# case, so "AB1" and "ab1" are one customer here and two in the report (e-mails in any case
# are one in both). COUNTIFS reads * ? ~ in a criterion as wildcards ("A*" would match
# "AB1", and the shares would not add up to whole customers): they are escaped with ~. Both
# checks are array formulas, so that every version evaluates their ranges row by row.
_KEYS = f'_xlfn._xlws.FILTER({_CUSTOMER}&"",({_CUSTOMER}<>"")*{_IS_ORDER})'
_UNIQUE_KEYS = f"ROWS(_xlfn.UNIQUE({_KEYS}))"
_ONCE_KEYS = f"IFERROR(ROWS(_xlfn.UNIQUE({_KEYS},FALSE,TRUE)),0)"  # #CALC! when every customer repeats
_CRITERION = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({_CUSTOMER}&"","~","~~"),"*","~*"),"?","~?")'
_PER_CUSTOMER = f'COUNTIFS({_CUSTOMER},{_CRITERION},{_AMOUNT},">=0")'
# each order's row counts 1/(its customer's orders); any other row 0 (over 1, never 0)
_SHARE = f"/({_PER_CUSTOMER}+1-{_IS_ORDER})"
_DISTINCT = (f"IFERROR({_UNIQUE_KEYS},"
             f'SUMPRODUCT(({_CUSTOMER}<>"")*{_IS_ORDER}{_SHARE}))')
_REPEATERS = (f"IFERROR({_UNIQUE_KEYS}-{_ONCE_KEYS},"
              f'SUMPRODUCT(({_CUSTOMER}<>"")*{_IS_ORDER}*({_PER_CUSTOMER}>1){_SHARE}))')

# Amounts pasted as text ("120", "۱۲۰", "1,200 $"): COUNTIFS, AVERAGEIF and ISNUMBER above
# leave them out, while the add-in and the report read them. One ISTEXT per row (a cell of
# spaces is a blank, not an amount).
_TEXT_AMOUNTS = f'SUMPRODUCT(ISTEXT({_AMOUNT})*(LEN(TRIM({_AMOUNT}))>0))'

#: the checks entered as array formulas (see above)
ARRAY_CHECKS = frozenset({"ORDERS_CUSTOMERS", "ORDERS_REPEAT"})

# Metrics sheet: (section, items). Input: ("in", name, default, format, validation).
# Result: ("res", label key, add-in formula | None, plain-Excel check, format, defined name).
METRICS = (
    ("sec.retention", (
        ("in", "CustomersStart", 10, INT, "count"),
        ("in", "CustomersEnd", 8, INT, "count"),
        ("in", "NewCustomers", 0, INT, "count"),
        ("in", "LostCustomers", 2, INT, "count"),
        ("in", "ValuePerCustomer", 140, MONEY, "number"),
        ("res", "CRR", "CRR(CustomersStart,CustomersEnd,NewCustomers)",
         "(CustomersEnd-NewCustomers)/CustomersStart", PCT, None),
        ("res", "CHURN", "CHURN(LostCustomers,CustomersStart)",
         "LostCustomers/CustomersStart", PCT, "ChurnRate"),
        ("res", "LIFESPAN", "LIFESPAN(ChurnRate)", "1/(LostCustomers/CustomersStart)", NUM, None),
        ("res", "CHURN_COST", "CHURN_COST(LostCustomers,ValuePerCustomer)",
         "LostCustomers*ValuePerCustomer", MONEY, None),
    )),
    ("sec.clv", (
        ("in", "AvgOrderValue", 50, MONEY, "number"),
        ("in", "PurchasesPerPeriod", 4, PLAIN, "number"),
        ("in", "Periods", 3, PLAIN, "number"),
        ("in", "Margin", 0.3, PCT, "rate"),
        ("in", "AcquisitionCost", 40, MONEY, "number"),
        ("res", "CLV", "CLV(AvgOrderValue,PurchasesPerPeriod,Periods,Margin,AcquisitionCost)",
         "AvgOrderValue*PurchasesPerPeriod*Periods*Margin-AcquisitionCost", MONEY, None),
    )),
    ("sec.discounted", (
        ("in", "MarginPerPeriod", 100, MONEY, "number"),
        ("in", "RetentionRate", 0.8, PCT, "rate"),
        ("in", "DiscountRate", 0.1, PCT, "rate"),
        ("in", "HorizonPeriods", 3, PLAIN, "count"),
        ("res", "CLV_DISCOUNTED", "CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate)",
         "MarginPerPeriod*(1+DiscountRate)/(1+DiscountRate-RetentionRate)", MONEY, None),
        ("res", "CLV_DISCOUNTED_T",
         "CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate,HorizonPeriods)",
         "MarginPerPeriod*(1-(RetentionRate/(1+DiscountRate))^HorizonPeriods)"
         "/(1-RetentionRate/(1+DiscountRate))", MONEY, None),
    )),
    ("sec.repeat", (
        ("in", "RepeatCustomers", 900, INT, "count"),
        ("in", "BuyingCustomers", 2000, INT, "count"),
        ("in", "OrderCount", 5000, INT, "count"),
        ("res", "REPEAT_RATE", "REPEAT_RATE(RepeatCustomers,BuyingCustomers)",
         "RepeatCustomers/BuyingCustomers", PCT, None),
        ("res", "PURCHASE_FREQUENCY", "PURCHASE_FREQUENCY(OrderCount,BuyingCustomers)",
         "OrderCount/BuyingCustomers", NUM, None),
    )),
    ("sec.orders", (
        ("res", "ORDERS_TEXT_AMOUNTS", None, _TEXT_AMOUNTS, INT, "TextAmountsInTable"),
        ("res", "ORDERS_COUNT", None, _ORDERS, INT, "OrdersInTable"),
        ("res", "ORDERS_CUSTOMERS", None, f"IF(OrdersInTable=0,0,{_DISTINCT})", INT,
         "CustomersInTable"),
        ("res", "ORDERS_AOV", "AOV(Orders[Amount])",
         'IF(COUNTIF(Orders[Amount],">=0")=0,"",AVERAGEIF(Orders[Amount],">=0"))', MONEY, None),
        ("res", "ORDERS_FREQUENCY", "PURCHASE_FREQUENCY(OrdersInTable,CustomersInTable)",
         'IF(CustomersInTable=0,"",OrdersInTable/CustomersInTable)', NUM, None),
        ("res", "ORDERS_REPEAT", f"REPEAT_RATE({_CUSTOMER},,{_AMOUNT})",
         f'IF(CustomersInTable=0,"",{_REPEATERS}/CustomersInTable)', PCT, None),
    )),
)

#: results that flag a problem in the pasted data: shown in red while above 0
WARNINGS = frozenset({"ORDERS_TEXT_AMOUNTS"})

# Survey results: (label key, add-in formula | None, plain-Excel check | None, format).
SURVEY_RESULTS = (
    ("RESPONSES", None, "COUNT(Survey[Score])", INT),
    ("NPS", "NPS(Survey[Score])",
     '(COUNTIF(Survey[Score],">=9")-COUNTIF(Survey[Score],"<=6"))/COUNT(Survey[Score])*100', POINTS),
    ("NPS_MOE", "NPS_MOE(Survey[Score])", None, POINTS),
    ("CSAT", "CSAT(Survey[Satisfaction])",
     'COUNTIF(Survey[Satisfaction],">=4")/COUNT(Survey[Satisfaction])', PCT),
    ("CES", "CES(Survey[Effort])", "AVERAGE(Survey[Effort])", NUM),
)

# Formula catalog on the Start sheet: (name, signature, example).
CATALOG = (
    ("CRR", "CRR(start_customers, end_customers, new_customers)", "CRR(10, 8, 0) → 0.8 (80%)"),
    ("CHURN", "CHURN(lost, start)", "CHURN(5, 150) → 0.0333"),
    ("CHURN_COST", "CHURN_COST(lost, value_per_customer)", "CHURN_COST(15, 30000) → 450000"),
    ("REPEAT_RATE", "REPEAT_RATE(repeat, customers)\nREPEAT_RATE(customer_ids, , [amounts], [order_ids])",
     "REPEAT_RATE(900, 2000) → 0.45"),
    ("CLV", "CLV(avg_order_value, purchases_per_period, periods, [margin], [acquisition_cost])",
     "CLV(50, 4, 3, 0.3, 40) → 140"),
    ("CLV_DISCOUNTED", "CLV_DISCOUNTED(margin, retention, discount, [periods])",
     "CLV_DISCOUNTED(100, 0.8, 0.1) → 366.67\nCLV_DISCOUNTED(100, 0.8, 0.1, 3) → 225.62"),
    ("LIFESPAN", "LIFESPAN(churn_rate)", "LIFESPAN(0.25) → 4"),
    ("NPS", "NPS(scores)", "NPS({10,10,9,9,9,8,7,6,2,10}) → 40"),
    ("NPS_MOE", "NPS_MOE(scores, [confidence])", "NPS_MOE(Survey[Score], 0.95)"),
    ("CSAT", "CSAT(scores, [scale_max])", "CSAT(Survey[Satisfaction]) → 0.6"),
    ("CES", "CES(scores)", "CES(Survey[Effort]) → 4.9"),
    ("AOV", "AOV(amounts, [order_ids])", "AOV(Orders[Amount], Orders[Order id])"),
    ("PURCHASE_FREQUENCY", "PURCHASE_FREQUENCY(orders, customers)",
     "PURCHASE_FREQUENCY(5000, 2000) → 2.5"),
    ("COHORT", "COHORT(customer_ids, order_dates, [period], [show], [amounts], [order_ids], [language])",
     'COHORT(Orders[Customer], Orders[Order date], "M", "retention")'),
    ("CLV_PREDICT", "CLV_PREDICT(customer_ids, order_dates, amounts, [horizon], [margin], [discount], [intervals], "
                    "[order_ids], [language])",
     "CLV_PREDICT(Orders[Customer], Orders[Order date], Orders[Amount], 12, 0.3)"),
    ("P_ALIVE", "P_ALIVE(customer_ids, order_dates, [order_ids], [language])", "P_ALIVE(Orders[Customer], Orders[Order date])"),
    ("SBG_RETENTION", "SBG_RETENTION(survivors, periods_ahead, [language])",
     "SBG_RETENTION({1000,631,468,382,326}, 3)"),
    ("CONTACT_PLAN", "CONTACT_PLAN(customer_ids, order_dates, amounts, [as_of], [contact_ids], [contact_dates], "
                     "[order_ids], [language])",
     "CONTACT_PLAN(Orders[Customer], Orders[Order date], Orders[Amount], , Contacts[Customer], Contacts[Date])"),
)

VALIDATION = {  # kind: (type, operator, formula1, formula2)
    "date": ("date", "between", "DATE(1900,1,1)", "DATE(2199,12,31)"),
    "amount": ("decimal", "between", "-1E+15", "1E+15"),
    "count": ("whole", "greaterThanOrEqual", "0", None),
    "number": ("decimal", "greaterThanOrEqual", "0", None),
    "rate": ("decimal", "between", "0", "1"),
    "score": ("whole", "between", "0", "10"),
    "satisfaction": ("whole", "between", "1", "5"),
    "effort": ("whole", "between", "1", "7"),
}


def template_label(lang: str, key: str) -> str:
    """One label of the template workbook, from ``retention_xl/template_labels.py``.

    >>> template_label("ar", "sheet.survey")
    'الاستبيان'
    """
    if lang not in LABELS:
        raise InvalidValue(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    kind = key.removeprefix("sheet.")
    if key.startswith("sheet.") and kind in INPUT_SHEETS:  # an input sheet: the name the ribbon reads
        return INPUT_SHEETS[kind][lang]
    return LABELS[lang][key]
