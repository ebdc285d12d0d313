"""Naming what went wrong with a page, so every failure is counted by kind.

Pure functions: an exception (or failure value) in, a short kind out. The
spider's errback and the run summary use these names.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from crawlers.blocks import is_block_page

KIND_BY_EXCEPTION = {
    "DownloadTimeoutError": "timeout",
    "TimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "DownloadCancelledError": "too_large",
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns_error",
    "DNSLookupError": "dns_error",
    "ResponseDataLossError": "data_loss",
    "ResponseFailed": "connection_lost",
    "ConnectionLost": "connection_lost",
    "ConnectionDone": "connection_lost",
    "DownloadFailedError": "download_failed",
}


def failure_kind(exc: BaseException) -> str:
    """`http_404`, `blocked`, `timeout`, `too_large`, `redirect_loop`, `robots_txt`, ... for one failed request."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):
        if is_block_page(response.status, response.body, response.headers):
            return "blocked"  # a challenge or denial page: the outlet refuses us, not an error of its own
        return f"http_{response.status}"
    message = str(exc).lower()
    if isinstance(exc, IgnoreRequest):
        if "page budget spent" in message:
            return "page_budget"  # --max-pages reached: not a bad page (crawlers/page_budget.py)
        if "redirect" in message:
            return "redirect_loop"
        if "larger than" in message or "max size" in message or "maxsize" in message or "exceeded" in message:
            return "too_large"
        if "robots" in message:
            return "robots_txt"
        if "private" in message:
            return "private_address"
        return "ignored"
    return KIND_BY_EXCEPTION.get(type(exc).__name__, type(exc).__name__)
