"""Where a sentence ends, for the stages that judge lines (extraction's chrome check, offer stripping)."""

from __future__ import annotations

import re

# A line that ends a sentence: terminal punctuation, then any closing quotes or brackets.
ENDS_SENTENCE = re.compile(r"[.!?…]['\"’”»)\]]*\s*$")
