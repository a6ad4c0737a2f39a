"""Hanyu pinyin of a standard place name (汉语拼音拼写, e.g. ``Tiānmén Shì``).

Allowed: Latin letters, spaces, the four tone marks on a vowel (or on m / n, as
in ``ń``), ``ü`` and ``ê``, and the two separators place-name spelling uses:
the apostrophe (隔音符号, ``Xī'ān``) and the hyphen. Digits (``tian1``) and other
scripts are refused.
"""

from __future__ import annotations

import unicodedata
from typing import Final

_TONE_MARKS: Final = frozenset("\u0304\u0301\u030c\u0300")  # ā á ǎ à
_DIAERESIS: Final = "\u0308"  # ü
_CIRCUMFLEX: Final = "\u0302"  # ê
_SEPARATORS: Final = frozenset(" '-")
_VOWELS: Final = frozenset("aeiou")
#: Which base letters each combining mark may sit on.
_MARK_BASES: Final = {
    **{mark: _VOWELS | {"m", "n"} for mark in _TONE_MARKS},
    _DIAERESIS: frozenset("u"),
    _CIRCUMFLEX: frozenset("e"),
}
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\uff07": "'"})

MESSAGE: Final = "拼音只能由字母、空格、声调符号（及隔音符号'、连字符-）组成"


def normalize_pinyin(value: str) -> str:
    """The canonical spelling (NFC, single spaces), or ``ValueError`` in Chinese."""
    text = " ".join(unicodedata.normalize("NFC", value.translate(_APOSTROPHES)).split())
    if not text:
        raise ValueError("拼音不能为空")
    first = unicodedata.normalize("NFD", text[0])[0]
    if not first.isascii() or not first.isalpha():
        raise ValueError("拼音应以字母开头")
    base: str | None = None
    for ch in unicodedata.normalize("NFD", text):
        if ch in _MARK_BASES:
            if base is None or base.lower() not in _MARK_BASES[ch]:
                raise ValueError(f"{MESSAGE}：声调符号位置不对")
            continue
        if ch.isascii() and ch.isalpha():
            base = ch
        elif ch in _SEPARATORS:
            base = None
        else:
            raise ValueError(f"{MESSAGE}：不允许“{ch}”")
    return text


def pinyin_key(text: str) -> str:
    """Letters only, lower case, tone marks dropped: what a search compares.

    ``Tiānmén Shì``, ``tianmen shi`` and ``TianMenShi`` share ``tianmenshi``.
    """
    return "".join(
        ch for ch in unicodedata.normalize("NFD", text) if ch.isascii() and ch.isalpha()
    ).lower()


def looks_like_pinyin(text: str) -> bool:
    try:
        normalize_pinyin(text)
    except ValueError:
        return False
    return True
