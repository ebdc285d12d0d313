"""Where a sentence ends, for the stages that judge lines (extraction's chrome check, offer stripping)."""

from __future__ import annotations

import re

# A line that ends a sentence: terminal punctuation, then any closing quotes or brackets.
ENDS_SENTENCE = re.compile(r"[.!?…]['\"’”»)\]]*\s*$")

_WORD = re.compile(r"\w+", re.UNICODE)
# Scripts written without spaces between words: two characters stand in for a
# word (else a Japanese paragraph is one "word", a short line).
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(line: str) -> int:
    """Words in a line, counting two characters of an unspaced script as one."""
    return max(len(_WORD.findall(line)), len(UNSPACED.findall(line)) // 2)
