"""A response's HTML text, or why it is not a usable page.

One function for the spider's article and section callbacks and for
re-extraction from the archive (crawlers/replay.py), so an archived response
is decoded exactly as it was when it was fetched; the decoding itself is
pipelines/decode.page_text, which the offline runner calls too.
"""

from __future__ import annotations

from scrapy.http import Headers, Response, TextResponse
from scrapy.responsetypes import responsetypes

from pipelines.decode import page_text
from pipelines.extract import looks_like_html


class BadPage(ValueError):
    def __init__(self, kind: str, reason: str):
        super().__init__(f"{kind}: {reason}")
        self.kind, self.reason = kind, reason


def response_html(response: Response) -> str:
    """The page's text; raises BadPage("empty" | "not_html", reason)."""
    if not response.body:
        raise BadPage("empty", "empty response body")
    if not isinstance(response, TextResponse) or not looks_like_html(response.body):
        content_type = response.headers.get("Content-Type", b"").decode(errors="replace")
        raise BadPage("not_html", f"content is not HTML ({content_type})")
    return page_text(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))


# what the archived body no longer has: it was de-chunked and decompressed on reading
_DECODED = {b"content-encoding", b"content-length", b"transfer-encoding"}


def response_from(url: str, status: int, headers: list[tuple[str, str]], body: bytes) -> Response:
    """The Scrapy response a crawl would have handed the spider for an archived one."""
    scrapy_headers = Headers([(k, v) for k, v in headers if k.lower().encode() not in _DECODED])
    cls = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    return cls(url=url, status=status, headers=scrapy_headers, body=body)
