import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Result, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { formatDateTime } from '@/lib/due';

import type { SavedReceipt } from '../lib/receipts';
import styles from './IntakeReceipt.module.css';

/** After a submission: the receipt, large, to copy or write down: the only way to ask later. */
export function IntakeReceipt({ receipt }: { receipt: SavedReceipt }) {
  const { t, i18n } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    navigator.clipboard.writeText(receipt.receipt).then(
      () => setCopied(true),
      // No clipboard (a plain-http address, an old browser): the number stays selectable.
      () => setCopied(false),
    );
  return (
    <Card>
      <Result
        status="success"
        title={t('intake.done.title')}
        subTitle={t('intake.done.subtitle', { caseNo: receipt.caseNo, at: formatDateTime(receipt.receivedAt, i18n.language) })}
      />
      <Flex vertical gap={16} align="stretch">
        <div className={styles.receiptBox}>
          <Typography.Text type="secondary" id="intake-receipt-label">
            {t('intake.done.receipt')}
          </Typography.Text>
          <output className={styles.receipt} aria-labelledby="intake-receipt-label">
            {receipt.receipt}
          </output>
          <Button icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={() => void copy()}>
            {copied ? t('intake.done.copied') : t('intake.done.copy')}
          </Button>
        </div>
        <Alert type="warning" role="note" showIcon message={t('intake.done.keep')} />
        <Link to={`/intake/${encodeURIComponent(receipt.receipt)}`}>{t('intake.done.progress')}</Link>
      </Flex>
    </Card>
  );
}
