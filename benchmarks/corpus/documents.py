"""Realistic municipal documents with known text, generated from a seed.

申請書 (applications), 請求書 (invoices with amounts and 和暦 dates), 通知 (notices with a
文書番号) and 議事録 (minutes); horizontal, and vertical (縦書き: kanji numerals, columns
right to left). Each document is a list of pages, each page a list of lines as laid out:
the ground truth of every later rendering of that page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
]
GIVEN = [
    "太郎",
    "花子",
    "一郎",
    "美咲",
    "健太",
    "陽子",
    "大輔",
    "直美",
    "翔太",
    "裕子",
    "誠",
    "恵子",
    "拓也",
    "由美",
    "浩二",
    "智子",
]
CITIES = [
    "神戸市中央区",
    "札幌市北区",
    "仙台市青葉区",
    "横浜市西区",
    "名古屋市中区",
    "京都市左京区",
    "福岡市博多区",
    "熊本市東区",
]
TOWNS = ["加納町", "本町", "栄町", "中央", "旭町", "桜木町", "緑が丘", "港町", "新町", "昭和町"]
DEPARTMENTS = [
    "総務課",
    "財政課",
    "市民課",
    "税務課",
    "福祉課",
    "子育て支援課",
    "環境政策課",
    "道路管理課",
    "教育総務課",
    "防災危機管理課",
]
COMPANIES = [
    "株式会社みらい建設",
    "有限会社さくら印刷",
    "株式会社東洋事務機",
    "合同会社グリーン設備",
    "株式会社北斗システム",
    "株式会社丸山商事",
]
ITEMS = [
    ("事務用品一式", 12_800, 420_000),
    ("印刷製本費", 30_000, 900_000),
    ("庁舎清掃業務委託料", 150_000, 2_400_000),
    ("ネットワーク機器保守料", 80_000, 1_500_000),
    ("道路補修工事", 500_000, 9_800_000),
    ("会議録作成業務", 40_000, 600_000),
]
APPLICATIONS = [
    ("住民票の写し等の交付申請書", "住民票の写し", "本人確認書類を添えて申請します。"),
    ("道路占用許可申請書", "道路の占用", "占用期間は許可の日から一年間とします。"),
    ("補助金交付申請書", "補助金の交付", "事業計画書及び収支予算書を添付します。"),
    ("公文書開示請求書", "公文書の開示", "開示の方法は写しの交付を希望します。"),
]
NOTICE_SUBJECTS = [
    ("固定資産税の納税通知について", "本年度の固定資産税額を下記のとおり通知します。"),
    ("指定管理者の指定について", "下記の施設の指定管理者として指定したので通知します。"),
    ("補助金の交付決定について", "申請のあった補助金について交付を決定したので通知します。"),
    ("入札参加資格の審査結果について", "審査の結果、入札参加資格を有すると認めたので通知します。"),
]
NOTICE_BODY = [
    "なお、この決定に不服がある場合は、この通知を受けた日の翌日から起算して三か月以内に審査請求をすることができます。",
    "詳細については、担当課までお問い合わせください。",
    "提出された書類は返却いたしませんので、あらかじめご了承ください。",
    "期限までに手続が行われない場合は、申請を取り下げたものとみなします。",
    "この通知書は大切に保管してください。",
]
MINUTES_LINES = [
    "委員長から、本日の議題について説明があった。",
    "事務局から、資料に基づき事業の進捗状況について報告があった。",
    "委員から、予算の執行状況について質問があった。",
    "事務局から、年度末までに執行を完了する見込みである旨の回答があった。",
    "審議の結果、原案のとおり承認することとした。",
    "次回の会議の日程は、後日事務局から連絡することとした。",
    "委員から、市民への周知方法を工夫すべきとの意見があった。",
    "事務局から、広報紙及びホームページで周知する旨の説明があった。",
]
KANJI_DIGITS = "〇一二三四五六七八九"
REASONS = ["就職手続のため", "事業を実施するため", "調査研究のため", "届出のため"]
COMMITTEES = ["行政改革推進委員会", "都市計画審議会", "環境審議会", "総合計画策定委員会"]


def kanji_number(n: int) -> str:
    """1..9999 in ordinary kanji numerals (百二十三)."""
    if n == 0:
        return "〇"
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, value)
        if digit:
            out += ("" if digit == 1 else KANJI_DIGITS[digit]) + unit
    return out + (KANJI_DIGITS[n] if n else "")


def full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    direction: str  # "horizontal" | "vertical"
    pages: list[list[str]]  # lines as written (before layout wrapping)


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def pick(self, items):
        return self.rng.choice(items)

    def person(self) -> str:
        return self.pick(SURNAMES) + "　" + self.pick(GIVEN)

    def address(self, kanji: bool = False) -> str:
        chome, ban, go = self.rng.randint(1, 9), self.rng.randint(1, 30), self.rng.randint(1, 20)
        if kanji:
            numbers = f"{kanji_number(chome)}丁目{kanji_number(ban)}番{kanji_number(go)}号"
            return f"{self.pick(CITIES)}{self.pick(TOWNS)}{numbers}"
        return f"{self.pick(CITIES)}{self.pick(TOWNS)}{chome}丁目{ban}番{go}号"

    def date(self, kanji: bool = False) -> str:
        year, month, day = self.rng.randint(2, 7), self.rng.randint(1, 12), self.rng.randint(1, 28)
        if kanji:
            return f"令和{kanji_number(year)}年{kanji_number(month)}月{kanji_number(day)}日"
        text = f"令和{year}年{month}月{day}日"
        return full_width(text) if self.rng.random() < 0.5 else text

    def phone(self) -> str:
        area, exchange = self.rng.randint(3, 99), self.rng.randint(100, 999)
        return f"0{area}-{exchange}-{self.rng.randint(1000, 9999)}"

    def application(self, index: int) -> Document:
        title, what, note = self.pick(APPLICATIONS)
        lines = [
            title,
            self.date(),
            f"{self.pick(CITIES)[:3]}長　様",
            f"申請者　住所　{self.address()}",
            f"氏名　{self.person()}",
            f"電話番号　{self.phone()}",
            f"下記のとおり{what}について申請します。",
            note,
            f"申請の理由　{self.pick(REASONS)}",
            f"必要な部数　{self.rng.randint(1, 5)}通",
            f"担当　{self.pick(DEPARTMENTS)}　{self.person()}",
        ]
        return Document(f"apply-{index:03d}", "申請書", "horizontal", [lines])

    def invoice(self, index: int) -> Document:
        items = self.rng.sample(ITEMS, 3)
        amounts = [self.rng.randrange(low, high, 100) for _name, low, high in items]
        total = sum(amounts) + sum(amounts) // 10
        number = "".join(str(self.rng.randint(0, 9)) for _ in range(13))
        lines = [
            "請求書",
            f"請求日　{self.date()}",
            f"請求番号　第{self.rng.randint(100, 9999)}号",
            f"{self.pick(CITIES)[:3]}長　様",
            self.pick(COMPANIES),
            f"登録番号　T{number}",
            f"ご請求金額　¥{total:,}-",
            *(
                f"{name}　{amount:,}円"
                for (name, _l, _h), amount in zip(items, amounts, strict=True)
            ),
            f"消費税額等（10%）　{sum(amounts) // 10:,}円",
            f"合計　金{total:,}円也",
            f"お支払期限　{self.date()}",
            "振込先　みらい銀行　本店営業部　普通預金",
        ]
        return Document(f"invoice-{index:03d}", "請求書", "horizontal", [lines])

    def notice(self, index: int, vertical: bool) -> Document:
        subject, opening = self.pick(NOTICE_SUBJECTS)
        department = self.pick(DEPARTMENTS)
        number = self.rng.randint(1, 999)
        document_number = (
            f"{department[:2]}第{kanji_number(number)}号"
            if vertical
            else f"{department[:2]}第{number}号"
        )
        lines = [
            document_number,
            self.date(kanji=vertical),
            f"{self.person()}　様",
            f"{self.pick(CITIES)[:3]}長　{self.person()}",
            subject,
            opening,
            *self.rng.sample(NOTICE_BODY, 3),
            f"担当　{department}",
            f"住所　{self.address(kanji=vertical)}",
        ]
        direction = "vertical" if vertical else "horizontal"
        return Document(f"notice-{direction[0]}-{index:03d}", "通知", direction, [lines])

    def minutes(self, index: int, vertical: bool, pages: int = 2) -> Document:
        out = []
        for page in range(pages):
            lines = []
            if page == 0:
                meeting, floor = self.rng.randint(1, 20), self.rng.randint(2, 8)
                if vertical:
                    meeting, floor = kanji_number(meeting), kanji_number(floor)
                lines = [
                    f"第{meeting}回{self.pick(COMMITTEES)}議事録",
                    f"日時　{self.date(kanji=vertical)}",
                    f"場所　市役所本庁舎{floor}階会議室",
                    f"出席者　{self.person()}、{self.person()}、{self.person()}",
                ]
            lines += self.rng.sample(MINUTES_LINES, 6)
            out.append(lines)
        direction = "vertical" if vertical else "horizontal"
        return Document(f"minutes-{direction[0]}-{index:03d}", "議事録", direction, out)


def documents(seed: int, count: int) -> list[Document]:
    """``count`` documents, cycling through the kinds; every third one vertical."""
    generator = Generator(seed)
    makers = [
        lambda i: generator.application(i),
        lambda i: generator.notice(i, vertical=True),
        lambda i: generator.invoice(i),
        lambda i: generator.minutes(i, vertical=True, pages=1),
        lambda i: generator.notice(i, vertical=False),
        lambda i: generator.minutes(i, vertical=False),
    ]
    return [makers[i % len(makers)](i) for i in range(count)]
