import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** A page of UI.md whose screen is still being built; its address already works. */
export function ComingSoon({ page }: { page: string }) {
  const { t } = useTranslation();
  return <Result status="info" title={t(`comingSoon.pages.${page}`)} subTitle={t('comingSoon.text')} />;
}
