"""Learned boilerplate: a line that recurs across many articles of one outlet
is the outlet's furniture (subscribe prompts, bylines boxes, app plugs, in any
language), not its journalism.

Pure part: line keys and the decision. The counts live in MongoDB
(`outlet_lines`: one document per outlet and line key, with the number of
distinct articles it was seen in), so the knowledge grows across runs,
processes and machines. The text-only path (`newsdesk clean`) has no outlet
history and does without it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_NORMALISE = re.compile(r"[\W\d_]+", re.UNICODE)
MIN_LINE_CHARS = 12  # shorter lines are too generic to key on ("Advertisement" is 13)
MAX_LINE_CHARS = 400  # long paragraphs are text, not furniture


def line_key(line: str) -> str | None:
    """A stable key for a line, ignoring case, digits and punctuation (dates, counts vary)."""
    text = line.strip()
    if not (MIN_LINE_CHARS <= len(text) <= MAX_LINE_CHARS):
        return None
    norm = _NORMALISE.sub(" ", text.casefold()).strip()
    if len(norm) < MIN_LINE_CHARS:
        return None
    return hashlib.blake2b(norm.encode(), digest_size=8).hexdigest()


def article_line_keys(body: str) -> set[str]:
    return {k for line in body.split("\n") if (k := line_key(line))}


@dataclass
class OutletLines:
    """What is known about one outlet's lines: in how many articles each was seen."""

    articles: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    min_articles: int = 5  # never judge before this many articles
    min_share: float = 0.3  # a line in at least this share of articles is furniture

    def is_outlet_line(self, key: str) -> bool:
        if self.articles < self.min_articles:
            return False
        return self.counts.get(key, 0) >= max(3, self.min_share * self.articles)

    def learn(self, keys: Iterable[str]) -> None:
        self.articles += 1
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1


def strip_outlet_lines(body: str, known: OutletLines) -> tuple[str, list[dict]]:
    """The body without lines known as the outlet's furniture; removed lines as blocks."""
    kept, removed = [], []
    for line in body.split("\n"):
        key = line_key(line)
        if key is not None and known.is_outlet_line(key):
            removed.append({"text": line.strip(), "reason": "outlet_boilerplate"})
        else:
            kept.append(line)
    if not removed:
        return body, []
    return "\n".join(kept).strip("\n"), removed


def forget_singletons(learned: dict[str, int], known: OutletLines) -> None:
    """Bound memory on long crawls: lines seen once so far are (almost all) journalism.

    Furniture recurs in every article, so it is back above 1 long before the
    next pass (every 1000 articles)."""
    for key in [k for k, n in learned.items() if n == 1]:
        del learned[key]
        if known.counts.get(key) == 1:
            del known.counts[key]


SAVE_SINGLETONS_BELOW = 10  # runs learning from fewer articles save every line they saw


def worth_saving(learned: dict[str, int], articles: int) -> dict[str, int]:
    """The run's line counts that are worth a database write.

    Furniture sits in at least `OutletLines.min_share` of an outlet's articles,
    so a run that learned from 10 or more articles sees it at least 3 times;
    a line it saw once is a line of one article. Small runs (an incremental
    crawl finding one or two new articles) keep every line, since their counts
    only add up across runs. Why it matters: those one-off lines are most of
    the keys, and writing them cost ~7 ms per article at the end of a crawl."""
    if articles < SAVE_SINGLETONS_BELOW:
        return dict(learned)
    return {key: n for key, n in learned.items() if n > 1}
