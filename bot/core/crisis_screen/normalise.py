"""Text normalisation before matching: one canonical spelling of what people type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

from bot.core.crisis_screen.fuzzy import Vocabulary

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_LAUGHTER = re.compile("[\U0001f602\U0001f923\U0001f480\U0001f606\U0001f605\U0001f639\u2620]")
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bc\u2032]")
_SLASHED_SH = re.compile(r"\bs ?/ ?h\b")
# a whole token with at least one leet character (_deleet changes no other token)
_TOKEN = re.compile(r"(?<![a-z0-9@$!|+*])[a-z]*[0-9@$!|+*][a-z0-9@$!|+*]*")
_LEET_CHARACTER = re.compile(r"[0-9@$!|+*]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LETTERS = re.compile(r"[a-z]")
_QUANTITY = re.compile(r"\d+[a-z]{1,4}")
_SPACED = re.compile(r"\b[a-z](?:[ ._\-~*]{1,2}[a-z]\b){1,14}")
_SENTENCE_END = re.compile(r"[.!?;:\u2026]+|\n\s*\n")
_NON_WORD = re.compile(r"[^a-z0-9,. ]+")
_COMMA = re.compile(r",+")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_TOKEN_CACHE = 1 << 16  # words whose repaired spelling is kept
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "!": "i",
        "|": "i",
        "+": "t",
    }
)

# Look-alike letters from other scripts, after case folding (Cyrillic, Greek).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "з": "3",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "п": "n",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "ɡ": "g",
        "ı": "i",
        "ʟ": "l",
        "α": "a",
        "β": "b",
        "γ": "y",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ω": "w",
        "ς": "s",
        "σ": "o",
        "μ": "u",
        # small capitals, as "fancy text" generators write them ("ɪ ᴡᴀɴᴛ ᴛᴏ ᴅɪᴇ")
        **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijkmnopqrstuvwyz", strict=True)),
        # letters in black circles and squares ("🅳🅸🅴"), which NFKC leaves alone
        **{chr(first + n): chr(ord("a") + n) for first in (0x1F150, 0x1F170) for n in range(26)},
    }
)
# Three or more regional-indicator letters spell a word ("🇩🇮🇪"); two are a flag, left alone.
_INDICATORS = re.compile("[\U0001f1e6-\U0001f1ff]{3,}")
_INDICATOR_LETTERS = str.maketrans({chr(0x1F1E6 + n): chr(ord("a") + n) for n in range(26)})


def _fold(text: str) -> str:
    """NFKC, invisible characters removed, case folded, look-alikes mapped, accents stripped."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _LAUGHTER.sub(" lol ", text).casefold().translate(_HOMOGLYPHS)
    if not text.isascii():
        text = _INDICATORS.sub(lambda run: run.group().translate(_INDICATOR_LETTERS), text)
        text = _NON_ASCII.sub(_unaccented, text)
    return _APOSTROPHES.sub("", text)


def _unaccented(match: re.Match[str]) -> str:
    """A run of non-ASCII characters decomposed, without its combining accents."""
    text = unicodedata.normalize("NFKD", match.group())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _starred(token: str, vocabulary: Vocabulary) -> str:
    """A word with letters masked by '*' ("k*ll", "s*icide"), resolved against risk words."""
    parts = [re.escape(p) for p in token.split("*")]
    pattern = re.compile("[a-z]{0,2}".join(parts))
    return next((w for w in vocabulary.risk_words if pattern.fullmatch(w)), token.replace("*", ""))


def _deleet(vocabulary: Vocabulary) -> Callable[[re.Match[str]], str]:
    def fix(match: re.Match[str]) -> str:
        token = match.group()
        core = token.strip("!*|+")
        if not core or not _LETTERS.search(core) or core.isalpha() or _QUANTITY.fullmatch(core):
            return token.replace("!", " . ") if "!" in token else token
        head, tail = token[: token.find(core)], token[token.find(core) + len(core) :]
        core = core.translate(_LEET)
        if "*" in core:
            core = _starred(core, vocabulary)
        return head.replace("!", " . ") + core + tail.replace("!", " . ")

    return fix


def _join_spaced(vocabulary: Vocabulary) -> Callable[[re.Match[str]], str]:
    def join(match: re.Match[str]) -> str:
        letters = "".join(ch for ch in match.group() if ch.isalpha())
        if vocabulary.is_risk(letters):
            return letters
        if letters[0] == "i" and vocabulary.is_risk(letters[1:]):
            return "i " + letters[1:]
        return match.group()

    return join


_RUN_TOGETHER = 12  # letters from which an unknown token may hide a risk phrase
_COMPOUND = 8  # letters of the shortest run-together phrase looked for inside one


def _unstretch(token: str, vocabulary: Vocabulary) -> str:
    """ "dieeee" -> "die", "killll" -> "kill", "sooo" -> "so"."""
    single = _STRETCH.sub(r"\1", token)
    double = _STRETCH.sub(r"\1\1", token)
    if vocabulary.is_known(double) and not vocabulary.is_known(single):
        return double
    return single


def _fix_token(token: str, vocabulary: Vocabulary) -> str:
    if _STRETCH.search(token):
        token = _unstretch(token, vocabulary)
    fixed = vocabulary.correct(token)
    if fixed == token and len(token) >= _RUN_TOGETHER and token.isalpha():
        return _split_run_together(token, vocabulary)
    return fixed


@cache
def _compounds(vocabulary: Vocabulary) -> tuple[tuple[str, str], ...]:
    """Run-together risk phrases the vocabulary spells out ("killmyself"), longest first."""
    found = [
        (joined, spelt)
        for joined, spelt in vocabulary.spellings.items()
        if " " in spelt and " " not in joined and len(joined) >= _COMPOUND
    ]
    return tuple(sorted(found, key=lambda pair: -len(pair[0])))


def _split_run_together(token: str, vocabulary: Vocabulary) -> str:
    """A long unknown token holding a run-together risk phrase, the phrase spelt out:
    "imgoingtokillmyself" -> "imgoingto kill myself"."""
    for joined, spelt in _compounds(vocabulary):
        before, found, after = token.partition(joined)
        if found:
            return " ".join(part for part in (before, spelt, after) if part)
    return token


@cache
def _fixers(
    vocabulary: Vocabulary,
) -> tuple[Callable[[re.Match[str]], str], Callable[[re.Match[str]], str], Callable[[str], str]]:
    fix_token = lru_cache(maxsize=_TOKEN_CACHE)(lambda token: _fix_token(token, vocabulary))
    return _deleet(vocabulary), _join_spaced(vocabulary), fix_token


def normalise(text: str, vocabulary: Vocabulary) -> str:
    """Words in canonical spelling separated by single spaces; ' . ' ends a sentence."""
    deleet, join_spaced, fix_token = _fixers(vocabulary)
    text = _fold(text)
    if "/" in text:
        text = _SLASHED_SH.sub("sh", text)
    if _LEET_CHARACTER.search(text):
        text = _TOKEN.sub(deleet, text)
    text = _SPACED.sub(join_spaced, text)
    text = _SENTENCE_END.sub(" . ", text)
    text = _COMMA.sub(" , ", _NON_WORD.sub(" ", text))
    return " ".join(map(fix_token, text.split()))
