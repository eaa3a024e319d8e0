"""paperless-ngx's matching algorithms over a document's text, and Kiroku's order of evidence.

Order (strongest first): a 法人番号 or T番号 on the page that the registry knows; a rule
(any / all / literal / regex / fuzzy) of a registry entry; the name extraction read, resolved
to a registry name or alias; the name as read.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from dms.counterparties.models import Algorithm
from ja.normalize import normalize_text

FUZZY_RULE_CUTOFF = 90.0


def matches(algorithm: str, pattern: str, text: str) -> bool:
    """True if ``text`` matches the rule (text and pattern both NFKC-normalised)."""
    pattern = normalize_text(pattern).strip()
    if not pattern or algorithm in (Algorithm.NONE, Algorithm.AUTO):
        return False
    words = pattern.split()
    if algorithm == Algorithm.ANY:
        return any(word in text for word in words)
    if algorithm == Algorithm.ALL:
        return all(word in text for word in words)
    if algorithm == Algorithm.LITERAL:
        return pattern in text
    if algorithm == Algorithm.REGEX:
        try:
            return re.search(pattern, text) is not None
        except re.error:
            return False  # a broken rule matches nothing rather than failing processing
    if algorithm == Algorithm.FUZZY:
        return fuzz.partial_ratio(pattern, text) >= FUZZY_RULE_CUTOFF
    return False
