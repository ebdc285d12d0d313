"""Canonical article URLs: one key per article whatever variant of its URL was followed.

Tracking parameters, AMP and mobile mirrors, default ports and the page's own
declared canonical are folded here (w3lib does the generic part). Used by
normalisation, the spider (links are requested in canonical form) and the
known-article filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize
from w3lib.url import url_query_cleaner

# Query keys that only say where a click came from; never part of the article's identity.
TRACKING_PARAMS: frozenset[str] = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "mc_cid", "mc_eid", "ocid", "cmpid", "cmp", "igshid", "igsh", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "ref_src", "ref_url", "smid", "smtyp", "xtor", "ito", "ncid", "sr_share", "spm",
    "guccounter", "guce_referrer", "guce_referrer_sig", "soc_src", "soc_trk", "wt.mc_id",
    "wt_mc", "wtmc", "s_cid", "icid", "int_cmp", "cid_source", "__twitter_impression",
    "share", "shared", "via", "rss", "feature", "partner", "taid",
})
# Key prefixes of analytics suites (Google, AT Internet, comScore, Piwik/Matomo, HubSpot).
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "wt.", "oly_")
# Query flags that select the AMP rendering of the same article.
_AMP_PARAMS = {"amp": {"", "1", "true", "yes"}, "outputtype": {"amp"}, "output": {"amp"}}
# Host labels of mobile / AMP mirrors, folded into the desktop host.
_MIRROR_LABELS = ("m", "mobile", "amp", "mobil")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str, value: str) -> bool:
    k = key.lower()
    if k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES):
        return True
    return value.lower() in _AMP_PARAMS.get(k, ())


def _host_matches(host: str, domain: str) -> bool:
    domain = domain.lower().strip().lstrip(".")
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _fold_mirror_host(host: str, domains: tuple[str, ...]) -> str:
    """m.example.com / amp.example.com -> www.example.com or example.com.

    Why deterministic and not guessed per request: the canonical URL is a key.
    An outlet domain written with "www." selects www, one written bare selects
    the bare host when it equals what is left; otherwise a registrable domain
    gets "www." (the common convention) and a deeper host stays bare."""
    labels = host.split(".")
    if len(labels) < 3 or labels[0] not in _MIRROR_LABELS:
        return host
    rest = ".".join(labels[1:])
    wanted = {d.lower().strip().lstrip(".") for d in domains}
    if "www." + rest in wanted:
        return "www." + rest
    if rest in wanted:
        return rest
    return "www." + rest if len(labels) == 3 or _is_registrable(rest) else rest


# Second-level labels under which a country TLD registers names (bbc.co.uk, abc.net.au).
_SLD = {"co", "com", "net", "org", "gov", "ac", "edu", "or", "ne", "go", "gob", "nic"}


def _is_registrable(host: str) -> bool:
    labels = host.split(".")
    return len(labels) == 3 and labels[1] in _SLD and len(labels[2]) == 2


def _fold_amp_path(path: str) -> str:
    # /amp, /amp/ at the end; /amp/ at the start; foo.amp.html -> foo.html; foo.amp -> foo.
    while True:
        before = path
        lowered = path.lower()
        if lowered.endswith("/amp") or lowered.endswith("/amp/"):
            path = path[: lowered.rfind("/amp")] or "/"
        elif lowered.startswith("/amp/"):
            path = path[4:]
        elif lowered.endswith(".amp.html"):
            path = path[: -len(".amp.html")] + ".html"
        elif lowered.endswith(".amp"):
            path = path[: -len(".amp")]
        if path == before:
            return path


def _canonicalize_once(url: str, domains: tuple[str, ...]) -> str:
    # w3lib: lowercase scheme and host, IDNA, percent-encoding normalised, query sorted,
    # fragment dropped. We add what it leaves: ports, mirrors, AMP, tracking, slashes.
    first = urlsplit(url)
    if first.scheme.lower() not in _DEFAULT_PORTS or not first.hostname:
        return url  # not a web URL: junk is returned as given
    url = _w3lib_canonicalize(url, keep_fragments=False)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return url
    host = _fold_mirror_host(host, domains)
    netloc = f"[{host}]" if ":" in host else host
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{parts.port}"
    path = _fold_amp_path(parts.path or "/")
    path = path.rstrip("/") or "/"  # trailing slash folded, root kept
    query = parts.query
    if query:
        drop = [k for k, v in parse_qsl(query, keep_blank_values=True) if _is_tracking(k, v)]
        if drop:
            query = urlsplit(url_query_cleaner(url, drop, remove=True, unique=False)).query
    return urlunsplit((scheme, netloc, path, query, ""))


def _declared_target(url: str, declared: str | None, domains: tuple[str, ...]) -> str | None:
    """The page's own canonical (rel=canonical / og:url), if it is trustworthy.

    Why only on the outlet's domains: syndicated copies often declare the
    originating outlet's URL; taking it would overwrite that outlet's article."""
    if not declared or not declared.strip():
        return None
    target = urljoin(url, declared.strip())  # relative canonicals exist in the wild
    host = (urlsplit(target).hostname or "").lower().rstrip(".")
    if not host or urlsplit(target).scheme.lower() not in _DEFAULT_PORTS:
        return None
    allowed = domains or (_site_of((urlsplit(url).hostname or "").lower()),)
    return target if any(_host_matches(host, d) for d in allowed) else None


def _site_of(host: str) -> str:
    # Without outlet domains, "same site" means the same registrable domain.
    labels = host.rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and _is_registrable(".".join(labels[-3:])) else 2
    return ".".join(labels[-keep:])


def canonicalize_url(url: str, *, declared: str | None = None, domains: Iterable[str] = ()) -> str:
    """One key per article whatever variant of its URL was followed.

    Never raises: junk comes back stripped. Idempotent by construction (the
    single pass is applied until it no longer changes the URL)."""
    raw = url.strip() if isinstance(url, str) else ""
    try:
        doms = tuple(d for d in domains if d and d.strip())
        current = _declared_target(raw, declared, doms) or raw
        if not current:
            return raw
        for _ in range(4):
            nxt = _canonicalize_once(current, doms)
            if nxt == current:
                break
            current = nxt
        return current
    except Exception:  # noqa: BLE001 - URLs from the wild: any parse failure means "keep as is"
        return raw
