import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

import type { RolledBack } from '../api/designer';

export function RollbackResult({ done }: { done: RolledBack | null }) {
  const { t } = useTranslation();
  if (!done) return null;
  const text = done.created ? t('designer.rollback.done', { version: done.version, from: done.from_version }) : t('designer.rollback.unchanged');
  return <Alert type="success" showIcon role="status" message={text} style={{ marginBottom: 16 }} />;
}
