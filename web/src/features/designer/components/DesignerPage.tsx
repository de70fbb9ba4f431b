import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Placeholder until the page is built. */
export default function DesignerPage() {
  const { t } = useTranslation();
  return <Typography.Title level={2}>{t('nav.designer')}</Typography.Title>;
}
