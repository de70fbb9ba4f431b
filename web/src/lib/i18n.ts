import 'dayjs/locale/zh-cn';

import dayjs from 'dayjs';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

import en from '@/locales/en.json';
import zhCN from '@/locales/zh-CN.json';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'jiahe.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.includes(value as Language);
}

/** The language chosen on this device before; Chinese for everyone else. */
export function preferredLanguage(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): Language {
  const stored = storage?.getItem(STORAGE_KEY);
  return isLanguage(stored) ? stored : 'zh-CN';
}

export function chooseLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  void i18n.changeLanguage(language);
}

i18n.on('languageChanged', (language) => {
  // antd's date pickers name months and weekdays through dayjs.
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
  if (typeof document !== 'undefined') document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: preferredLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;

/**
 * The cockpit, the studio and administration keep their words beside their code, in their own
 * lazy chunk (a phone opening its task list never downloads them), under one top-level key
 * each, so that t('dashboard.…') reads like the shared keys. Called when the page's module loads.
 */
export function addPageWords(page: string, words: Record<Language, object>): void {
  for (const language of LANGUAGES) i18n.addResourceBundle(language, 'translation', { [page]: words[language] }, true, true);
}
