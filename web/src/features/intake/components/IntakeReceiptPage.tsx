import { Card, Descriptions, Result, Skeleton, Steps, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { ApiError } from '@/lib/api-error';
import { formatDateTime } from '@/lib/due';

import { usePublicStatus } from '../api/intake';
import { PublicLayout } from './PublicLayout';
import { ReceiptLookup } from './ReceiptLookup';

/** /intake/{receipt}: where a matter submitted online stands, in coarse public stages. */
export default function IntakeReceiptPage() {
  const { t } = useTranslation();
  const { receipt = '' } = useParams();
  return (
    <PublicLayout title={t('intake.status.title')}>
      <ReceiptStatus key={receipt} receipt={receipt} />
    </PublicLayout>
  );
}

function ReceiptStatus({ receipt }: { receipt: string }) {
  const { t, i18n } = useTranslation();
  const status = usePublicStatus(receipt);

  if (status.isPending) return <Skeleton active />;
  if (status.isError) {
    if (status.error instanceof ApiError && status.error.status === 404) {
      return (
        <>
          <Result status="warning" title={t('intake.status.unknown')} subTitle={t('intake.status.unknownHelp')} />
          <ReceiptLookup initial={receipt} />
        </>
      );
    }
    return <PageError error={status.error} onRetry={() => void status.refetch()} />;
  }
  const matter = status.data;
  const reached = matter.steps.reduce((last, step, index) => (step.done ? index : last), 0);
  return (
    <>
      <Card>
        <Descriptions
          column={1}
          size="small"
          items={[
            { key: 'caseNo', label: t('intake.status.caseNo'), children: matter.case_no },
            { key: 'received', label: t('intake.status.received'), children: formatDateTime(matter.received_at, i18n.language) },
            { key: 'status', label: t('intake.status.status'), children: <Typography.Text strong>{matter.status_label}</Typography.Text> },
            ...(matter.outcome_label ? [{ key: 'outcome', label: t('intake.status.outcome'), children: matter.outcome_label }] : []),
          ]}
        />
        <Steps
          direction="vertical"
          size="small"
          current={reached}
          style={{ marginTop: 16 }}
          items={matter.steps.map((step) => ({
            title: step.label,
            status: step.done ? 'finish' : 'wait',
            description: step.at ? formatDateTime(step.at, i18n.language) : undefined,
          }))}
        />
      </Card>
      <Link to="/intake">{t('intake.status.newMatter')}</Link>
    </>
  );
}
