"""What the VBA editor accepts: identifiers, reserved words, line lengths, and a real VBA grammar.

Used by the tests of the formulas' VBA module (what xlwings' *Import Functions* writes) and
of the add-in's VBA. The rules are from the VBA language specification [MS-VBAL] (v1.7):

* 3.3.5 an identifier starts with a letter and holds only letters, digits and ``_``, at
  most 255 characters; VBA compares names without regard to case;
* 3.3.5.2 the reserved identifiers (:data:`RESERVED`), which cannot name a procedure, a
  parameter or a variable;
* 3.2 a physical line holds at most 1023 characters; a logical line continued with
  `` _`` spans at most 25 physical lines (24 continuations).

The grammar is the ANTLR grammar of MS-VBAL published as ``antlr4-vba`` on PyPI (its
``vba_cc`` grammar reads conditional compilation, ``vbaParser`` the module itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_LINE = 1023
MAX_CONTINUATIONS = 24
MAX_IDENTIFIER = 255

# MS-VBAL 3.3.5.2 Reserved Identifiers and IDENTIFIER
STATEMENT_KEYWORDS = """Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng
    DefLngLng DefLngPtr DefObj DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For
    Friend Function Get Global GoSub GoTo If Implements Input Let Lock Loop LSet Next On Open Option Print
    Private Public Put RaiseEvent ReDim Resume Return RSet Seek Select Set Static Stop Sub Type Unlock Wend
    While With Write""".split()
REM_KEYWORD = ["Rem"]
MARKER_KEYWORDS = """Any As ByRef ByVal Case Each Else In New Shared Until WithEvents Write Optional
    ParamArray Preserve Spc Tab Then To""".split()
OPERATOR_IDENTIFIERS = "AddressOf And Eqv Imp Is Like New Mod Not Or TypeOf Xor".split()
RESERVED_NAMES = """Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr
    Date Debug DoEvents Fix Int Len LenB Me PSet Scale Sgn String""".split()
SPECIAL_FORMS = "Array Circle Input InputB LBound Scale UBound".split()
RESERVED_TYPE_IDENTIFIERS = """Boolean Byte Currency Date Double Integer Long LongLong LongPtr Single
    String Variant""".split()
LITERAL_IDENTIFIERS = "True False Nothing Empty Null".split()
RESERVED_FOR_IMPLEMENTATION = """Attribute LINEINPUT VB_Base VB_Control VB_Creatable VB_Customizable
    VB_Description VB_Exposed VB_Ext_KEY VB_GlobalNameSpace VB_HelpID VB_Invoke_Func VB_Invoke_Property
    VB_Invoke_PropertyPut VB_Invoke_PropertyPutRef VB_MemberFlags VB_Name VB_PredeclaredId VB_ProcData
    VB_TemplateDerived VB_UserMemId VB_VarDescription VB_VarHelpID VB_VarMemberFlags VB_VarProcData
    VB_VarUserMemId""".split()
FUTURE_RESERVED = "CDecl Decimal DefDec".split()

RESERVED = frozenset(
    w.casefold()
    for group in (STATEMENT_KEYWORDS, REM_KEYWORD, MARKER_KEYWORDS, OPERATOR_IDENTIFIERS, RESERVED_NAMES,
                  SPECIAL_FORMS, RESERVED_TYPE_IDENTIFIERS, LITERAL_IDENTIFIERS, RESERVED_FOR_IMPLEMENTATION,
                  FUTURE_RESERVED)
    for w in group
)
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# a worksheet function named like a cell (A1 style up to XFD1048576, or R1C1 style) is
# read by Excel as a reference, not a call
_A1 = re.compile(r"^([A-Z]{1,3})([0-9]+)$", re.IGNORECASE)
_R1C1 = re.compile(r"^(R[0-9]*C?[0-9]*|C[0-9]*)$", re.IGNORECASE)


def identifier_problem(name: str) -> str | None:
    """Why ``name`` cannot be a VBA procedure or parameter name, or ``None`` if it can.

    >>> identifier_problem("start_customers") is None
    True
    >>> identifier_problem("end"), identifier_problem("_x"), identifier_problem("Scale")
    ('a VBA reserved word', 'not a VBA identifier (letter first, then letters, digits, _)', 'a VBA reserved word')
    """
    if not _IDENTIFIER.match(name):
        return "not a VBA identifier (letter first, then letters, digits, _)"
    if len(name) > MAX_IDENTIFIER:
        return f"longer than {MAX_IDENTIFIER} characters"
    if name.casefold() in RESERVED:
        return "a VBA reserved word"
    return None


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def looks_like_a_cell(name: str) -> bool:
    """True when Excel would read ``=NAME(...)`` as a cell reference (``AOV1``, ``R2C3``).

    >>> looks_like_a_cell("CRR"), looks_like_a_cell("CRR2"), looks_like_a_cell("RC")
    (False, True, True)
    """
    m = _A1.match(name)
    if m and _column_number(m.group(1)) <= 16384 and 1 <= int(m.group(2)) <= 1_048_576:
        return True
    return bool(_R1C1.match(name))


def logical_lines(code: str) -> Iterator[list[str]]:
    """The physical lines of each logical line (joined by a trailing `` _``)."""
    group: list[str] = []
    for line in code.splitlines():
        group.append(line)
        if not line.endswith(" _"):
            yield group
            group = []
    if group:
        yield group


def line_problems(code: str) -> list[str]:
    """Lines the VBA editor would refuse: too long, or too many continuations."""
    problems = []
    for number, line in enumerate(code.splitlines(), start=1):
        if len(line) > MAX_LINE:
            problems.append(f"line {number} has {len(line)} characters (at most {MAX_LINE})")
    for group in logical_lines(code):
        if len(group) - 1 > MAX_CONTINUATIONS:
            problems.append(f"a logical line starting {group[0][:40]!r} has {len(group) - 1} continuations")
    return problems


def excel_branch(code: str, constants: dict[str, str] | None = None) -> str:
    """The module as compiled by Excel: ``#If``/``#Else`` blocks resolved, ``#Const`` dropped.

    Understands the conditions xlwings writes: ``#If App = "Microsoft Excel" Then``,
    ``#If Mac Then``, ``#If VBA7 Then``, ``#If Win64 Then`` and their ``Not`` forms;
    ``constants`` gives their values (default: Excel for Windows, 64-bit VBA7).
    """
    values = {"app": '"microsoft excel"', "mac": "false", "vba7": "true", "win64": "true"}
    values.update({k.casefold(): v.casefold() for k, v in (constants or {}).items()})

    def true(condition: str) -> bool:
        condition = condition.strip().casefold()
        if condition.startswith("not "):
            return not true(condition[4:])
        if "=" in condition:
            name, value = (part.strip() for part in condition.split("=", 1))
            return values.get(name) == value
        return values.get(condition, "false") == "true"

    out: list[str] = []
    stack: list[tuple[bool, bool]] = []  # (this branch is kept, a branch was taken)
    keeping = True
    for line in code.splitlines():
        stripped = line.strip()
        head = stripped.casefold()
        if head.startswith("#if ") and head.endswith(" then"):
            taken = keeping and true(stripped[4:-5])
            stack.append((keeping, taken))
            keeping = taken
        elif head.startswith("#elseif ") and head.endswith(" then"):
            outer, done = stack[-1]
            taken = outer and not done and true(stripped[8:-5])
            stack[-1] = (outer, done or taken)
            keeping = taken
        elif head == "#else":
            outer, done = stack[-1]
            keeping = outer and not done
        elif head in ("#end if", "#endif"):
            keeping, _ = stack.pop()
        elif head.startswith("#const "):
            continue
        elif keeping:
            out.append(line)
    if stack:
        raise ValueError("an #If block is not closed")
    return "\n".join(out) + "\n"


def grammar_errors(code: str, *, conditional: bool = False) -> list[str]:
    """Syntax errors the MS-VBAL grammar finds in a module (empty when it parses).

    ``conditional`` parses with the conditional-compilation grammar (``#If`` lines
    included); otherwise the module must already be resolved (see :func:`excel_branch`).
    """
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener

    if conditional:
        from antlr4_vba.vba_ccLexer import vba_ccLexer as Lexer
        from antlr4_vba.vba_ccParser import vba_ccParser as Parser
    else:
        from antlr4_vba.vbaLexer import vbaLexer as Lexer
        from antlr4_vba.vbaParser import vbaParser as Parser

    class Collect(ErrorListener):
        def __init__(self):
            self.errors: list[str] = []

        def syntaxError(self, recognizer, symbol, line, column, message, error):  # noqa: N802 -- ANTLR's name
            self.errors.append(f"line {line}:{column} {message}")

    collect = Collect()
    lexer = Lexer(InputStream(code))
    lexer.removeErrorListeners()
    lexer.addErrorListener(collect)
    parser = Parser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(collect)
    parser.startRule()
    return collect.errors
