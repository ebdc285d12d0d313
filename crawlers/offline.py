"""The pipeline's own stages, run on saved HTML without a crawl or a database.

`newsdesk extract`, the quality benchmark and the quality gate all call
`process_html`, so what they measure is the very code the crawl runs:
page text (the spider's decoding and charset rescue) -> extract -> normalize
-> strip offers -> outlet lines -> validate (dedup and store need the
database and are left out; the outlet lines learned in the database are used
when the caller passes them).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from pipelines.decode import page_text
from pipelines.extract import extract_article
from pipelines.metadata import OutletTitles
from pipelines.outlet_lines import OutletLines
from pipelines.outlets import OutletSpec
from pipelines.stages import normalize_stage, offers_stage, outlet_lines_stage, validate_stage


def read_html(path: Path, max_bytes: int | None = None) -> bytes:
    """The page's bytes (.gz decompressed), refused past `max_bytes` as the crawl refuses
    a response past DOWNLOAD_MAXSIZE: without the cap a 50 MB page took minutes and GBs."""
    path = Path(path)
    with open(path, "rb") as fh:
        stream = gzip.GzipFile(fileobj=fh) if str(path).endswith(".gz") else fh
        try:
            data = stream.read(max_bytes + 1 if max_bytes else -1)  # a gzip bomb stops here too
        except (OSError, EOFError) as exc:
            raise ValueError(f"not a readable gzip file: {exc}") from None
    if max_bytes and len(data) > max_bytes:
        raise ValueError(f"page:too_large: over the crawl's cap of {max_bytes} bytes (DOWNLOAD_MAXSIZE)")
    return data


def process_html(html: str | bytes, url: str, outlet: OutletSpec | None = None,
                 learned_titles: OutletTitles | None = None, *, section: str | None = None,
                 known_lines: OutletLines | None = None, content_type: str = "") -> dict:
    """The article as the crawl would store it (before dedup); `dropped` names why not.

    The crawl's own functions in the crawl's order: `page_text` (the spider's
    decoding and charset rescue), extract, normalize, strip offers, the outlet
    lines stage (`known_lines`: what the database has learned for the outlet,
    none by default; `learned_titles`: its title affixes, else those counted
    with `known_lines`), validate. Re-extraction and ingest pass both."""
    text = html if isinstance(html, str) else page_text(html, content_type)
    item = extract_article(text, url, outlet).as_item()
    item.pop("page_titles", None)  # what the crawl learns title affixes from; not stored
    if outlet is not None:
        item["outlet"] = outlet.name
    item.setdefault("outlet", "offline")
    item["section"] = section
    item = offers_stage(normalize_stage(item, outlet))
    item, _removed, _cut = outlet_lines_stage(item, known_lines or OutletLines(), learned_titles)
    valid, reason = validate_stage(item)
    return {**(valid or item), "dropped": reason}


def iter_manifest(manifest: Path) -> Iterator[tuple[str | None, Path, str]]:
    """(id, html path, url) for each line of a manifest like corpus/*/ground_truth.jsonl."""
    base = manifest.parent
    with open(manifest, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                html_file = record["html_file"]
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{manifest}:{line_no}: expected a JSON object with 'html_file'") from None
            path = base / html_file
            yield record.get("id"), path, record.get("url") or path.resolve().as_uri()
