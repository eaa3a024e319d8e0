/** App-wide state: the language (persisted) and the signed-in person. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { initialLang, STORAGE_KEY, translate, type Lang, type MessageKey, type Params } from './lib/i18n';
import { getDepartments, getDocumentTypes, setApiLanguage, type Department, type DocumentType, type Me } from './lib/api';

interface LangValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, params?: Params) => string;
}

const LangContext = createContext<LangValue | null>(null);

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    setApiLanguage(lang);
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* not persisted */
    }
    setApiLanguage(next);
    setLangState(next);
  }, []);
  const value = useMemo<LangValue>(
    () => ({ lang, setLang, t: (key, params) => translate(lang, key, params) }),
    [lang, setLang],
  );
  return <LangContext.Provider value={value}>{children}</LangContext.Provider>;
}

export function useLang(): LangValue {
  const value = useContext(LangContext);
  if (!value) throw new Error('useLang outside <LangProvider>');
  return value;
}

interface SessionValue {
  me: Me;
  departments: Department[];
  documentTypes: DocumentType[];
  signOut: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a session');
  return value;
}

/** Departments and document types, loaded once per session (the filters and forms need them). */
export function useReferenceData(enabled: boolean) {
  const [departments, setDepartments] = useState<Department[]>([]);
  const [documentTypes, setDocumentTypes] = useState<DocumentType[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    getDepartments().then((d) => live && setDepartments(d), () => undefined);
    getDocumentTypes().then((d) => live && setDocumentTypes(d), () => undefined);
    return () => {
      live = false;
    };
  }, [enabled]);
  return { departments, documentTypes };
}

export function departmentName(d: { name: string; name_en?: string } | undefined | null, lang: Lang): string {
  if (!d) return '';
  return lang === 'en' && d.name_en ? d.name_en : d.name;
}
