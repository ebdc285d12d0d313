"""Downloader middleware: refuse loopback, private and link-local targets.

An outlet must say `allow_private_network = true` to crawl such addresses
(the test fixtures and the local demo do); the rest of the web never needs
it, and refusing it keeps a hostile page from steering the crawler at the
machine's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest


@lru_cache(maxsize=4096)
def resolves_to_private(host: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # unresolvable: the download fails on its own, with its own error
    for addr in addresses:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_unspecified:
            return True
    return False


class PrivateNetworkGuard:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        outlet = getattr(spider or self.crawler.spider, "outlet", None)
        if outlet is not None and outlet.allow_private_network:
            return None
        host = urlsplit(request.url).hostname or ""
        if resolves_to_private(host):
            self.stats.inc_value("newsdesk/bad_page/private_address")
            raise IgnoreRequest(f"{request.url}: refused: {host} resolves to a private, loopback or "
                                "link-local address (set allow_private_network = true in the outlet file)")
        return None
