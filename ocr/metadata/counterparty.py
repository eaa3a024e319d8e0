"""The other party of a document: the company that invoices the city, the contractor.

Candidates come from three kinds of evidence, strongest first:

* a legal form: 株式会社ABC, ABC株式会社, ABC(株) (㈱ and （株） become "(株)" under NFKC),
  有限会社, 合同会社, 一般社団法人 … The value always spells the legal form out:
  "ABC(株)" → "ABC株式会社". If the legal form has a name on both sides, the name in front
  of it wins (ABC株式会社神戸支店 → ABC株式会社).
* an addressee: a name directly before 御中, 様 or 殿 (kanji, katakana and Latin only, so
  that お客様 and 皆様 are not names);
* a label: 取引先, 請求者, 契約者, 発行者, 受注者 … followed by a name.

A candidate next to an honorific or after a label gets more confidence. The city itself
(…市長, …市役所, 甲 in a contract is usually the city) is kept as a candidate with a very
low confidence, so it is chosen only when nothing else was found.
"""

from __future__ import annotations

import re

from ja.legal_forms import (
    LEGAL_FORM_ABBREVIATIONS,
    LEGAL_FORMS,
    counterparty_key,
    expand_legal_form_abbreviations,
)
from ja.normalize import normalize_text
from ocr.metadata.candidates import Candidate, clamp_confidence, line_after, line_before
from ocr.metadata.misreadings import TRADE_WORDS, repair_name

__all__ = ["choose_counterparty", "find_counterparties", "is_own_side", "is_public_body"]

_ABBREVIATION = "|".join(sorted(LEGAL_FORM_ABBREVIATIONS, key=len, reverse=True))
# Tesseract reads the enclosed ㈱ as 帆, 幅, 帽 (its bracket and 木 as 巾), 内, .内, 人, 人山,
# 株 or (株 on degraded scans. Taken as ㈱ only where a company's name starts (a line's
# start, or after 名称) and the name stands over its representative (内港北測量 / 代表者 …).
_MISREAD_KABU = re.compile(r"\(株|\.?内|帆|幅|帽|人山?|株")
# What a heading or a sentence has and a company's name has not (人事異動について).
_SENTENCE = re.compile("について|のお知らせ|します|しました|ください|です|ます$")
_LEGAL_FORM = re.compile(
    "|".join(
        [
            *sorted(LEGAL_FORMS, key=len, reverse=True),
            rf"\( *(?:{_ABBREVIATION}) *\)",
            rf"(?m:(?:^|(?<=名称)) *(?:{_MISREAD_KABU.pattern})"
            r"(?=[^\s\d()]{2,30} *\n\s*(?:代表取締役|代表者|代表社員)))",
        ]
    )
)

_LATIN = "A-Za-z0-9&'.\\-"
# Kanji, kana (with ・ and ー), 々 〆 and Latin: punctuation such as 、。「」() ends a name.
_JAPANESE_NAME_CHARS = (
    "\u3005\u3006\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
)
# A space is part of a name only between Latin words ("Kiroku Systems").
_NAME = rf"(?:[{_JAPANESE_NAME_CHARS}{_LATIN}]|(?<=[A-Za-z0-9]) (?=[A-Za-z0-9]))+"
_NAME_AFTER = re.compile(_NAME)
_NAME_BEFORE = re.compile(rf"{_NAME}$")

_HONORIFIC = re.compile(r" *(?:御中|様|殿)(?![\u4e00-\u9fff])")
_LABEL = (
    "取引先|請求者|請求元|発行者|発行元|契約者|受注者|受託者|相手方|支払先|業者名|会社名|商号|"
    "名称|氏名又は名称|申請者|見積者"
)
_LABEL_BEFORE = re.compile(rf"(?:{_LABEL}) *(?:\((?:甲|乙)\))? *:? *$")
_LEADING_LABEL = re.compile(rf"^(?:(?:{_LABEL}|甲|乙|発注者|氏名|名称) *:? *)+")
# A particle (は, と, の …) right after a word in kanji, katakana or Latin, and before another
# word or particle, separates words: 株式会社ABCと神戸市は, 株式会社とは. Inside a hiragana
# run it is part of the name: こうべ子ども支援, さくら工務店.
_HIRAGANA = "\u3040-\u309f"
_PARTICLES = "はがをにとでへもやの"
_PARTICLE_BETWEEN_WORDS = rf"(?<![{_HIRAGANA}])[{_PARTICLES}](?=[^{_HIRAGANA}]|[{_PARTICLES}]|$)"
_HIRAGANA_RANGE = "\u3040-\u309f"
# What ends a name read forwards from a legal form: a role, an honorific, a particle.
_AFTER_NAME = re.compile(
    "代表取締役|代表者|代表理事|代表社員|取締役|理事長|社長|御中|様|殿|宛|"
    # (以下「乙」という。) after a contract's party; its "(" often read as し in vertical scans
    "[(し]?以下|"
    # the rest of a sentence: …ほか3者から参考見積, …より受領
    rf"(?<![{_HIRAGANA_RANGE}])(?:ほか|外[0-9]|から|より)|" + _PARTICLE_BETWEEN_WORDS
)
# What comes before a name read backwards from a legal form: a label, an honorific, the end
# of an address (…1番地, …2番, …5号), a digit, a particle.
_BEFORE_NAME = re.compile(
    rf".*(?:{_LABEL}|御中|様|殿|宛|番地|丁目|号|[0-9]番|[0-9]|{_PARTICLE_BETWEEN_WORDS})"
)
_SPACES = re.compile(" *")
# Longer runs are sentences, not names; the limit also keeps the search linear in the text.
_LONGEST_NAME = 40
# Kanji, katakana and Latin only: お客様 and 皆様 are not names.
_ADDRESSEE_CHAR = "\u4e00-\u9fff\u30a1-\u30faー々"
_ADDRESSEE = re.compile(
    rf"(?P<name>[{_ADDRESSEE_CHAR}A-Za-z][{_ADDRESSEE_CHAR}{_LATIN} ]{{1,29}}?){_HONORIFIC.pattern}"
)
_LABELLED_NAME = re.compile(rf"(?:{_LABEL}) *:? *(?P<name>{_NAME_AFTER.pattern})")

_PUBLIC_BODY = re.compile(
    "(?:市長|町長|村長|区長|知事|役所|役場|議会|委員会|局長|部長|課長|[都道府県市])$|市役所|市長"
)

_PUBLIC_BODY_NOTE = "the city itself, probably not the counterparty"


def is_public_body(name: str) -> bool:
    """True for the city and its organs (神戸市長, 神戸市役所, 神戸市水道局長): on a
    municipal document they are this side, not the counterparty."""
    return bool(_PUBLIC_BODY.search(name))


def _canonical_name(name: str) -> str:
    """Legal form spelt out, spaces kept only between Latin words."""
    name = expand_legal_form_abbreviations(name.strip())
    return re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", name)


def _is_misread_kabu(form: str) -> bool:
    return form not in LEGAL_FORMS and bool(_MISREAD_KABU.fullmatch(form))


def _repaired(form: str, value: str) -> tuple[str, tuple[str, ...]]:
    """The value with Tesseract's usual misreadings of a legal form or trade word put
    right (see ocr.metadata.misreadings), and the notes saying so. ``form`` is the legal
    form as matched (a misread ㈱ is none of the spelt-out or abbreviated forms)."""
    notes: tuple[str, ...] = ()
    misread = form.strip()
    if _is_misread_kabu(misread) and value.startswith(misread):
        value = "株式会社" + value[len(misread) :]
        notes = (f"OCR misreading: {misread} → ㈱",)
    value, note = repair_name(value)
    return value, (*notes, note) if note else notes


def _strip_leading_label(name: str) -> tuple[str, bool]:
    stripped = _LEADING_LABEL.sub("", name)
    return stripped, stripped != name


def _confidence(text: str, span: tuple[int, int], base: float, labelled: bool) -> float:
    confidence = base
    if _HONORIFIC.match(text, span[1]):
        confidence += 0.2
    if labelled or _LABEL_BEFORE.search(line_before(text, span[0])):
        confidence += 0.2
    return confidence


def _legal_entity_candidates(text: str) -> list[Candidate[str]]:
    found = []
    for form in _LEGAL_FORM.finditer(text):
        window = line_before(text, form.start(), limit=_LONGEST_NAME)
        name_end = form.start() - (len(window) - len(window.rstrip(" ")))
        before_match = _NAME_BEFORE.search(window.rstrip(" "))
        before = _BEFORE_NAME.sub("", before_match[0]) if before_match else ""
        before, _ = _strip_leading_label(before)
        if before:  # ABC株式会社
            span = (name_end - len(before), form.end())
        else:  # 株式会社ABC
            name_start = _SPACES.match(text, form.end()).end()
            after_match = _NAME_AFTER.match(text, name_start, name_start + _LONGEST_NAME)
            after = after_match[0] if after_match else ""
            stop = _AFTER_NAME.search(after)
            after = (after[: stop.start()] if stop else after).rstrip()
            if not after:
                continue  # a legal form on its own: 株式会社とは
            if _is_misread_kabu(form[0].strip()) and (
                line_after(text, name_start + len(after)).strip() or _SENTENCE.search(after)
            ):
                continue  # a misread ㈱ starts a name that is the whole rest of its line
            span = (form.start(), name_start + len(after))
        written = text[span[0] : span[1]]
        confidence = _confidence(text, span, 0.6, labelled=False)
        value, notes = _repaired(form[0], _canonical_name(written))
        found.append(Candidate(value, written, span, confidence, notes))
    return found


def _other_candidates(text: str) -> list[Candidate[str]]:
    found = []
    for pattern, base in ((_ADDRESSEE, 0.45), (_LABELLED_NAME, 0.4)):
        for match in pattern.finditer(text):
            written = match["name"].rstrip()
            name, labelled = _strip_leading_label(written.lstrip())
            if len(name) < 2 or _LEGAL_FORM.search(name) or _ROLE.match(name):
                continue  # legal entities are read above, with better boundaries
            end = match.start("name") + len(written)
            span = (end - len(name), end)
            confidence = _confidence(text, span, base, labelled)
            value, notes = _repaired("", _canonical_name(name))
            garbled = _garbled_kabu(text, name, span[0])
            if garbled is not None:
                value, notes = _repaired("", "株式会社" + name[1:])
                notes = (f"OCR misreading: {name[0]} → ㈱ (also read as {garbled})", *notes)
            found.append(Candidate(value, name, span, confidence, notes))
    return found


def _garbled_kabu(text: str, name: str, start: int) -> str | None:
    """Where the same name is written twice and both times starts with a different
    character (相手方帆湊川建設 … 、偶湊川建設ほか3者): that first character is a glyph
    Tesseract could not read, in the place where ㈱ stands. The other reading, else None."""
    rest = name[1:]
    # four characters at least: 東和建設 and 昭和建設 listed side by side are two firms
    if len(rest) < 4 or not re.fullmatch(f"[{_JAPANESE_NAME_CHARS}]", name[0]):
        return None
    for match in re.finditer(rf"([{_JAPANESE_NAME_CHARS}]){re.escape(rest)}", text):
        if match.start() != start and match[1] != name[0]:
            return match[1]
    return None


# A person's title before a name (代表取締役渡辺亮 様): the person, not the organisation.
_ROLE = re.compile("代表取締役|代表者|代表理事|代表社員|取締役|理事長|社長|所長|支店長|担当")
# Known names closer than this (rapidfuzz ratio on the folded key) are OCR misspellings of it.
FUZZY_CUTOFF = 85.0


def is_own_side(name: str, own_names: tuple[str, ...] = ()) -> bool:
    """True for the city, its organs and its departments: never the counterparty."""
    if is_public_body(name):
        return True
    return any(len(own) >= 2 and own in name for own in own_names)


def _addressed_to(text: str, own_names: tuple[str, ...]) -> bool:
    return any(
        re.search(re.escape(own) + r"[^\n]{0,30}?(?:御中|様|殿)", text)
        for own in own_names
        if len(own) >= 2
    )


def resolve_known(name: str, known_names: tuple[str, ...]) -> tuple[str, str] | None:
    """The known name ``name`` is a spelling of (exact key, else a close OCR misreading),
    and how it was matched; None if none is close."""
    from rapidfuzz import fuzz, process

    keys = {counterparty_key(known): known for known in known_names}
    key = counterparty_key(name)
    if key in keys:
        return keys[key], "registry"
    if len(key) < 3:
        return None
    close = process.extract(key, list(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
    for known_key, _, _ in close:
        if _stem_ratio(key, known_key) >= STEM_CUTOFF:
            return keys[known_key], "registry_fuzzy"
    return None


# Words many companies' names end in. Two names sharing one (大皿システムズ, 大和システムズ)
# look close on the whole key; whether they are one company is decided by what is left.
_BUSINESS_WORDS = tuple(
    sorted(
        {
            *TRADE_WORDS,
            *("商事", "商会", "建設", "造園", "測量", "印刷", "電機", "電気", "設備", "工業"),
            *("産業", "物産", "興業", "技研", "開発", "企画", "運輸"),
        },
        key=len,
        reverse=True,
    )
)
# The distinctive part of the name must be at least this close (rapidfuzz ratio): one
# misread character in four is an OCR slip, one in two or three is another company.
STEM_CUTOFF = 75.0


def _stem(key: str) -> str:
    word = next((w for w in _BUSINESS_WORDS if key.endswith(w) and len(key) > len(w)), "")
    return key[: len(key) - len(word)]


def _stem_ratio(key: str, known_key: str) -> float:
    """How close the two names are once a shared business word that ends both is set
    aside (the whole keys when they do not end in the same word)."""
    from rapidfuzz import fuzz

    stem, known_stem = _stem(key), _stem(known_key)
    if key[len(stem) :] != known_key[len(known_stem) :]:
        return fuzz.ratio(key, known_key)
    return fuzz.ratio(stem, known_stem)


def choose_counterparty(
    text: str,
    candidates: list[Candidate[str]],
    *,
    own_names: tuple[str, ...] = (),
    known_names: tuple[str, ...] = (),
) -> Candidate[str] | None:
    """The other party: never the city or one of its departments; the issuer of a document
    addressed to the city, the addressee of one it issued; a known name when the reading is
    a spelling of one. None rather than the city when nothing else was found."""
    text = normalize_text(text)
    to_us = _addressed_to(text, own_names)
    by_us = not to_us and any(len(own) >= 2 and own in text for own in own_names)
    scored = []
    for candidate in candidates:
        if candidate.value is None or is_own_side(candidate.value, own_names):
            continue
        confidence, notes = candidate.confidence, candidate.notes
        addressee = bool(_HONORIFIC.match(text, candidate.span[1]))
        if to_us and addressee:
            confidence -= 0.4  # someone else we address in a document sent to us (cc)
        elif to_us and not addressee:
            confidence += 0.1
        elif by_us and addressee:
            confidence += 0.2
        value = candidate.value
        known = resolve_known(value, known_names) if known_names else None
        if known:
            value, how = known
            confidence += 0.2
            notes = (*notes, f"{how}: {candidate.value} → {value}")
        scored.append(
            Candidate(value, candidate.text, candidate.span, clamp_confidence(confidence), notes)
        )
    usable = [c for c in scored if c.confidence >= 0.3]
    if not usable:
        return None
    return min(usable, key=lambda c: (-c.confidence, c.span[0]))


# Only a 株式会社 (or a 特例有限会社) has a 代表取締役. A name over one that shows no legal form
# lost it to OCR, on degraded scans as one garbled character where ㈱ stood (偶丸山データ,
# 條ハーバー電機 over 代表取締役高橋誠): that character is taken as ㈱, with a note.
_OVER_DIRECTOR = re.compile(
    rf"(?m)^ *(?P<kabu>[\u4e00-\u9fff])"
    rf"(?P<name>[{_ADDRESSEE_CHAR}{_HIRAGANA}{_LATIN}]{{2,30}}) *\n\s*代表取締役"
)


def _over_director_candidates(text: str) -> list[Candidate[str]]:
    found = []
    for match in _OVER_DIRECTOR.finditer(text):
        line = match["kabu"] + match["name"]
        if (
            _LEGAL_FORM.search(line)
            or _LEADING_LABEL.match(line)
            or is_public_body(line)
            or _SENTENCE.search(line)
        ):
            continue
        span = (match.start("kabu"), match.end("name"))
        value, notes = _repaired("", _canonical_name("株式会社" + match["name"]))
        note = f"OCR misreading: {match['kabu']} → ㈱ (over 代表取締役: a 株式会社)"
        confidence = _confidence(text, span, 0.45, labelled=False)
        found.append(Candidate(value, line, span, confidence, (note, *notes)))
    return found


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def find_counterparties(text: str) -> list[Candidate[str]]:
    """Every counterparty candidate, one per distinct name (the most confident mention),
    in text order."""
    text = normalize_text(text)
    by_name: dict[str, Candidate[str]] = {}
    legal_entities = _legal_entity_candidates(text)
    others = [
        candidate
        for candidate in _other_candidates(text) + _over_director_candidates(text)
        if not any(_overlap(candidate.span, entity.span) for entity in legal_entities)
    ]
    for candidate in legal_entities + others:
        confidence, notes = candidate.confidence, candidate.notes
        if is_public_body(candidate.value or ""):
            confidence, notes = confidence * 0.2, (_PUBLIC_BODY_NOTE,)
        candidate = Candidate(
            candidate.value, candidate.text, candidate.span, clamp_confidence(confidence), notes
        )
        known = by_name.get(candidate.value or "")
        if known is None or candidate.confidence > known.confidence:
            by_name[candidate.value or ""] = candidate
    return sorted(by_name.values(), key=lambda candidate: candidate.span)
