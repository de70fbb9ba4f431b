import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

export function PageError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      message={errorMessage(t, error)}
      action={onRetry && <Button onClick={onRetry}>{t('common.retry')}</Button>}
    />
  );
}
