"""Labelled municipal documents for the metadata extraction benchmark and tests.

Eight types (請求書, 見積書, 契約書, 申請書, 通知, 予算要求書, 起案文書, 議事録), several
layouts each, addressed to the city of 湊川市 or issued by it, with line-item tables,
subtotals, tax and totals; some in 縦書き. The ground truth is written with the text, so the
generator is the label. Everything depends on the seed alone.

``noisy`` imitates what OCR does to such text (seen on real scans): spaces inside digit
groups, a garbled table digit, a misread kana in a name, letter-spaced headings.

The split is fixed: documents whose index is a multiple of 4 are held out (``split`` says
which), and only the final measurement reads them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

CITY = "湊川市"
DEPARTMENTS = (
    ("建設局", "道路管理課"),
    ("総務局", "総務課"),
    ("環境局", "ごみ減量推進課"),
    ("教育委員会事務局", "学校施設課"),
    ("市民局", "市民協働課"),
    ("財政局", "契約課"),
)
TYPES = ("請求書", "見積書", "契約書", "申請書", "通知", "予算要求書", "起案文書", "議事録")
_STEMS = (
    "みなと",
    "湊川",
    "港北",
    "ハーバー",
    "青葉",
    "東洋",
    "海風",
    "丸山",
    "さくら",
    "北斗",
    "新開地",
    "六甲",
    "山手",
    "アクア",
    "コスモ",
    "大和",
)
_TRADES = ("印刷", "建設", "データ", "システムズ", "設備", "商事", "工務店", "測量", "電機", "造園")
_FORMS = ("株式会社{}", "{}株式会社", "合同会社{}", "有限会社{}", "(株){}", "{}(株)", "㈱{}")
_PEOPLE = ("渡辺亮", "山田太郎", "佐藤花子", "鈴木一郎", "高橋誠", "中村美咲", "小林健")
_ITEMS = (
    ("A4コピー用紙", "箱", 3_500),
    ("トナーカートリッジ", "本", 18_000),
    ("舗装補修材", "t", 42_000),
    ("作業員", "人日", 28_000),
    ("重機回送費", "式", 65_000),
    ("データ入力作業", "件", 120),
    ("保守点検", "回", 55_000),
)
_KANJI_DIGITS = "〇一二三四五六七八九"


@dataclass
class Truth:
    date: date | None
    amount: int | None
    counterparty: str | None  # the name as a clerk would register it (legal form written out)
    title_words: tuple[str, ...]  # a proposed title must contain one of these


@dataclass
class MetaDocument:
    id: str
    kind: str
    layout: str
    vertical: bool
    lines: list[str]
    truth: Truth
    split: str  # "dev" or "held_out"
    known_names: tuple[str, ...] = field(default=())


def _companies(rng: random.Random, count: int = 70) -> list[tuple[str, str]]:
    """A pool of companies, each with one legal form (as written, canonical name)."""
    names = rng.sample([stem + trade for stem in _STEMS for trade in _TRADES], count)
    return [_company(rng, name) for name in names]


def _company(rng: random.Random, name: str) -> tuple[str, str]:
    form = rng.choice(_FORMS)
    written = form.format(name)
    canonical = written.replace("(株)", "株式会社").replace("㈱", "株式会社")
    if form.startswith("{}") and "(株)" in form:
        canonical = name + "株式会社"
    return written, canonical


def wareki(day: date) -> str:
    year = day.year - 2018
    return f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


def _date_text(rng: random.Random, day: date) -> str:
    style = rng.randrange(3)
    if style == 0:
        return wareki(day)
    if style == 1:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


def _yen(amount: int) -> str:
    return f"{amount:,}"


def _table(rng: random.Random) -> tuple[list[str], int]:
    rows, subtotal = ["品名 数量 単位 単価 金額"], 0
    for item, unit, price in rng.sample(_ITEMS, rng.randint(2, 4)):
        quantity = rng.randint(1, 40)
        subtotal += quantity * price
        rows.append(f"{item} {quantity} {unit} {_yen(price)} {_yen(quantity * price)}")
    tax = subtotal // 10
    rows += [f"小計 {_yen(subtotal)}", f"消費税(10%) {_yen(tax)}", f"合計 {_yen(subtotal + tax)}"]
    return rows, subtotal + tax


def _addressee(rng: random.Random) -> str:
    bureau, section = rng.choice(DEPARTMENTS)
    return rng.choice(
        [f"{CITY} {bureau}{section} 御中", f"{CITY}長 様", f"{CITY}長 {rng.choice(_PEOPLE)} 様"]
    )


def _issuer_block(rng: random.Random, written: str) -> list[str]:
    block = [
        f"〒650-00{rng.randint(10, 99)} 湊川市中央区港町"
        f"{rng.randint(1, 9)}丁目{rng.randint(1, 20)}番"
    ]
    if rng.random() < 0.5:
        block.append(f"名称 {written}")
    else:
        block.append(written)
    block.append(f"代表取締役 {rng.choice(_PEOPLE)}")
    if rng.random() < 0.5:
        block.append(f"登録番号 T{rng.randint(10**12, 10**13 - 1)}")
    return block


def _invoice(rng, written, day):
    rows, total = _table(rng)
    layout = rng.choice(["table", "yen_sign", "kin"])
    heading = rng.choice(["請求書", "請 求 書", "御請求書"])
    lines = [heading, _date_text(rng, day), _addressee(rng), *_issuer_block(rng, written)]
    if layout == "table":
        lines += ["下記のとおりご請求申し上げます。", f"ご請求金額 {_yen(total)}円(税込)", *rows]
    elif layout == "yen_sign":
        lines += [
            f"件名 {rng.choice(['道路補修', '消耗品購入', '保守点検'])}業務に係る請求",
            f"請求金額 ¥{_yen(total)}-",
            *rows,
        ]
    else:
        lines += [f"金{_yen(total)}円也", "但し 業務委託料として", *rows]
    return layout, lines, total, ("請求",)


def _quotation(rng, written, day):
    rows, total = _table(rng)
    layout = rng.choice(["table", "letter"])
    lines = [rng.choice(["御見積書", "見 積 書", "見積書"]), _date_text(rng, day), _addressee(rng)]
    lines += _issuer_block(rng, written)
    if layout == "table":
        lines += [f"見積金額 {_yen(total)}円", "有効期限 発行日より30日", *rows]
    else:
        lines += ["下記のとおりお見積り申し上げます。", f"御見積金額 ¥{_yen(total)}-(税込)", *rows]
    return layout, lines, total, ("見積",)


def _contract(rng, written, day):
    total = rng.randint(30, 900) * 11_000
    subject = rng.choice(["道路維持補修業務委託", "庁舎清掃業務委託", "システム保守業務委託"])
    layout = rng.choice(["kou_otsu", "table"])
    lines = [
        f"{subject}契約書",
        f"委託者 {CITY}(以下「甲」という。)と受託者 {written}(以下「乙」という。)は、"
        "次のとおり契約を締結する。",
    ]
    lines += [
        f"1 業務名 {subject}",
        f"2 履行期間 {wareki(day)}から{wareki(day + timedelta(days=180))}まで",
    ]
    if layout == "kou_otsu":
        lines += [
            f"3 契約金額 金{_yen(total)}円",
            f"(うち取引に係る消費税及び地方消費税の額 金{_yen(total // 11)}円)",
        ]
    else:
        lines += [f"3 契約金額 {_yen(total)}円(税込)"]
    lines += [
        _date_text(rng, day),
        f"甲 {CITY}中央区港町1丁目1番 {CITY}長 湊川太郎",
        f"乙 湊川市東区1丁目2番 {written} 代表取締役 {rng.choice(_PEOPLE)}",
    ]
    return layout, lines, total, ("契約",)


def _application(rng, written, day):
    subject = rng.choice(["道路占用許可申請書", "補助金交付申請書", "行政財産使用許可申請書"])
    lines = [
        subject,
        _date_text(rng, day),
        f"{CITY}長 様",
        f"申請者 住所 湊川市西区{rng.randint(1, 9)}丁目",
        f"氏名又は名称 {written}",
        f"代表者 {rng.choice(_PEOPLE)}",
    ]
    lines += ["下記のとおり申請します。", "記", "1 目的 工事のため", "2 期間 30日間"]
    return "form", lines, None, (subject[:-3],)


def _notice(rng, written, day):
    subject = rng.choice(
        ["入札参加資格の審査結果について", "契約の締結について", "道路占用の許可について"]
    )
    bureau, section = rng.choice(DEPARTMENTS)
    lines = [
        f"湊{bureau[0]}第{rng.randint(10, 999)}号",
        _date_text(rng, day),
        f"{written}",
        f"代表取締役 {rng.choice(_PEOPLE)} 様",
        f"{CITY}長 湊川太郎",
    ]
    lines += [
        f"{subject}(通知)",
        f"{CITY}{bureau}{section}において審査した結果を次のとおり通知します。",
    ]
    return "letter", lines, None, ("通知", subject[:6])


def _budget(rng, written, day):
    bureau, section = rng.choice(DEPARTMENTS)
    rows, total = ["(単位:千円)", "事業名 前年度予算額 要求額"], 0
    for name in rng.sample(
        ["道路維持事業", "清掃事業", "施設改修事業", "広報事業", "システム運用事業"], 3
    ):
        value = rng.randint(1_000, 90_000)
        total += value
        rows.append(f"{name} {_yen(value - rng.randint(0, 900))} {_yen(value)}")
    rows.append(f"合計 {_yen(total)}")
    lines = [
        f"令和{day.year - 2018 + 1}年度 予算要求書",
        f"{bureau}{section}",
        _date_text(rng, day),
        *rows,
    ]
    return "table", lines, total * 1000, ("予算要求",)


def _proposal(rng, written, day):
    total = rng.randint(10, 500) * 11_000
    subject = rng.choice(["消耗品の購入", "会議室備品の購入", "道路標識の修繕"])
    lines = ["起案文書", f"起案日 {_date_text(rng, day)}", f"件名 {subject}について(伺い)"]
    lines += [
        f"{subject}について、{written}ほか3者から参考見積を徴したところ、下記のとおり",
        f"契約予定金額 金{_yen(total)}円",
        f"相手方 {written}",
    ]
    return "form", lines, total, (subject,)


def _minutes(rng, written, day):
    subject = rng.choice(["道路整備検討委員会", "情報化推進会議", "環境審議会"])
    lines = [
        f"第{rng.randint(1, 9)}回{subject} 議事録",
        f"日時 {_date_text(rng, day)} 14時00分から",
        "場所 湊川市役所 第3会議室",
        "出席者 委員8名、事務局3名",
        "議事 1 開会 2 報告事項 3 閉会",
    ]
    return "plain", lines, None, ("議事録", subject)


_BUILDERS = {
    "請求書": _invoice,
    "見積書": _quotation,
    "契約書": _contract,
    "申請書": _application,
    "通知": _notice,
    "予算要求書": _budget,
    "起案文書": _proposal,
    "議事録": _minutes,
}
_HAS_COUNTERPARTY = {"請求書", "見積書", "契約書", "申請書", "通知", "起案文書"}


def documents(seed: int = 14, per_type: int = 12) -> list[MetaDocument]:
    """``per_type`` documents of each type; a quarter held out."""
    rng = random.Random(seed)
    pool = _companies(rng)
    result = []
    for index in range(per_type * len(TYPES)):
        kind = TYPES[index % len(TYPES)]
        written, canonical = rng.choice(pool)
        day = date(2019, 5, 1) + timedelta(days=rng.randrange(2_600))
        layout, lines, amount, words = _BUILDERS[kind](rng, written, day)
        vertical = kind in {"通知", "契約書"} and rng.random() < 0.4
        truth = Truth(day, amount, canonical if kind in _HAS_COUNTERPARTY else None, words)
        split = "held_out" if (index // len(TYPES)) % 4 == 3 else "dev"
        result.append(
            MetaDocument(f"{kind}-{index:03d}", kind, layout, vertical, lines, truth, split)
        )
    return result


def _misread(rng: random.Random, text: str) -> str:
    """One kana in a company name read as a neighbouring shape (ハーバー → ハヘーバー)."""
    confusions = {"ー": "ヘー", "ハ": "八", "シ": "ツ", "ソ": "ン", "ロ": "口", "カ": "力"}
    spots = [i for i, char in enumerate(text) if char in confusions]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + confusions[text[i]] + text[i + 1 :]


def noisy(document: MetaDocument, seed: int = 14) -> str:
    """The document's text as OCR tends to return it from a scan."""
    rng = random.Random(f"{seed}:{document.id}:noise")
    out = []
    for line in document.lines:
        if rng.random() < 0.3:
            line = line.replace(",", ", ")  # 17, 154, 500
        if document.truth.counterparty and rng.random() < 0.15:
            stem = (
                document.truth.counterparty.replace("株式会社", "")
                .replace("合同会社", "")
                .replace("有限会社", "")
            )
            if stem in line:
                line = line.replace(stem, _misread(rng, stem))
        out.append(line)
    return "\n".join(out)


__all__ = ["CITY", "DEPARTMENTS", "TYPES", "MetaDocument", "Truth", "documents", "noisy", "wareki"]
