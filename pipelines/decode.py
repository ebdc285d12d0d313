"""A page's bytes to text, rescuing pages whose charset is missing or wrong.

`page_text` is what the spider and the offline runner (`newsdesk extract`,
the quality benchmark and gate) both call, so a saved page decodes exactly as
the crawl decoded it.
"""

from __future__ import annotations

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, resolve_encoding


def _scrapy_guess(data: bytes) -> str | None:
    # The fallback of Scrapy's TextResponse when nothing is declared: ascii, utf-8, cp1252.
    for encoding in ("ascii", "utf-8", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    return None


def page_text(body: bytes, content_type: str = "") -> str:
    """The page's text: decoded as Scrapy decodes a response (Content-Type header, BOM,
    <meta charset>, then a guess), then rescued by `decode_html` when that was wrong."""
    encoding, text = html_to_unicode(content_type or None, body, auto_detect_fun=_scrapy_guess)
    declared = "charset=" in content_type.lower() or b"charset" in body[:2048].lower()
    return decode_html(body, encoding if declared else None, text)


def decode_html(body: bytes, declared: str | None, scrapy_text: str) -> str:
    """The page's text, rescuing pages whose charset is missing or wrong.

    Scrapy decodes by header, <meta>, BOM, then a UTF-8/cp1252 guess. When
    that produced replacement characters (bytes invalid in the declared
    charset: latin-1 served as UTF-8) or no charset was declared at all and
    the bytes are not UTF-8 (cp1251, Shift-JIS), charset-normalizer (already
    a trafilatura dependency) detects the encoding from the bytes.
    """
    broken = scrapy_text.count("\ufffd") > 2
    if not broken and declared:
        return scrapy_text
    try:
        body.decode("utf-8")
        if not broken:
            return scrapy_text
    except UnicodeDecodeError:
        pass
    matches = from_bytes(body[:2_000_000])
    best = matches.best()
    if best is None:
        return scrapy_text
    # Western text often fits several single-byte code pages equally well (cp1250 and
    # cp1252 differ in a few letters: û/ű, à/ŕ); on a tie, windows-1252, the web's
    # default for undeclared pages (WHATWG), is the likelier one.
    tied = [m for m in matches if m.chaos == best.chaos and m.coherence == best.coherence]
    best = next((m for m in tied if m.encoding == "cp1252"), best)
    return str(best) if len(body) <= 2_000_000 else body.decode(best.encoding, errors="replace")
