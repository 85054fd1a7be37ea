"""Client names compared by what they look like, so no registered client can pass for the
built-in one on the consent page."""

import unicodedata

from confusable_homoglyphs import confusables

# Letters that look like others, folded to the one they imitate (a cheap subset of Unicode's
# confusables.txt: Cyrillic, Greek and Armenian look-alikes of Latin letters, and digits read as
# letters; NFKC already folds fullwidth, superscript and mathematical letters).
CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "һ": "h", "і": "l", "ј": "j", "к": "k", "м": "m", "н": "h",
        "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q",
        "ԝ": "w", "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ı": "l", "ɡ": "g", "ℓ": "l", "ս": "u", "օ": "o", "հ": "h",
        "0": "o", "1": "l", "i": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s",
    }
)  # fmt: skip


def name_skeleton(name):
    """What a name looks like, for comparing names: NFKC, casefolded, accents and every
    character that is not a letter or digit dropped (spaces, punctuation, zero-width marks),
    look-alike letters folded (CONFUSABLES)."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    kept = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN" or ch in "@$")
    return "".join(map(latin_look_alike, kept)).translate(CONFUSABLES).replace("rn", "m").replace("vv", "w")


def latin_look_alike(ch):
    """The ASCII letter or digit a character is drawn like, from Unicode's confusables table
    (confusable_homoglyphs ships it: Latin alpha "ɑ", Cherokee "Ꭺ", Cyrillic "а" are all "a");
    the character itself when it looks like none."""
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, greedy=True) or []
    for homoglyph in (h["c"] for item in found for h in item["homoglyphs"]):
        if len(homoglyph) == 1 and homoglyph.isascii() and homoglyph.isalnum():
            return homoglyph.casefold()
    return ch


def imitates_builtin_client(name):
    """True when a name reads as the built-in client's: its skeleton starts with "Auth Lab"'s
    ("AUTH-LAB", "Auth Lab 2", the name in Cyrillic or fullwidth letters, with a zero-width space)."""
    return name_skeleton(name).startswith(name_skeleton("Auth Lab"))
