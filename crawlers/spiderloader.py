"""A spider loader that makes every outlet file a spider name.

`scrapy list` lists the outlets; `scrapy crawl NAME` crawls one. The spider
class is the one generic SectionSpider, bound to the outlet's spec. One more
name, `newsdesk.ingest`, is the ingest of a WARC file as a Scrapyd job
(crawlers/spiders/ingest.py); no outlet can be called that.
"""

from __future__ import annotations

from scrapy.utils.misc import load_object

from crawlers.spiders.ingest import INGEST_SPIDER, IngestSpider
from crawlers.spiders.section import SectionSpider
from pipelines.outlets import OutletSpec, load_outlets


def politeness_settings(outlet: OutletSpec) -> dict:
    p = outlet.politeness
    settings = {
        "DOWNLOAD_DELAY": p.download_delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": p.concurrent_requests,
        "AUTOTHROTTLE_ENABLED": p.autothrottle,
        "ROBOTSTXT_OBEY": p.obey_robots_txt,
    }
    if p.user_agent:
        settings["USER_AGENT"] = p.user_agent
    return settings


def spider_class_for(outlet: OutletSpec, base: type[SectionSpider] = SectionSpider) -> type[SectionSpider]:
    return type(
        f"{base.__name__}_{outlet.name}", (base,),
        {"name": outlet.name, "outlet": outlet, "allowed_domains": list(outlet.domains),
         "custom_settings": politeness_settings(outlet), "__module__": base.__module__},
    )


class OutletSpiderLoader:
    """Implements scrapy.spiderloader.SpiderLoaderProtocol (structural typing)."""

    def __init__(self, settings):
        self._outlets = load_outlets()
        base = load_object(settings.get("NEWSDESK_SPIDER_CLASS", "crawlers.spiders.section.SectionSpider"))
        self._spiders = {name: spider_class_for(o, base) for name, o in self._outlets.items()}
        self._spiders[INGEST_SPIDER] = IngestSpider

    @classmethod
    def from_settings(cls, settings):
        return cls(settings)

    def load(self, spider_name: str):
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def find_by_request(self, request):
        return [name for name, cls in self._spiders.items()
                if hasattr(cls, "outlet") and cls.outlet.owns_url(request.url)]

    def list(self):
        return sorted(self._spiders)
