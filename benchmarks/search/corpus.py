"""A deterministic corpus of municipal documents and a labelled query set.

The *base* documents are built from templates over everyday city-hall vocabulary (起案,
通知, 契約, 請求, 報告 …) in ten sections. Each labelled query then gets two or three
*planted* documents that contain its concept the way real documents do: inside a
sentence, as part of a longer compound, in the other character width, with kanji
numerals, with the company's legal form written another way, and so on.

Relevance is judged from the text, not from the planting: a document is relevant to a
query when its title, body, counterparty or section contains one of the query's
*evidence* strings (or matches its evidence pattern, e.g. 京都 not preceded by 東).
The generator checks that every query has between one and ten relevant documents, so
recall@10 can reach 1.0 and the base vocabulary never collides with a query.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.backends.base import IndexEntry

SECTIONS = [
    (1, "総務課", "soumu"),
    (2, "財政課", "zaisei"),
    (3, "市民課", "shimin"),
    (4, "子育て支援課", "kosodate"),
    (5, "道路管理課", "douro"),
    (6, "環境政策課", "kankyo"),
    (7, "健康推進課", "kenko"),
    (8, "教育総務課", "kyouiku"),
    (9, "情報政策課", "jouhou"),
    (10, "契約課", "keiyaku"),
]
BUREAU_OF = {1: 101, 2: 101, 3: 102, 4: 102, 5: 103, 6: 103, 7: 102, 8: 104, 9: 101, 10: 101}
TYPES = ["kian", "tsuchi", "keiyaku", "seikyu", "houkoku", "kaigiroku"]
COMPANIES = [
    "株式会社中央設備",
    "北部建設株式会社",
    "有限会社みどり造園",
    "株式会社東和印刷",
    "三協システム株式会社",
    "株式会社ひかり事務機",
    "南海環境サービス株式会社",
    "株式会社丸正商会",
]
CONTRACT_TITLES = ["業務委託契約書", "物品購入の請求書", "工事請負契約の締結について"]
TOPICS = [
    "庁舎清掃業務",
    "職員研修の実施",
    "窓口業務の改善",
    "予算編成方針",
    "公用車の管理",
    "文書管理規程の改正",
    "市民意識調査",
    "広報紙の発行",
    "防災訓練の実施",
    "健康相談事業",
    "道路補修工事",
    "学校施設の点検",
    "図書館の運営",
    "公園の維持管理",
    "住民票の交付",
    "国民健康保険の運営",
    "児童手当の支給",
    "ごみ収集計画",
    "資源回収の推進",
    "水質検査の結果",
    "住民説明会の開催",
    "議会答弁資料の作成",
    "情報セキュリティ対策",
    "会議録の作成",
    "補助金の交付",
    "庁内ネットワークの更新",
    "選挙事務の準備",
    "固定資産の管理",
    "東京都内での研修参加",  # a distractor for 京都
    "東京都との連絡調整",
]
TITLE_FORMS = [
    "{topic}について",
    "{topic}の実施結果報告",
    "{topic}に係る起案",
    "{topic}に関する通知",
    "{topic}の契約締結について",
    "{topic}に係る支出伺い",
]
SENTENCES = [
    "{section}では、{topic}について下記のとおり実施する。",
    "期間は令和{y}年{m}月{d}日から同年{m2}月末日までとする。",
    "経費は{amount}円を見込む。",
    "詳細は担当者まで確認されたい。",
    "関係各課は内容を確認の上、必要な対応を行うこと。",
    "なお、{topic2}との調整を図るものとする。",
    "本件に係る申請は所定の様式により提出すること。",
    "前年度の実績を踏まえ、事業の見直しを行った。",
    "市民への周知は広報紙及びホームページにより行う。",
    "契約の相手方は{company}とする。",
    "会議では、今後の進め方について意見交換を行った。",
    "結果については、別紙のとおり報告する。",
    "説明会は本庁舎大会議室で開催する。",  # a distractor for 大会
    "全国会議の資料を関係課に共有する。",  # a distractor for 国会
]
# Sentences that carry a planted concept X (always inside a sentence).
CARRIERS = [
    "{X}について住民から問い合わせがあった。",
    "今年度は{X}に関する経費を計上した。",
    "{X}の件で関係課と協議を行った。",
    "担当者が現地で{X}の状況を確認した。",
    "{X}に係る対応方針を下記のとおり定める。",
]


@dataclass
class Query:
    qid: str
    category: str
    text: str
    forms: list[str]  # what planted documents contain
    evidence: list[str] = field(default_factory=list)  # substrings that make a doc relevant
    pattern: str | None = None  # or a regular expression
    counterparty: bool = False  # plant as the counterparty
    section: bool = False  # plant as the document's section


def _q(qid, category, text, forms, evidence=None, **kw) -> Query:
    return Query(qid, category, text, forms, evidence if evidence is not None else forms, **kw)


def _k(qid, text, forms, evidence) -> Query:
    """A counterparty query: planted as the documents' counterparty."""
    return Query(qid, "counterparty", text, forms, evidence, counterparty=True)


QUERIES: list[Query] = [
    # 2-character words inside sentences
    _q("t01", "two_char", "除雪", ["除雪"]),
    _q("t02", "two_char", "剪定", ["剪定"]),
    _q("t03", "two_char", "漏水", ["漏水"]),
    _q("t04", "two_char", "騒音", ["騒音"]),
    _q("t05", "two_char", "空家", ["空家"]),
    _q("t06", "two_char", "献血", ["献血"]),
    _q("t07", "two_char", "側溝", ["側溝"]),
    _q("t08", "two_char", "街灯", ["街灯"]),
    _q("t09", "two_char", "野犬", ["野犬"]),
    _q("t10", "two_char", "京都", ["京都市", "京都府"], pattern="(?<!東)京都"),
    _q("t11", "two_char", "国会", ["国会議員", "国会答弁"], pattern="(?<!全)国会"),
    _q("t12", "two_char", "大会", ["市民スポーツ大会", "大会運営"], pattern="大会(?!議)"),
    # long compounds
    _q("c01", "compound", "特別定額給付金", ["特別定額給付金"]),
    _q("c02", "compound", "放課後児童クラブ", ["放課後児童クラブ"]),
    _q("c03", "compound", "地域包括支援センター", ["地域包括支援センター"]),
    _q("c04", "compound", "都市計画道路", ["都市計画道路"]),
    _q("c05", "compound", "固定資産税評価額", ["固定資産税評価額"]),
    _q("c06", "compound", "公共施設等総合管理計画", ["公共施設等総合管理計画"]),
    _q("c07", "compound", "特定健康診査", ["特定健康診査"]),
    _q("c08", "compound", "働き方改革", ["働き方改革"]),
    # parts of compounds
    _q(
        "p01", "compound_part", "給付金", ["臨時特別給付金", "子育て世帯生活支援給付金"], ["給付金"]
    ),
    _q("p02", "compound_part", "児童クラブ", ["民間児童クラブ"], ["児童クラブ"]),
    _q("p03", "compound_part", "包括支援", ["包括支援体制"], ["包括支援"]),
    _q("p04", "compound_part", "評価額", ["土地評価額"], ["評価額"]),
    _q("p05", "compound_part", "総合管理計画", ["橋梁総合管理計画"], ["総合管理計画"]),
    _q("p06", "compound_part", "健康診査", ["後期高齢者健康診査"], ["健康診査"]),
    _q("p07", "compound_part", "道路占用", ["道路占用許可申請"], ["道路占用"]),
    _q("p08", "compound_part", "耐震化", ["小中学校耐震化事業"], ["耐震化"]),
    # quoted phrases (the words also occur apart in other documents)
    _q("h01", "phrase", '"道路照明灯の更新"', ["道路照明灯の更新"]),
    _q("h02", "phrase", '"避難所の開設"', ["避難所の開設"]),
    _q("h03", "phrase", '"学校給食の異物混入"', ["学校給食の異物混入"]),
    _q("h04", "phrase", '"雨水管の布設替え"', ["雨水管の布設替え"]),
    _q("h05", "phrase", '"指定管理者の選定"', ["指定管理者の選定"]),
    _q("h06", "phrase", '"滞納処分の執行停止"', ["滞納処分の執行停止"]),
    _q("h07", "phrase", '"個人情報の漏えい"', ["個人情報の漏えい"]),
    _q("h08", "phrase", '"下水道使用料の改定"', ["下水道使用料の改定"]),
    # full-width / half-width variants (query in one width, text in the other)
    _q("w01", "width", "ＤＸ推進本部", ["DX推進本部"], ["DX推進本部"]),
    _q("w02", "width", "ｺﾐｭﾆﾃｨﾊﾞｽ", ["コミュニティバス"]),
    _q("w03", "width", "ＧＩＧＡスクール", ["GIGAスクール構想"], ["GIGAスクール"]),
    _q("w04", "width", "Wi-Fi", ["Ｗｉ－Ｆｉ環境"], ["Wi-Fi"]),
    _q("w05", "width", "ＬＥＤ化", ["LED化工事"], ["LED化"]),
    _q("w06", "width", "ＰＣＢ廃棄物", ["PCB廃棄物"]),
    _q("w07", "width", "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ", ["マイナンバーカード"]),
    _q("w08", "width", "ＡＥＤ", ["AED"]),
    # era dates (kanji numerals in the text, digits in the query, or the reverse)
    _q("e01", "era_date", "令和6年度", ["令和六年度"], ["令和6年度", "令和六年度"]),
    _q("e02", "era_date", "令和七年度", ["令和7年度"], ["令和7年度", "令和七年度"]),
    _q("e03", "era_date", "令和元年", ["令和元年"]),
    _q("e04", "era_date", "平成30年", ["平成三十年"], ["平成30年", "平成三十年"]),
    _q(
        "e05",
        "era_date",
        "令和6年10月15日",
        ["令和六年十月十五日"],
        ["令和6年10月15日", "令和六年十月十五日"],
    ),
    _q("e06", "era_date", "令和8年3月31日", ["令和8年3月31日"]),
    _q("e07", "era_date", "平成二十九年度", ["平成29年度"], ["平成29年度", "平成二十九年度"]),
    _q("e08", "era_date", "２０２５年", ["2025年"], ["2025年"]),
    # counterparties, written with another legal form
    _q(
        "k01",
        "counterparty",
        "山田建設",
        ["㈱山田建設", "山田建設株式会社"],
        ["山田建設"],
        counterparty=True,
    ),
    _q(
        "k02",
        "counterparty",
        "さくら電工",
        ["（株）さくら電工", "さくら電工"],
        ["さくら電工"],
        counterparty=True,
    ),
    _q(
        "k03", "counterparty", "株式会社北斗測量", ["(株)北斗測量"], ["北斗測量"], counterparty=True
    ),
    _q(
        "k04",
        "counterparty",
        "青葉造園",
        ["有限会社青葉造園", "㈲青葉造園"],
        ["青葉造園"],
        counterparty=True,
    ),
    _q(
        "k05",
        "counterparty",
        "ミナト警備",
        ["ミナト警備保障株式会社"],
        ["ミナト警備"],
        counterparty=True,
    ),
    _q(
        "k06",
        "counterparty",
        "髙橋商店",
        ["髙橋商店", "高橋商店"],
        ["髙橋商店", "高橋商店"],
        counterparty=True,
    ),
    _q(
        "k07",
        "counterparty",
        "ＡＢＣソリューションズ",
        ["ABCソリューションズ株式会社"],
        ["ABCソリューションズ"],
        counterparty=True,
    ),
    _k("k08", "日本橋印刷", ["日本橋印刷㈱"], ["日本橋印刷"]),
    # section (department) names
    _q("d01", "department", "選挙管理委員会事務局", ["選挙管理委員会事務局"], section=True),
    _q("d02", "department", "農業委員会事務局", ["農業委員会事務局"], section=True),
    _q("d03", "department", "監査委員事務局", ["監査委員事務局"], section=True),
    _q("d04", "department", "会計課", ["会計課"], section=True),
    _q("d05", "department", "消防本部予防課", ["消防本部予防課"], section=True),
    _q("d06", "department", "水道局給水課", ["水道局給水課"], section=True),
    _q("d07", "department", "文化財保護課", ["文化財保護課"], section=True),
    _q("d08", "department", "議会事務局", ["議会事務局"], section=True),
    # spelling variants (okurigana), via the synonym list
    _q(
        "o01",
        "okurigana",
        "犬の登録申込み",
        ["犬の登録申し込み"],
        ["犬の登録申込", "犬の登録申し込み"],
    ),
    _q("o02", "okurigana", "粗大ごみの問合せ", ["粗大ごみの問い合わせ"], ["粗大ごみの問"]),
    _q("o03", "okurigana", "給水装置の取り扱い", ["給水装置の取扱い"], ["給水装置の取"]),
    _q("o04", "okurigana", "転入手続き", ["転入手続"], ["転入手続"]),
    _q("o05", "okurigana", "口座振り込み", ["口座振込"], ["口座振込", "口座振り込み"]),
    _q("o06", "okurigana", "還付金の払い戻し", ["還付金の払戻し"], ["還付金の払"]),
]


@dataclass
class Doc:
    id: int
    title: str
    content: str
    section_id: int
    section: str
    document_type: str
    fiscal_year: int
    document_date: dt.date
    amount: int | None
    counterparty: str
    planted_for: str | None = None

    def searchable(self) -> str:
        """The text as a reader sees it: NFKC, and phrases broken across lines joined."""
        from ja.normalize import join_broken_lines, normalize_text

        raw = "\n".join([self.title, self.content, self.counterparty, self.section])
        return join_broken_lines(normalize_text(raw))


def _date(rng: random.Random, start=dt.date(2019, 5, 1), days=1600) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def _fy(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _sentences(rng: random.Random, section: str, topic: str, n: int) -> list[str]:
    out = []
    for form in rng.sample(SENTENCES, n):
        out.append(
            form.format(
                section=section,
                topic=topic,
                topic2=rng.choice(TOPICS),
                y=rng.randint(2, 5),
                m=rng.randint(4, 9),
                m2=rng.randint(10, 12),
                d=rng.randint(1, 28),
                amount=f"{rng.randrange(10, 5000) * 1000:,}",
                company=rng.choice(COMPANIES),
            )
        )
    return out


def base_document(doc_id: int, rng: random.Random) -> Doc:
    section_id, section, _ = rng.choice(SECTIONS)
    topic = rng.choice(TOPICS)
    kind = rng.choice(TYPES)
    day = _date(rng)
    company = rng.choice(COMPANIES) if kind in ("keiyaku", "seikyu") else ""
    body = _sentences(rng, section, topic, rng.randint(4, 7))
    # scanned pages: some lines broken in the middle of a phrase
    content = "\n".join(body)
    return Doc(
        id=doc_id,
        title=rng.choice(TITLE_FORMS).format(topic=topic),
        content=content,
        section_id=section_id,
        section=section,
        document_type=kind,
        fiscal_year=_fy(day),
        document_date=day,
        amount=rng.randrange(10, 5000) * 1000 if kind in ("keiyaku", "seikyu") else None,
        counterparty=company,
    )


def planted_documents(query: Query, start_id: int, rng: random.Random) -> list[Doc]:
    docs = []
    copies = 3 if len(query.forms) == 1 else len(query.forms)
    for i in range(copies):
        form = query.forms[i % len(query.forms)]
        doc = base_document(start_id + i, rng)
        doc.planted_for = query.qid
        if query.counterparty:
            doc.counterparty = form
            doc.document_type = "keiyaku"
            doc.title = rng.choice(
                ["業務委託契約書", "物品購入の請求書", "工事請負契約の締結について"]
            )
            doc.content = f"契約の相手方は{form}とする。\n" + doc.content
        elif query.section:
            doc.section_id = 100 + int(query.qid[1:])
            doc.section = form
            doc.content = f"担当:{form}\n" + doc.content
        else:
            carrier = rng.choice(CARRIERS).format(X=form)
            if i == 1 and len(form) >= 4 and not form.isascii():
                # a scanned page: the line ends in the middle of the phrase
                middle = carrier.index(form) + len(form) // 2
                carrier = carrier[:middle] + "\n" + carrier[middle:]
            lines = doc.content.split("\n")
            lines.insert(rng.randrange(len(lines) + 1), carrier)
            doc.content = "\n".join(lines)
            if i == 0:  # one of them names it in the title too
                doc.title = f"{form}に関する{rng.choice(['報告', '通知', '起案', '協議'])}"
        docs.append(doc)
    return docs


def relevant(query: Query, doc: Doc) -> bool:
    return _relevant_text(query, doc.searchable())


def _relevant_text(query: Query, text: str) -> bool:
    if query.pattern:
        return re.search(query.pattern, text) is not None
    return any(unicodedata.normalize("NFKC", e) in text for e in query.evidence)


@dataclass
class Corpus:
    docs: list[Doc]
    queries: list[Query]
    judgements: dict[str, set[int]]


def build(base_count: int, seed: int = 20240401) -> Corpus:
    rng = random.Random(seed)
    docs = [base_document(i + 1, rng) for i in range(base_count)]
    next_id = base_count + 1
    for query in QUERIES:
        planted = planted_documents(query, next_id, rng)
        docs += planted
        next_id += len(planted)
    texts = [(d.id, d.searchable()) for d in docs]
    judgements = {q.qid: {i for i, t in texts if _relevant_text(q, t)} for q in QUERIES}
    for query in QUERIES:
        found = judgements[query.qid]
        if not 1 <= len(found) <= 10:
            raise AssertionError(f"{query.qid} {query.text}: {len(found)} relevant documents")
    return Corpus(docs, QUERIES, judgements)


def index_entry(doc: Doc) -> IndexEntry:
    """The entry the backends index (as search.entries builds it from the database)."""
    from search.backends.base import IndexEntry
    from search.text import display_text

    return IndexEntry(
        id=doc.id,
        revision=1,
        title=display_text(doc.title),
        content=display_text(doc.content),
        counterparty=display_text(doc.counterparty),
        department_name=display_text(doc.section),
        department_id=doc.section_id,
        allowed_departments=(doc.section_id, BUREAU_OF.get(doc.section_id, 199)),
        document_type=doc.document_type,
        fiscal_year=doc.fiscal_year,
        status="ready",
        document_date=doc.document_date,
        amount=doc.amount,
        created_on=doc.document_date,
        contains_personal_number=doc.id % 17 == 0,
    )
