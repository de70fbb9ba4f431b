import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

import { chooseLanguage } from '@/lib/i18n';

/** One click to the other language; the button names it in that language. */
export function LanguageSwitch({ block = false, className }: { block?: boolean; className?: string }) {
  const { t, i18n } = useTranslation();
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button type="text" block={block} className={className} lang={other} onClick={() => chooseLanguage(other)} title={t('header.switchLanguage')}>
      {other === 'en' ? 'English' : '中文'}
    </Button>
  );
}
