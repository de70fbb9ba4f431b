import { Button, Card, List } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatDateTime } from '@/lib/due';

import { forgetReceipt, savedReceipts } from '../lib/receipts';

/** The receipts someone chose to keep on this device, each with a way to remove it. */
export function SavedReceipts() {
  const { t, i18n } = useTranslation();
  const [receipts, setReceipts] = useState(() => savedReceipts());
  if (!receipts.length) return null;
  return (
    <Card size="small" title={t('intake.saved.title')}>
      <List
        dataSource={receipts}
        renderItem={(saved) => (
          <List.Item
            actions={[
              <Button key="forget" type="link" size="small" onClick={() => setReceipts(forgetReceipt(saved.receipt))}>
                {t('intake.saved.forget')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={<Link to={`/intake/${encodeURIComponent(saved.receipt)}`}>{saved.caseNo}</Link>}
              description={formatDateTime(saved.receivedAt, i18n.language)}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
