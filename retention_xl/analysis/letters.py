"""One spelling of the Arabic and Persian letters that keyboards and writers vary.

An Arabic keyboard types ``ي`` and ``ك`` where a Persian one types ``ی`` and ``ک``; Arabic
writers often leave out the hamza (``افق`` for ``أفق``), write a final ``ه`` for ``ة``
(``الفتره``), stretch words with the kashida and add vowel marks (``شهريًا``). Words the
program compares with words of its own (headers, sheet and setting names, statuses, period
names) are compared in one spelling: :func:`fold_word`. Customer ids are not words: only
the keyboard's ye and kaf are read alike there (:data:`KEY_LETTERS`), since ``على`` and
``علي`` are different names, and shown back in the Arabic keyboard's letters where the
column was mostly typed in them (:data:`ARABIC_KEYBOARD`). Month and currency names, which
are also found by regular expressions, are folded toward the Arabic letters
(:func:`fold_arabic`, :data:`LETTER_CLASSES`).

Every vocabulary compared with folded text must be folded the same way: a word list
written with an Arabic ``ي`` never meets a folded header otherwise.

>>> fold_word("الضريبة") == fold_word("الضریبه"), fold_word("أفق") == fold_word("افق")
(True, True)
>>> fold_word("شهريًا") == fold_word("شهریا"), fold_word("مـبـلـغ") == "مبلغ"
(True, True)
"""

from __future__ import annotations

__all__ = ["ARABIC_KEYBOARD", "ARABIC_LETTERS", "KEY_LETTERS", "LETTER_CLASSES", "WORD_LETTERS", "fold_arabic",
           "fold_word"]

#: the variants read alike in compared words: ye and alef maqsura, kaf, the alefs with a
#: hamza or madda and alef wasla, teh marbuta as heh; the kashida (tatweel), the vowel and
#: hamza marks (U+064B-U+065F, U+0670) and the zero-width joiner dropped; the Persian
#: half-space (ZWNJ) read as a space
WORD_LETTERS = str.maketrans({
    "ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه",
    "\u0640": None, "\u200d": None, "\u200c": " ", "\u0670": None,
    **{chr(c): None for c in range(0x064B, 0x0660)},
})

#: customer keys: only the keyboard's Arabic ye and kaf, read as Persian's
KEY_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})
#: and back: a key's Persian ye and kaf as the Arabic keyboard types them
ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})


def fold_word(text: str) -> str:
    """``text`` in the one spelling of :data:`WORD_LETTERS` (case is left to the caller)."""
    return text.translate(WORD_LETTERS)


#: the same variants read as the Arabic letters (ye ``ي``, kaf ``ك``), for tables of Arabic
#: names (months, currencies) that are also found by regular expressions (:data:`LETTER_CLASSES`)
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه"})

#: each letter of :data:`ARABIC_LETTERS`' spelling and the letters read as it, as a
#: regular-expression class (``"آذار"`` is found as ``[اأإآٱ]ذ[اأإآٱ]ر``)
LETTER_CLASSES = {"ا": "[اأإآٱ]", "ي": "[يىی]", "ك": "[كک]", "ه": "[هة]"}


def fold_arabic(text: str) -> str:
    """``text`` in the spelling of :data:`ARABIC_LETTERS`.

    >>> fold_arabic("کانون الأول") == fold_arabic("كانون الاول")
    True
    """
    return text.translate(ARABIC_LETTERS)
