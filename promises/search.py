"""Search over promises, indicators, sources and the public log: one normalisation for the stored texts and for
the queries, a small synonym list, and one rule for matching words (used by `/cari/` and `/janji/?q=`).

**Normalised text.** Case and accents folded, Indonesian thousands separators dropped between digits (`1.347`,
`1,347` and `1347` are one word; `Rp7,5` stays two), then the words (letters and digits) joined by single
spaces, with a space before the first and after the last. Each model stores it in `search_text` (its `save()`
fills it from `index_text()`).

**Matching rule.** Every query word (or synonym phrase) must match; a word of the query that is a word of the
corpus matches that whole word only ("beras" finds "beras", never "berasal"; "RT" never matches inside "PPPK");
a word the corpus does not have, of three letters or more, matches the words it begins, so a word cut short or
still being typed finds its longer forms ("sampa" → "sampah"). Whether the corpus has a word, or a word that
begins with it, is asked of the database for the query's words only (`_word_flags()`, one query through the
GIN index, none for a query made only of synonyms); the whole vocabulary (`stored_corpus_words()`) is needed only to
suggest a word for one that matches nothing, and is read once per data version (it grows with the corpus:
reading and splitting every stored text took about 50 ms at 100x).

**Synonyms.** `EQUIVALENT` phrases are searched for one another both ways; `ALSO` widens a word one way only
("sekolah" also finds "siswa", but "siswa" does not find every "sekolah"). The English words are there for the
English interface, whose content stays Indonesian; none of them is an Indonesian word, so they apply in both.

**Backends.** PostgreSQL matches with `search_vector @@ to_tsquery('simple', …)`, where `search_vector` is
`to_tsvector('simple', search_text)` stored with the row (migration 0019) and GIN-indexed; SQLite looks for
" word " (whole word) or " word" (word start) in the padded text. The 'simple' parser reads each stored word as
one token, so both give the same rows.
"""

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from django.db.models import Expression, Q

from . import cache as data_version

THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MIN_PREFIX = 3  # a shorter unknown word matches nothing rather than half the corpus
SUGGEST_CUTOFF = 0.75  # difflib ratio: "sampha" → "sampah" is 0.83, "kontener" → "kontainer" 0.82

EQUIVALENT = [
    ("tempat sampah", "tong sampah", "bak sampah", "wadah sampah", "kontainer", "container", "bins"),
    ("sampah", "waste", "garbage", "trash", "rubbish"),
    ("pdam", "perumda air minum"),
    ("air bersih", "clean water"),
    ("beras", "rice"),
    ("beasiswa", "pip", "program indonesia pintar", "scholarship", "scholarships"),
    ("jkn", "bpjs", "bpjs kesehatan", "uhc", "jaminan kesehatan", "health insurance"),
]
ALSO = {
    "sekolah": ("siswa", "murid", "pelajar"),
    "school": ("sekolah", "siswa", "murid", "pelajar"),
}


def fold(text: str) -> str:
    """Lower-case text without accents, so a search for "pojok aduan" finds "Pojok Aduan" and "é" finds "e"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The normalised words of a text: folded, thousands separators dropped, split at everything else."""
    return WORD.findall(THOUSANDS.sub("", fold(text)))


def index_text(*parts: str) -> str:
    """What a model stores in `search_text`: the words of all parts, padded with a space on each side."""
    found = words(" ".join(str(part) for part in parts if part))
    return f" {' '.join(found)} " if found else ""


def _phrases() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Each synonym phrase (as words) → every phrase it also searches for, itself first."""
    expansions: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for group in EQUIVALENT:
        phrases = [tuple(words(phrase)) for phrase in group]
        for phrase in phrases:
            expansions.setdefault(phrase, [phrase])
            expansions[phrase] += [other for other in phrases if other not in expansions[phrase]]
    for word, also in ALSO.items():
        key = tuple(words(word))
        expansions.setdefault(key, [key])
        for extra in (tuple(words(phrase)) for phrase in also):
            for alternative in expansions.get(extra, [extra]):
                if alternative not in expansions[key]:
                    expansions[key].append(alternative)
    return {key: tuple(value) for key, value in expansions.items()}


PHRASES = _phrases()
LONGEST_PHRASE = max(len(phrase) for phrase in PHRASES)
SYNONYM_WORDS = frozenset(word for phrase in PHRASES for word in phrase)


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match; a group matches when one of its alternatives does, and an
    alternative when all its terms do."""

    text: str
    groups: tuple[tuple[tuple[Term, ...], ...], ...]
    suggestion: str = ""

    def __bool__(self) -> bool:
        return bool(self.groups)

    def tsquery(self) -> str:
        """The query in PostgreSQL's to_tsquery syntax (words are letters and digits only: nothing to escape)."""

        def term(t: Term) -> str:
            return f"'{t.word}'" + (":*" if t.prefix else "")

        def alternative(terms) -> str:
            return "(" + " & ".join(term(t) for t in terms) + ")"

        return " & ".join("(" + " | ".join(alternative(a) for a in group) + ")" for group in self.groups)

    def contains_q(self, field: str = "search_text") -> Q:
        """The same match as a filter on the padded text: " word " for a whole word, " word" for a word start."""
        result = Q()
        for group in self.groups:
            either = Q()
            for terms in group:
                both = Q()
                for t in terms:
                    both &= Q(**{f"{field}__contains": f" {t.word}" if t.prefix else f" {t.word} "})
                either |= both
            result &= either
        return result


def MODELS() -> tuple:
    """The searched models, in the order of the search page's groups."""
    from .models import Indicator, LogEntry, Promise, Source

    return (Promise, Indicator, Source, LogEntry)


VOCABULARY_KEY = "pjk:vocabulary"
VOCABULARY_TIMEOUT = 24 * 60 * 60


def stored_corpus_words() -> list[str]:
    """`corpus_words()`, read once per data version: one cache read (and, at a new version, the corpus query and
    one cache write). Every write that can change a search text changes the list pages' version, and so this."""
    version, found = data_version.read(data_version.LISTS, VOCABULARY_KEY)
    stored = found.get(VOCABULARY_KEY)
    if stored and stored[0] == version:
        return stored[1]
    found_words = corpus_words()
    cache.set(VOCABULARY_KEY, (version, found_words), VOCABULARY_TIMEOUT)
    return found_words


def corpus_words() -> list[str]:
    """Every word of the stored search texts, sorted (one query)."""
    first, *others = (model.objects.order_by().values_list("search_text", flat=True) for model in MODELS())
    found = set()
    for text in first.union(*others, all=True).order_by():
        found.update(text.split())
    return sorted(found)


def _known(word: str, vocabulary: list[str]) -> bool:
    i = bisect.bisect_left(vocabulary, word)
    return i < len(vocabulary) and vocabulary[i] == word


def _begins_some(word: str, vocabulary: list[str]) -> bool:
    i = bisect.bisect_left(vocabulary, word)
    return i < len(vocabulary) and vocabulary[i].startswith(word)


def _word_flags(tokens: list[str]) -> dict[str, tuple[bool, bool]]:
    """For each word: (the corpus has it, the corpus has a word beginning with it), in one query of EXISTS
    through the search indexes."""
    checks, params = [], []
    for word in tokens:
        for prefix in (False, True):
            query = Query(text=word, groups=(((Term(word, prefix=prefix),),),))
            for model in MODELS():
                queryset = matching(model.objects.order_by(), query).values("pk")[:1]
                sql, sql_params = queryset.query.get_compiler(queryset.db).as_sql()
                checks.append(f"EXISTS ({sql})")
                params += sql_params
    with connections[model.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(checks), params)
        row = cursor.fetchone()
    per_word = 2 * len(MODELS())
    flags = {}
    for n, word in enumerate(tokens):
        mine = row[n * per_word : (n + 1) * per_word]
        flags[word] = (any(mine[: len(MODELS())]), any(mine[len(MODELS()) :]))
    return flags


def parse(text: str, vocabulary: list[str] | None = None) -> Query:
    """Parse a query against the corpus: with `vocabulary` given, against it; otherwise the query's words are
    looked up in the database (one query, none when every word is part of a synonym), and the vocabulary is read
    (`stored_corpus_words()`, once per data version) only to suggest a word for one that matches nothing. The suggestion
    replaces each such word by the closest corpus word, if one is close."""
    tokens = words(text)[:MAX_WORDS]
    if not tokens:
        return Query(text=text, groups=())
    plain = _plain_words(tokens)
    if vocabulary is not None:
        flags = {w: (_known(w, vocabulary), _begins_some(w, vocabulary)) for w in plain}
    else:
        flags = _word_flags(sorted(plain)) if plain else {}
    groups, suggested, changed, i = [], [], False, 0
    while i < len(tokens):
        for n in range(min(LONGEST_PHRASE, len(tokens) - i), 0, -1):
            phrase = tuple(tokens[i : i + n])
            if phrase in PHRASES:
                groups.append(tuple(tuple(Term(word) for word in alternative) for alternative in PHRASES[phrase]))
                suggested += phrase
                i += n
                break
        else:
            word = tokens[i]
            known, begins = flags[word]
            prefix = not known and len(word) >= MIN_PREFIX
            groups.append(((Term(word, prefix=prefix),),))
            if not known and not (prefix and begins):
                if vocabulary is None:
                    vocabulary = stored_corpus_words()
                close = _closest(word, vocabulary)
                changed |= bool(close)
                suggested.append(close or word)
            else:
                suggested.append(word)
            i += 1
    return Query(text=text, groups=tuple(groups), suggestion=" ".join(suggested) if changed else "")


def _plain_words(tokens: list[str]) -> set[str]:
    """The words of the query that are not part of a synonym phrase (the phrases are found as in `parse`)."""
    plain, i = set(), 0
    while i < len(tokens):
        for n in range(min(LONGEST_PHRASE, len(tokens) - i), 0, -1):
            if tuple(tokens[i : i + n]) in PHRASES:
                i += n
                break
        else:
            plain.add(tokens[i])
            i += 1
    return plain


def _closest(word: str, vocabulary: list[str]) -> str:
    """The corpus or synonym word closest to `word` (ties: the one sorting last, as difflib does), or ""."""
    if len(word) < MIN_PREFIX or word.isdigit():
        return ""
    candidates = [w for w in vocabulary if len(w) >= MIN_PREFIX and not w.isdigit()]
    candidates += sorted(SYNONYM_WORDS - set(candidates))
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=SUGGEST_CUTOFF)
    return found[0] if found else ""


class StoredSearchVector(Expression):
    """PostgreSQL: the row's `search_vector`, `to_tsvector('simple', search_text)` stored when the row is written
    (migration 0019; a column of the database only, not a model field), with the GIN index on it. Testing a
    row against a query then costs no parsing of its text."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name(compiler.query.base_table)}.search_vector", []


def matching(queryset, query: Query):
    """`queryset` narrowed to the rows whose `search_text` matches `query` (no query of its own); none for an
    empty query."""
    if not query:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return queryset.alias(search_vector=StoredSearchVector()).filter(
            search_vector=SearchQuery(query.tsquery(), search_type="raw", config="simple")
        )
    return queryset.filter(query.contains_q())
