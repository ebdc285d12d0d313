"""The pipeline's own stages, run on saved HTML without a crawl or a database.

`newsdesk extract`, the quality benchmark and the quality gate all call
`process_html`, so what they measure is the very code the crawl runs:
extract -> normalize -> strip offers -> validate (dedup and store need the
database and are left out).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

from pipelines.extract import extract_article
from pipelines.metadata import OutletTitles
from pipelines.outlet_lines import OutletLines, strip_outlet_lines
from pipelines.outlets import OutletSpec
from pipelines.stages import normalize_stage, offers_stage, validate_stage


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


def _decode(html: str | bytes) -> str:
    if isinstance(html, str):
        return html
    from w3lib.encoding import html_to_unicode

    return html_to_unicode(None, html)[1]  # BOM, <meta charset> and sniffing, as Scrapy does


def process_html(html: str | bytes, url: str, outlet: OutletSpec | None = None,
                 learned_titles: OutletTitles | None = None, *, section: str | None = None,
                 known_lines: OutletLines | None = None) -> dict:
    """The article as the pipeline would store it (before dedup); `dropped` names why not.
    `learned_titles`: the outlet's title affixes, as the crawl's outlet-lines stage knows them.
    `known_lines`: the outlet's learned boilerplate lines, stripped as that stage does
    (re-extraction and ingest pass both)."""
    item = extract_article(_decode(html), url, outlet).as_item()
    if learned_titles is not None:
        item["title"] = learned_titles.cut(item.get("title"))
    if outlet is not None:
        item["outlet"] = outlet.name
    item.setdefault("outlet", "offline")
    item["section"] = section
    item = offers_stage(normalize_stage(item, outlet))
    if known_lines is not None and item.get("body"):
        item["body"], removed = strip_outlet_lines(item["body"], known_lines)
        item["removed_blocks"] = [*(item.get("removed_blocks") or []), *removed]
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
