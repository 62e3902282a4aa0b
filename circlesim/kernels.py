"""Compiled building blocks: random numbers, the lazy market's person streams, a people table.

Everything here is a small ``numba`` function compiled once and cached on disk
(``cache=True``; numba falls back to a per-user cache directory when the package directory is
read-only, and ``NUMBA_CACHE_DIR`` overrides both). No function uses numba's global random
state: randomness comes from a **state array** owned by one model (``rs``, one ``uint64``, a
SplitMix64 stream, Steele, Lea & Flood 2014), so two models stepping interleaved in one
process stay independent and the same seed gives the same run. A market person's stream is
keyed by (market seed, person id) with the same mixing function (a counter-based generator), so
a person's interest and friend list do not depend on the order in which people are touched
(docs/odd.md §2, "Market").

The rules themselves, each named after its mechanism with its equation, are in ``rules.py``.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from pathlib import Path

import numpy as np
from numba import config as numba_config
from numba import njit

__all__ = [
    "uniform", "normal", "poisson", "laplace", "ndtri", "gaussian_match", "circular_distance1",
    "seed_state", "person_key", "EMPTY", "MEMBER", "FORMER", "EXPOSED", "FLAG_BITS",
    "table_get", "table_or", "table_clear", "table_rehash", "PeopleTable", "argsort_stable",
    "sorted_copy", "sorted_counts", "power", "cache_dir", "sources_digest", "engine_compiled",
]

#: Compiled building blocks called only from other compiled functions: no Python entry point
#: and no disk cache of their own (their code is inlined into, and cached with, each caller),
#: which shortens the first compile.
helper = njit(no_cpython_wrapper=True, no_cfunc_wrapper=True)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0


@helper
def power(x, n):
    """``x ** n`` for a float ``x`` and a whole ``n >= 0``, by repeated squaring.

    This is the sequence of multiplications numba compiles for ``float ** int`` (and for
    ``x ** 2``: ``x * x``), written out so that the rules give the same bits when they run
    uncompiled (``NUMBA_DISABLE_JIT``, see ``circlesim.warmup``), where ``**`` would call the C
    library's ``pow`` and differ in the last bit.
    """
    if n > 0x10000:  # numba's cutoff, past which it calls pow too
        return math.pow(x, float(n))
    r = 1.0
    while n != 0:
        if n & 1:
            r *= x
        n >>= 1
        x *= x
    return r


@helper
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@helper
def next_u64(rs):
    """Advance the SplitMix64 state ``rs[0]`` and return the next 64 random bits."""
    rs[0] += _GOLDEN
    return _mix(rs[0])


@helper
def uniform(rs):
    """A uniform number in [0, 1) from the stream ``rs``."""
    return float(next_u64(rs) >> _S11) * _TWO53


@helper
def uniform_open(rs):
    """A uniform number in (0, 1) from the stream ``rs``."""
    return (float(next_u64(rs) >> _S11) + 0.5) * _TWO53


@helper
def stream_uniform(key, k):
    """The ``k``-th number (k = 1, 2, ...) :func:`uniform` draws from a stream started at
    state ``key``, computed directly (a counter-based draw: no state array to allocate)."""
    return float(_mix(key + np.uint64(k) * _GOLDEN) >> _S11) * _TWO53


@helper
def stream_uniform_open(key, k):
    """The ``k``-th number :func:`uniform_open` draws from a stream started at ``key``."""
    return (float(_mix(key + np.uint64(k) * _GOLDEN) >> _S11) + 0.5) * _TWO53


if numba_config.DISABLE_JIT:
    # Run as plain Python (``NUMBA_DISABLE_JIT=1``: the uncompiled engine of a first run, see
    # ``circlesim.warmup``), the stream's mixing and stepping are computed on Python integers:
    # arithmetic modulo 2**64, exact, so the same bits as compiled code, and faster than
    # numpy's uint64 scalars, which also warn at every wrap (an uncompiled baseline run took
    # 3.9 s with them, 1.5-1.7 s now). The other uint64 arithmetic here wraps the same way, as
    # SplitMix64 means it to: its warnings are silenced.
    warnings.filterwarnings("ignore", message="overflow encountered in scalar",
                            category=RuntimeWarning, module=r"circlesim\.kernels")
    _MASK64 = (1 << 64) - 1
    _GOLDEN_INT, _M1_INT, _M2_INT = int(_GOLDEN), int(_M1), int(_M2)

    def _mix(z):  # noqa: F811 - the same function, uncompiled
        z = int(z)
        z = ((z ^ (z >> 30)) * _M1_INT) & _MASK64
        z = ((z ^ (z >> 27)) * _M2_INT) & _MASK64
        return np.uint64(z ^ (z >> 31))

    def next_u64(rs):  # noqa: F811
        rs[0] = (int(rs[0]) + _GOLDEN_INT) & _MASK64
        return _mix(rs[0])


@helper
def normal(rs, mean, sd):
    """Normal(mean, sd) by the Box-Muller transform."""
    u1 = uniform_open(rs)
    u2 = uniform(rs)
    return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@helper
def poisson(rs, lam):
    """Poisson(lam): multiplication method below 10, PTRS above (Hoermann 1993)."""
    if lam <= 0.0:
        return 0
    if lam < 10.0:
        limit = math.exp(-lam)
        k = 0
        prod = uniform(rs)
        while prod > limit:
            k += 1
            prod *= uniform(rs)
        return k
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2.0)
    while True:
        u = uniform(rs) - 0.5
        v = uniform(rs)
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return int(k)
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                <= -lam + k * loglam - math.lgamma(k + 1.0)):
            return int(k)


@helper
def binomial_small(rs, n, p):
    """Binomial(n, p) as n Bernoulli trials (n is small wherever this is used)."""
    if p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    k = 0
    for _ in range(n):
        if uniform(rs) < p:
            k += 1
    return k


@helper
def gamma(rs, shape):
    """Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000)."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(rs, 0.0, 1.0)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = uniform_open(rs)
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return d * v


@helper
def binomial(rs, n, p):
    """Binomial(n, p), exact for any ``n``: inversion when ``n p < 20``; otherwise Knuth's
    recursion on order statistics (the ``a``-th smallest of ``n`` uniforms is
    Beta(a, n + 1 - a)) down to 32 trials, then Bernoulli trials (TAOCP vol. 2, 3.4.1)."""
    k = 0
    n = np.int64(n)
    if p <= 0.0 or n <= 0:
        return 0
    if p >= 1.0:
        return n
    if n * p < 20.0 and n > 32:  # inversion: walk the CDF from 0 (about n p steps)
        u = uniform(rs)
        prob = math.exp(n * math.log1p(-p))
        ratio = p / (1.0 - p)
        cdf = prob
        while u > cdf and k < n:
            prob *= (n - k) / (k + 1.0) * ratio
            k += 1
            cdf += prob
            if prob < 1e-300 and cdf > 1.0 - 1e-15:
                break
        return k
    while n > 32 and p > 0.0 and p < 1.0:
        a = 1 + n // 2
        b = n + 1 - a
        ga = gamma(rs, float(a))
        x = ga / (ga + gamma(rs, float(b)))
        if x >= p:
            n = a - 1
            p = p / x
        else:
            k += a
            n = b - 1
            p = (p - x) / (1.0 - x)
    return k + binomial_small(rs, n, p)


@helper
def laplace(u, scale):
    """Laplace(0, scale) from one uniform ``u`` in (0, 1) (inverse CDF)."""
    if u < 0.5:
        return scale * math.log(2.0 * u)
    return -scale * math.log(2.0 * (1.0 - u))


@helper
def ndtri(p):
    """Inverse of the standard normal CDF (Acklam's rational approximation, relative error
    below 1.2e-9 on (0, 1))."""
    a1, a2, a3 = -3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02
    a4, a5, a6 = 1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00
    b1, b2, b3 = -5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02
    b4, b5 = 6.680131188771972e01, -1.328068155288572e01
    c1, c2, c3 = -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00
    c4, c5, c6 = -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00
    d1, d2, d3, d4 = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, \
        3.754408661907416e00
    plow = 0.02425
    if p < plow:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / \
            ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0)
    elif p <= 1.0 - plow:
        q = p - 0.5
        r = q * q
        x = (((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q / \
            (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1.0)
    else:
        q = math.sqrt(-2.0 * math.log(1.0 - p))
        x = -(((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / \
            ((((d1 * q + d2) * q + d3) * q + d4) * q + 1.0)
    return x


@helper
def circular_distance1(a, b):
    """Distance of two interests on the topic circle of circumference 1 (scalars)."""
    d = abs(a - b)
    if d >= 1.0:  # (interests are in [0, 1): the floating modulo, slow, is rarely needed)
        d = d % 1.0
    return min(d, 1.0 - d)


@helper
def gaussian_match(a, b, width):
    """``exp(-d^2 / (2 w^2))``, ``d`` the circular distance: the one Gaussian of interest
    match (a person and the niche) and topic relevance (a reader and a post)."""
    d = circular_distance1(a, b) / width
    return math.exp(-0.5 * d * d)


@helper
def argsort_stable(keys):
    """Positions that sort the float ``keys`` ascending, equal keys in their original order
    (numpy's ``argsort(kind="stable")``): insertion sort of runs of 16, then bottom-up merges.

    The one sort of the compiled code (integer keys are passed as floats, exact below 2^53):
    numba's own sorts are compiled anew for every key type and are a large part of a cold
    start.
    """
    n = keys.shape[0]
    src = np.empty(n, dtype=np.int64)
    for i in range(n):
        src[i] = i
    run = 16
    for lo in range(0, n, run):
        hi = min(lo + run, n)
        for i in range(lo + 1, hi):
            v = src[i]
            j = i - 1
            while j >= lo and keys[src[j]] > keys[v]:
                src[j + 1] = src[j]
                j -= 1
            src[j + 1] = v
    if n <= run:
        return src
    dst = np.empty(n, dtype=np.int64)
    width = run
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if keys[src[j]] < keys[src[i]]:
                    dst[k] = src[j]
                    j += 1
                else:
                    dst[k] = src[i]
                    i += 1
                k += 1
            while i < mid:
                dst[k] = src[i]
                i += 1
                k += 1
            while j < hi:
                dst[k] = src[j]
                j += 1
                k += 1
        src, dst = dst, src
        width *= 2
    return src


@helper
def sorted_copy(x):
    """The values ``x`` as floats, sorted ascending (a new array), by :func:`argsort_stable`
    (the one sort of the compiled code)."""
    n = x.shape[0]
    values = np.empty(n, dtype=np.float64)
    for i in range(n):
        values[i] = x[i]
    order = argsort_stable(values)
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        out[i] = values[order[i]]
    return out


@helper
def sorted_counts(x):
    """The whole numbers ``x`` (floats >= 0, e.g. post counts) sorted ascending (a new array):
    a counting sort when the largest is small against their number (equal values are equal,
    so the result is the same as :func:`sorted_copy`'s), :func:`sorted_copy` otherwise."""
    n = x.shape[0]
    top = 0.0
    for i in range(n):
        top = max(top, x[i])
    if top > 4 * n + 1024:
        return sorted_copy(x)
    counts = np.zeros(int(top) + 1, dtype=np.int64)
    for i in range(n):
        counts[int(x[i])] += 1
    out = np.empty(n, dtype=np.float64)
    k = 0
    for v in range(counts.shape[0]):
        for _ in range(counts[v]):
            out[k] = v
            k += 1
    return out


def seed_state(rng: np.random.Generator) -> np.ndarray:
    """A fresh stream state (one ``uint64``) drawn from a numpy Generator."""
    return rng.integers(0, 2**63, size=1, dtype=np.int64).astype(np.uint64)


@helper
def person_key(seed, person, stream):
    """Start of person ``person``'s stream number ``stream`` in the market keyed by ``seed``."""
    z = _mix(np.uint64(seed) ^ _mix(np.uint64(person) * _GOLDEN + np.uint64(stream)))
    return z


# ---------------------------------------------------------------- the table of touched people
#: Flags kept per touched person (the low ``FLAG_BITS`` bits of the person's slot).
EMPTY = -1
MEMBER = 1   # a member now
FORMER = 2   # was a member (people do not rejoin)
EXPOSED = 4  # reached at least once by a share or a paid exposure
#: A slot holds ``person << FLAG_BITS | flags`` (or ``EMPTY``): the id and its flags in one
#: word, so that a lookup touches one cache line, not one in a key array and one in a flag
#: array (at 10,000 members the table holds about a million people, far beyond the cache; in
#: a micro-benchmark of such a table a lookup took about three times as long with the flags
#: apart). Person ids are below 2**60.
FLAG_BITS = 3
_FLAG_MASK = (1 << FLAG_BITS) - 1


@helper
def _slot(slots, key):
    """Index of ``key``'s slot, or of the empty slot where it would go (linear probing)."""
    mask = slots.shape[0] - 1
    h = np.int64(_mix(np.uint64(key)) & np.uint64(mask))
    while True:
        v = slots[h]
        if v == EMPTY or (v >> FLAG_BITS) == key:
            return h
        h = (h + 1) & mask


@helper
def table_get(slots, key):
    """Flags of ``key`` (0 if it was never touched)."""
    v = slots[_slot(slots, key)]
    return 0 if v == EMPTY else v & _FLAG_MASK


@helper
def table_or(slots, count, key, bits):
    """Set ``bits`` on ``key`` (inserting it); return the flags it had before.
    ``count[0]`` counts keys; the caller keeps the load at most one half."""
    h = _slot(slots, key)
    v = slots[h]
    if v == EMPTY:
        slots[h] = (key << FLAG_BITS) | bits
        count[0] += 1
        return 0
    slots[h] = v | bits
    return v & _FLAG_MASK


@helper
def table_clear(slots, key, bits):
    """Clear ``bits`` on ``key`` (if it was touched)."""
    h = _slot(slots, key)
    v = slots[h]
    if v != EMPTY:
        slots[h] = v & ~np.int64(bits)


@njit(cache=True)
def table_rehash(slots, new_slots):
    for i in range(slots.shape[0]):
        v = slots[i]
        if v != EMPTY:
            new_slots[_slot(new_slots, v >> FLAG_BITS)] = v


class PeopleTable:
    """Flags (member, former member, exposed) of the market people touched so far.

    An open-addressing hash table over person ids, each slot the id and its flags in one
    ``int64`` (:data:`FLAG_BITS`): its size grows with the people touched, not with the
    market (8 bytes a slot at a load of at most one half: 16 to 32 bytes per touched person
    once the table has grown).
    """

    def __init__(self, capacity: int = 1024):
        cap = 1 << max(10, int(capacity - 1).bit_length())
        self.slots = np.full(cap, EMPTY, dtype=np.int64)
        self.count = np.zeros(1, dtype=np.int64)

    def reserve(self, extra: int) -> None:
        """Make room for ``extra`` more people (load at most one half)."""
        need = self.count.item() + int(extra)
        cap = self.slots.shape[0]
        if 2 * need <= cap:
            return
        while 2 * need > cap:
            cap *= 2
        slots = np.full(cap, EMPTY, dtype=np.int64)
        table_rehash(self.slots, slots)
        self.slots = slots

    def get(self, people: np.ndarray) -> np.ndarray:
        return _table_get_many(self.slots, np.asarray(people, dtype=np.int64))

    def set(self, people: np.ndarray, bits: int) -> None:
        people = np.asarray(people, dtype=np.int64)
        self.reserve(people.size)
        _table_or_many(self.slots, self.count, people, int(bits))

    def clear(self, people: np.ndarray, bits: int) -> None:
        people = np.asarray(people, dtype=np.int64)
        _table_clear_many(self.slots, people, int(bits))

    @property
    def nbytes(self) -> int:
        return self.slots.nbytes


@njit(cache=True)
def _table_get_many(slots, people):
    out = np.zeros(people.shape[0], dtype=np.uint8)
    for i in range(people.shape[0]):
        out[i] = table_get(slots, people[i])
    return out


@njit(cache=True)
def _table_or_many(slots, count, people, bits):
    for i in range(people.shape[0]):
        table_or(slots, count, people[i], bits)


@njit(cache=True)
def _table_clear_many(slots, people, bits):
    for i in range(people.shape[0]):
        table_clear(slots, people[i], bits)


# ---------------------------------------------------------------- the disk cache
#: Modules whose compiled functions call each other (their machine code is inlined into the
#: callers' cached code).
COMPILED_MODULES = ("kernels", "market", "metrics", "rules", "state", "outputs", "day")


def cache_dir() -> Path | None:
    """The folder where numba keeps circlesim's compiled code (``None`` with caching off, or
    when the engine runs uncompiled under ``NUMBA_DISABLE_JIT``)."""
    try:
        return Path(table_rehash._cache._cache_path)
    except AttributeError:
        return None


def sources_digest() -> str:
    """A digest of the source of every compiled module (:data:`COMPILED_MODULES`)."""
    here = Path(__file__).parent
    digest = hashlib.sha1()
    for name in COMPILED_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def drop_stale_compiled_code() -> None:
    """Clear circlesim's cached machine code when any compiled module's source changed.

    numba checks a cached function only against its own source file, not against the files of
    the functions it calls and inlines: after an edit of ``kernels.py`` (or a ``git pull``),
    ``rules.py`` would run with the old random streams. A digest of all compiled modules is kept
    beside the cache; on a mismatch circlesim's cache files are removed (compiled again on first
    use). Runs once, on import, before any compiled function is loaded.
    """
    cache = cache_dir()
    if cache is None:  # pragma: no cover - caching off
        return
    want = sources_digest()
    stamp = cache / "circlesim-sources.sha1"
    try:
        if stamp.read_text() == want:
            return
    except OSError:
        pass
    prefixes = tuple(f"{name}." for name in COMPILED_MODULES)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        for path in cache.iterdir():
            if path.suffix in (".nbi", ".nbc") and path.name.startswith(prefixes):
                path.unlink(missing_ok=True)
        stamp.write_text(want)
    except OSError:  # a read-only or vanished cache: numba copes (compiles in memory)
        pass


drop_stale_compiled_code()


def engine_compiled() -> bool:
    """Whether the compiled day (``day.whole_day``) is in numba's disk cache, so that a run
    starts in about a second; ``False`` when the next run compiles the engine first (tens of
    seconds, once: on a fresh install, or after an edit or an upgrade of a compiled module)."""
    cache = cache_dir()
    if cache is None:  # caching off, or running uncompiled: nothing to compile first
        return True
    return any(cache.glob("day.whole_day-*.nbi"))
