"""Article metadata a reader can trust: title, authors, dates. Pure functions.

Extraction hands over what the page says (JSON-LD objects, meta tags, the
parsed tree); this module decides:

* **title**: among the JSON-LD `headline`, `og:title`, the article's `<h1>`
  and `<title>`, with the site-name part cut (the page's `og:site_name`,
  publisher and domain, and per outlet the suffix/prefix its pages repeat,
  learned like the outlet lines are: `OutletTitles`);
* **authors**: people only, from every JSON-LD `author` shape or a byline
  string: split, slugs turned into names, "By", roles and job titles dropped,
  wire agencies kept apart (`agency`), the outlet's own name dropped;
* **dates**: JSON-LD, then meta tags, `<time>`, the URL, then the visible
  dateline (htmldate); dates in the future or before 1990 dropped.

Text from JSON-LD and meta tags is entity-decoded and stripped of markup
(`clean_text`, w3lib).

One module per field: `pipelines/titles.py`, `pipelines/authors.py` (with
`pipelines/byline.py`, the byline the page's text shows), `pipelines/dates.py`,
and `pipelines/meta_text.py` for text and site names; this module reads the
page with them and re-exports their names (the API others import).
"""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pipelines.authors import (  # noqa: F401 - re-exported: pipelines.metadata is the API
    AGENCIES,
    DEGREES,
    DESK_WORDS,
    MAX_AUTHOR_LINKS,
    MAX_AUTHORS,
    MAX_NAME_CHARS,
    MAX_NAME_WORDS,
    ORG_NOUNS,
    PLACEHOLDER_NAMES,
    ROLE_NOUNS,
    ROLE_WORDS,
    agency_of,
    author_links,
    authored_work,
    clean_authors,
    fallback_byline,
    headline_element,
    is_agency,
    is_desk,
    is_organisation,
    jsonld_authors,
    meta_authors,
    shown_byline,
    split_byline,
)
from pipelines.dates import (  # noqa: F401 - re-exported: pipelines.metadata is the API
    DISAGREE_AFTER,
    EARLIEST,
    DateChoice,
    calendar_day,
    choose_date,
    dateline_date,
    day_first,
    modified_candidates,
    plausible,
    published_candidates,
    resolve_dates,
    settle_disagreement,
    url_date,
)
from pipelines.meta_text import (  # noqa: F401 - re-exported: pipelines.metadata is the API
    clean_text,
    domain_names,
    matches_site,
    meta_content,
    page_site_names,
    site_keys,
)
from pipelines.titles import (  # noqa: F401 - re-exported: pipelines.metadata is the API
    MAX_AFFIX_CHARS,
    MAX_HOME_LINKS,
    MAX_KICKER_WORDS,
    MAX_SUBHEADS,
    MIN_HEADLINE_CHARS,
    TITLE_ORDERS,
    TITLE_POLICIES,
    OutletTitles,
    TitleCandidates,
    TitlePolicy,
    affix_candidates,
    choose_title,
    drop_kicker,
    home_link_names,
    strip_site_name,
    subhead_part,
    title_affix_keys,
    title_candidates,
)


@dataclass
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    published_at: str | None = None  # ISO 8601, UTC
    modified_at: str | None = None
    date_disagreement: dict | None = None
    site_names: set[str] = field(default_factory=set)
    # what the JSON-LD, meta tags and author links declared when it named nobody (`fallback_byline`)
    declared_bylines: list[str] = field(default_factory=list)
    title_candidates: TitleCandidates | None = None


def page_metadata(root, objects: list[dict], article: dict | None, url: str, *,
                  outlet_names: Iterable[str] = (), timezone_name: str | None = None,
                  learned_titles: OutletTitles | None = None, fallback_authors: list[str] = (),
                  now: datetime | None = None) -> PageMetadata:
    """Title, authors and dates of an article page (see the module docstring).
    `fallback_authors` (e.g. trafilatura's) are used when the page's JSON-LD
    and meta tags name nobody."""
    names = page_site_names(root, objects, url, outlet_names)
    meta = PageMetadata(site_names=names)
    meta.title_candidates = title_candidates(root, article)
    meta.title = choose_title(meta.title_candidates, names | site_keys(home_link_names(root, url)), learned_titles)

    people, orgs = jsonld_authors(article or authored_work(objects), objects)
    agencies = []
    fallback = ["; ".join(fallback_authors)] if fallback_authors else []  # one byline, as printed
    # sources in the order trusted, each read only when the ones before name nobody
    sources = ((lambda: people, False), (lambda: meta_authors(root), False), (lambda: author_links(root), True),
               (lambda: fallback, False), (lambda: shown_byline(root, names), True))
    declared = False  # a declared byline naming a wire agency only: wire copy, no person to look for
    meta.declared_bylines = [o for o in orgs if isinstance(o, str)]
    for i, (source, handles) in enumerate(sources):
        if source is sources[-1][0] and declared:
            break
        raw = source()
        if i < 3:
            meta.declared_bylines.extend(r for r in raw if isinstance(r, str))
        found, agency = clean_authors(raw, names, orgs, handles)
        if agency and agency not in agencies:
            agencies.append(agency)
        if found:
            meta.authors = found
            break
        declared = declared or bool(agencies)
        orgs = ()
    meta.agency = agencies[0] if agencies else None

    language = root.get("lang") or (article or {}).get("inLanguage")
    language = language if isinstance(language, str) else None
    published = published_candidates(root, article, url)
    choice = choose_date(resolve_dates(published, timezone_name, language), now)
    if choice.value is None and (dateline := dateline_date(root, url, now)):
        choice = choose_date(resolve_dates([("dateline", dateline)], timezone_name), now)
    elif choice.rival is not None and (dateline := dateline_date(root, url, now)):
        # only pages whose sources disagree pay for the visible-date search
        choice = settle_disagreement(choice, calendar_day(dateline))
    meta.published_at = choice.value.isoformat() if choice.value else None
    meta.date_disagreement = choice.disagreement
    modified = choose_date(resolve_dates(modified_candidates(root, article), timezone_name, language), now)
    if modified.value is not None and (choice.value is None or modified.value >= choice.value):
        meta.modified_at = modified.value.isoformat()
    return meta


# -- language ---------------------------------------------------------------

def language_code(value: str | None) -> str | None:
    """'de-AT' -> 'de', 'en_GB' -> 'en'."""
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()[:3]
    return code if code.isalpha() else None
