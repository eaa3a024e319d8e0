/** Words of the extracted values panel and the counterparties page, Japanese first; loaded
 * with those parts only. The API gives Japanese labels; English comes from here by code. */
import { useCallback } from 'react';
import { useLang } from '../../context';
import type { Lang } from '../../lib/i18n';

export const ja = {
  'cp.extracted': '読み取った値',
  'cp.extractedHelp': '本文から読み取った値とその根拠です。正しければ確認し、誤りは訂正してください。訂正は次の文書の読み取りに生かされます。',
  'cp.noValues': '読み取った値はまだありません。',
  'cp.confirm': '確認',
  'cp.correct': '訂正',
  'cp.save': '保存',
  'cp.cancel': '取消',
  'cp.confirmed': '確認済み',
  'cp.readAs': '読み取り: {text}',
  'cp.notFound': '見つかりませんでした',
  'cp.field.document_date': '文書日付',
  'cp.field.amount': '金額',
  'cp.field.counterparty': '取引先',
  'cp.field.title': '件名',
  'cp.field.document_type': '文書種別',
  'cp.source.identifier': '登録番号・法人番号の一致',
  'cp.source.rule': '照合規則',
  'cp.source.registry': '登録済み取引先の一致',
  'cp.source.registry_fuzzy': '登録済み取引先への近似一致',
  'cp.source.extracted': '本文から抽出',
  'cp.source.learned': '過去の割り当てから学習',
  'cp.source.person': '職員が入力',
  'cp.source.none': '見つからず',
  'cp.line': '{n}行目',
  'cp.title': '取引先',
  'cp.search': '名称・登録番号で検索',
  'cp.add': '取引先を登録',
  'cp.name': '名称',
  'cp.invoiceNumber': '登録番号 (T番号)',
  'cp.corporateNumber': '法人番号',
  'cp.aliases': '別名 (読み誤りを含む、読点または改行で区切る)',
  'cp.aliasesShort': '別名',
  'cp.edit': '編集',
  'cp.empty': '登録された取引先はありません。',
  'cp.merge': '選んだ取引先をこの取引先に統合',
  'cp.mergeInto': '統合先',
  'cp.mergeHelp': '統合される取引先の名称は別名として残ります。',
  'cp.selected': '{n}件選択',
  'cp.saved': '保存しました。',
  'cp.merged': '{n}件を統合しました。',
} as const;

export type CpKey = keyof typeof ja;

export const en: Record<CpKey, string> = {
  'cp.extracted': 'Values read',
  'cp.extractedHelp': 'Values read from the text and why. Confirm the right ones and correct the wrong ones; corrections improve the next documents.',
  'cp.noValues': 'Nothing has been read yet.',
  'cp.confirm': 'Confirm',
  'cp.correct': 'Correct',
  'cp.save': 'Save',
  'cp.cancel': 'Cancel',
  'cp.confirmed': 'Confirmed',
  'cp.readAs': 'Read: {text}',
  'cp.notFound': 'Not found',
  'cp.field.document_date': 'Document date',
  'cp.field.amount': 'Amount',
  'cp.field.counterparty': 'Counterparty',
  'cp.field.title': 'Title',
  'cp.field.document_type': 'Document type',
  'cp.source.identifier': 'Registration or corporate number',
  'cp.source.rule': 'Matching rule',
  'cp.source.registry': 'Registered counterparty',
  'cp.source.registry_fuzzy': 'Close to a registered counterparty',
  'cp.source.extracted': 'Extracted from the text',
  'cp.source.learned': 'Learned from past assignments',
  'cp.source.person': 'Entered by staff',
  'cp.source.none': 'Not found',
  'cp.line': 'line {n}',
  'cp.title': 'Counterparties',
  'cp.search': 'Search by name or registration number',
  'cp.add': 'Register a counterparty',
  'cp.name': 'Name',
  'cp.invoiceNumber': 'Registration number (T number)',
  'cp.corporateNumber': 'Corporate number',
  'cp.aliases': 'Other names (misreadings too; separate with 、 or new lines)',
  'cp.aliasesShort': 'Other names',
  'cp.edit': 'Edit',
  'cp.empty': 'No counterparties are registered.',
  'cp.merge': 'Merge the selected ones into this one',
  'cp.mergeInto': 'Merge into',
  'cp.mergeHelp': 'The merged names stay as other names.',
  'cp.selected': '{n} selected',
  'cp.saved': 'Saved.',
  'cp.merged': '{n} merged.',
};

export function cpTranslate(lang: Lang, key: CpKey, params?: Record<string, string | number>): string {
  const text = (lang === 'en' ? en : ja)[key];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
}

export function useCp() {
  const { lang } = useLang();
  const t = useCallback((key: CpKey, params?: Record<string, string | number>) => cpTranslate(lang, key, params), [lang]);
  return { t, lang };
}
