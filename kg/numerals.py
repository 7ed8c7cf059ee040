"""Chinese and Arabic numerals (cn2an does the Chinese)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import cn2an

CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿"


def chinese_to_int(numeral: str) -> int:
    """``"十二"`` -> 12, ``"三"`` -> 3, ``"两"`` -> 2.

    >>> chinese_to_int("十一"), chinese_to_int("两")
    (11, 2)
    """
    return int(cn2an.cn2an(numeral.replace("两", "二").replace("〇", "零"), "normal"))


def to_decimal(text: str) -> Decimal | None:
    """An Arabic or Chinese numeral as a Decimal, or None.

    >>> to_decimal("5.4"), to_decimal("三"), to_decimal("x")
    (Decimal('5.4'), Decimal('3'), None)
    """
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return Decimal(chinese_to_int(text))
    except (ValueError, KeyError, TypeError):
        return None


def code_sort_key(code: str) -> tuple:
    """Sort task codes as printed, part by part, numbers as numbers (9 before 10, 三 before 十).

    >>> sorted(["六.10", "四.十", "六.9", "四.三"], key=code_sort_key)
    ['四.三', '四.十', '六.9', '六.10']
    """
    key = []
    for piece in code.replace("'", "").replace("(", "").replace(")", "").split("."):
        if piece.isdigit():
            key.append(int(piece))
        else:
            try:
                key.append(chinese_to_int(piece))
            except (ValueError, KeyError, TypeError):
                key.append(10**6)
    return tuple(key)
