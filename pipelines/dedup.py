"""Duplicate detection, pure logic: body fingerprints and MinHash sketches
(canonical URLs are in pipelines/urls.py).

No I/O here; `pipelines.dedup_store` holds the MongoDB lookups. Method and
measured figures: docs/dedup.md.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from itertools import islice

# --------------------------------------------------------------------------- bodies

_WS = re.compile(r"\s+")


def _strip_noise(ch: str) -> str:
    # Punctuation and symbols (P*, S*) become spaces: quotes, dashes, bullets differ per outlet.
    return " " if unicodedata.category(ch)[0] in "PS" else ch


class _NoiseTable(dict):
    """str.translate table computed lazily per code point: `_strip_noise`, cached."""

    def __missing__(self, code: int) -> int | str:
        value = _strip_noise(chr(code))
        self[code] = value = " " if value == " " and chr(code) != " " else code
        return value


_NOISE = _NoiseTable()


def normalize_body(text: str) -> str:
    """Casefold + NFKC, punctuation/symbols to spaces, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.translate(_NOISE)  # = "".join(_strip_noise(c) for c in text), per code point cached
    return _WS.sub(" ", text).strip()


def body_fingerprint(text: str) -> str:
    """Exact-duplicate key: blake2b-128 of the normalised body."""
    return hashlib.blake2b(normalize_body(text).encode("utf-8"), digest_size=16).hexdigest()


# Offer, consent, sign-in and legal furniture, in the languages of the corpus. A sentence
# matching any of these is dropped before hashing: different stories carrying the same
# paywall or cookie text must not look alike, and copies of one story lose the same lines.
_SITE_NOTICE = re.compile(
    r"""
    cookie | datenschutz | privacy | privacidad | confidentialit | prywatno
    | akzeptier | zustimm | einwillig | consent | accept | acept | j'accepte
    | personal\ data | persönlichen\ (?:daten|informationen) | datos\ personales
    | données\ personnelles | dane\ osobowe | kişisel\ veri
    | newsletter | boletín | boletin | bülten
    | subscri | abonn | suscri | abbonam | subskryp | prenumer | abone
    | regist | anmeld | einlogg | log\ ?in | sign\ ?(?:in|up) | zaloguj | inicia\ sesi | giriş\ yap
    | all\ rights\ reserved | alle\ rechte | derechos\ de\ autor | todos\ los\ derechos
    | tous\ droits | wszelkie\ prawa | tüm\ hakları | copyright | ©
    | javascript | adblock | werbeblocker | ad\ blocker | captcha | robot | \bip\b
    | click | klick | clic\b | haga\ clic | kliknij | tıkla | tap\ here
    | read\ more | weiterlesen | lesen\ sie\ auch | leer\ más | lire\ aussi | czytaj\ także
    | te\ puede\ interesar | mehr\ zum\ thema | related\ (?:articles|stories|news) | advertis | werbung | publicidad
    | follow\ us | folgen\ sie\ uns | síguenos | share\ this | \bteilen\b | compártelo
    | free\ trial | probeabo | per\ month | pro\ monat | al\ mes | /month | /week
    | حقوق | اشترك | النشرة
    """,
    # Matched against casefolded text: a lowercase pattern without IGNORECASE
    # is 4x faster, with the same verdict on every fundus sentence.
    re.VERBOSE,
)
# Sentence ends, including a glued ".Next" as scraped text often has.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|(?<=[a-zäöüß][.!?])(?=[A-ZÄÖÜ])|\n+")
MIN_SEGMENT_WORDS = 6      # shorter lines are labels, captions, buttons, headlines
MIN_CONTENT_TOKENS = 30    # below this there is too little story left to judge
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|\w+")


def _few_tokens(line: str) -> bool:
    """Fewer than MIN_SEGMENT_WORDS tokens (CJK: a character is a word); counting stops
    at the limit, where findall listed every word of every paragraph."""
    return sum(1 for _ in islice(_TOKEN.finditer(line), MIN_SEGMENT_WORDS)) < MIN_SEGMENT_WORDS


def content_segments(text: str) -> list[str]:
    """The story's sentences with furniture and short lines left out."""
    kept = []
    for line in (text or "").splitlines():
        if _few_tokens(line):
            continue
        segments = [seg for seg in _SENTENCE_BREAK.split(line) if seg]
        # Most lines hold no furniture: one search of the line settles all its sentences
        # (sentences end at punctuation or line ends, so their word boundaries are the line's).
        if not _SITE_NOTICE.search(line.casefold()):
            kept.extend(segments)
            continue
        kept.extend(seg for seg in segments if not _SITE_NOTICE.search(seg.casefold()))
    return kept


def content_tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize_body("\n".join(content_segments(text))))


# --------------------------------------------------------------------------- MinHash sketch
#
# Why MinHash and not a weighted SimHash: a syndicated copy (new headline, dateline,
# trimmed last paragraph, other outlet's tail) keeps 0.7-0.9 of the story's shingles,
# which moves a 64-bit SimHash by 4-20 bits while unrelated stories sit at 17+: no
# Hamming threshold with a pigeonhole band lookup separates them. MinHash LSH finds
# copies by Jaccard overlap directly. The API keeps the "simhash" names: the int64
# stored as `simhash` is a 1-bit-per-permutation MinHash sketch (b-bit minwise hashing),
# whose Hamming distance d estimates Jaccard as 1 - 2d/64.

SHINGLE = 3            # words per shingle
PERMUTATIONS = 64      # MinHash functions; one sketch bit each
LSH_BANDS = 16         # 16 bands x 4 rows: a pair becomes a candidate from Jaccard ~0.5 up
LSH_ROWS = PERMUTATIONS // LSH_BANDS
NEAR_DISTANCE = 20     # sketch distance for LSH candidates (Jaccard estimate >= 0.375)
EXACT_NEAR_DISTANCE = 3  # sketch distance accepted without LSH evidence (pigeonhole bands)
SKETCH_BANDS = 4
_INT64 = 1 << 64
_MERSENNE = (1 << 61) - 1


def _permutations(n: int) -> tuple[tuple[int, int], ...]:
    # Fixed, seedless coefficients so every process and every run agrees.
    out = []
    for i in range(n):
        d = hashlib.blake2b(f"newsdesk-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(d[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(d[8:], "big") % _MERSENNE
        out.append((a, b))
    return tuple(out)


_PERMS = _permutations(PERMUTATIONS)


def _h61(shingle: str) -> int:
    # Not cached: most shingles are new, and a 65k-entry cache cost ~14 MB and
    # more time in lookups than it saved (1.5 vs 1.2 ms per fundus body).
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big") % _MERSENNE


def _informative(tok: str) -> bool:
    # Function words carry no story; a shingle of only short words is shared by everything.
    return len(tok) >= 4 or tok.isdigit() or (len(tok) == 1 and ord(tok) >= 0x3040)


def shingles(tokens: list[str]) -> set[int]:
    """Hashed word 3-grams that contain at least one informative word."""
    informative = [_informative(t) for t in tokens]
    grams = {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)
             if any(informative[i : i + SHINGLE])}
    return {_h61(gram) for gram in grams}  # each distinct gram hashed once


def has_content(text: str) -> bool:
    """Enough story left after furniture removal to say anything about duplicates."""
    return len(content_tokens(text)) >= MIN_CONTENT_TOKENS


def minhash_signature(text: str) -> tuple[int, ...]:
    """PERMUTATIONS minimum hashes of the content shingles; () when too little content."""
    tokens = content_tokens(text)
    if len(tokens) < MIN_CONTENT_TOKENS:
        return ()
    xs = shingles(tokens)
    if not xs:
        return ()
    if _np is not None and len(xs) >= 16:
        return _minhash_np(xs)
    p = _MERSENNE
    return tuple(min([(a * x + b) % p for x in xs]) for a, b in _PERMS)


try:  # optional: the same minima, vectorised (about 10x faster on an article)
    import numpy as _np
except ImportError:  # pragma: no cover - numpy absent: the pure-Python loop above
    _np = None
else:
    _LOW31 = (1 << 31) - 1
    _A = _np.array([a for a, _ in _PERMS], dtype=_np.uint64)[:, None]
    _A_HI, _A_LO = _A >> _np.uint64(31), _A & _np.uint64(_LOW31)
    _B = _np.array([b for _, b in _PERMS], dtype=_np.uint64)[:, None]


def _mod61(v, tmp):
    """v mod 2**61-1 for uint64 arrays (v < 2**64), in place (`tmp`: scratch of v's shape):
    fold the high bits twice, then one subtraction."""
    p = _np.uint64(_MERSENNE)
    for _ in range(2):
        _np.right_shift(v, _np.uint64(61), out=tmp)
        v &= p
        v += tmp
    _np.subtract(v, p, out=v, where=v >= p)
    return v


def _minhash_np(xs: set[int]) -> tuple[int, ...]:
    """(a*x + b) mod 2**61-1 exactly in uint64: a, x < 2**61 split into 30/31-bit halves,
    2**61 = 1 and 2**62 = 2 (mod p), so no partial sum exceeds 2**64.
    In place on three 64 x n arrays: the temporaries of each step cost more than the
    arithmetic (0.9 -> 0.4 ms a fundus body, same minima)."""
    x = _np.fromiter(xs, dtype=_np.uint64, count=len(xs))[None, :]
    x_hi, x_lo = x >> _np.uint64(31), x & _np.uint64(_LOW31)
    acc = _A_HI * x_hi                     # hi: < 2**60, weight 2**62 = 2 (mod p)
    acc <<= _np.uint64(1)
    mid = _A_HI * x_lo                     # mid: < 2**62, weight 2**31
    tmp = _A_LO * x_hi
    mid += tmp
    _np.multiply(_A_LO, x_lo, out=tmp)     # lo: < 2**62
    acc += tmp
    # mid * 2**31 = (mid >> 30) * 2**61 + (mid & (2**30-1)) * 2**31 = (mid >> 30) + (...) << 31 (mod p)
    _np.right_shift(mid, _np.uint64(30), out=tmp)
    mid &= _np.uint64((1 << 30) - 1)
    mid <<= _np.uint64(31)
    acc += mid
    acc += tmp                             # < 2**61 + 2**61 + 2**32 + 2**62 < 2**64
    _mod61(acc, tmp)
    acc += _B
    return tuple(int(m) for m in _mod61(acc, tmp).min(axis=1))


def _to_signed(value: int) -> int:
    value &= _INT64 - 1
    return value - _INT64 if value >= 1 << 63 else value


def sketch(signature: tuple[int, ...]) -> int:
    """The low bit of each minimum hash, packed into a signed int64 (BSON int64)."""
    value = 0
    for i, m in enumerate(signature[:64]):
        value |= (m & 1) << i
    return _to_signed(value)


def simhash64(text: str) -> int:
    """64-bit similarity sketch of the body as a signed int64; 0 when too little content.

    Named for the API; it is a 1-bit MinHash sketch (see module notes above)."""
    return sketch(minhash_signature(text))


def simhash_bands(value: int, bands: int = SKETCH_BANDS) -> list[str]:
    """Keys "s<i>:<hex>" of `bands` slices of a 64-bit sketch: two sketches within
    bands-1 bits share at least one slice (pigeonhole), so one indexed $in finds them."""
    if not 1 <= bands <= 64:
        raise ValueError("bands must be between 1 and 64")
    unsigned = value & (_INT64 - 1)
    width, keys, start = 64 // bands, [], 0
    for i in range(bands):
        size = width + (1 if i < 64 % bands else 0)
        keys.append(f"s{i}:{(unsigned >> start) & ((1 << size) - 1):x}")
        start += size
    return keys


def lsh_bands(signature: tuple[int, ...]) -> list[str]:
    """MinHash LSH keys "m<i>:<hex>": band i = rows i*R..i*R+R-1 hashed together.
    P(share a band) = 1 - (1 - J^R)^B: ~0.98 at Jaccard 0.7, ~0.01 at 0.15."""
    if not signature:
        return []
    keys = []
    for i in range(LSH_BANDS):
        rows = signature[i * LSH_ROWS : (i + 1) * LSH_ROWS]
        digest = hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()
        keys.append(f"m{i}:{digest}")
    return keys


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & (_INT64 - 1)).bit_count()


def similarity_keys(text: str) -> tuple[int, list[str]]:
    """(sketch, band keys) to store and to look up: sketch slices + MinHash LSH bands."""
    sig = minhash_signature(text)
    if not sig:
        return 0, []
    value = sketch(sig)
    return value, simhash_bands(value) + lsh_bands(sig)


def is_near(distance: int, shares_lsh_band: bool) -> bool:
    """The near-duplicate rule, shared by `same_story` and the MongoDB lookup.

    Sharing an LSH band is strong evidence (4 equal minimum hashes), so the sketch
    only has to confirm the overlap; without it only a near-identical sketch counts."""
    return distance <= (NEAR_DISTANCE if shares_lsh_band else EXACT_NEAR_DISTANCE)


def keys_match(a: tuple[int, list[str]], b: tuple[int, list[str]]) -> tuple[bool, int]:
    """(near?, sketch distance) for two `similarity_keys` results: the rule of `is_near`."""
    (a_value, a_keys), (b_value, b_keys) = a, b
    if not (a_keys and b_keys):
        return False, 64
    distance = hamming(a_value, b_value)
    shared_lsh = any(k.startswith("m") for k in set(a_keys) & set(b_keys))
    return is_near(distance, shared_lsh), distance


def same_story(a_text: str, b_text: str) -> bool:
    """Is b a copy of a (syndicated, re-templated, trimmed)? The benchmark's decision,
    and the same rule `dedup_store.find_duplicate` applies to stored candidates."""
    return keys_match(similarity_keys(a_text), similarity_keys(b_text))[0]
