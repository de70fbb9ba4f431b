import { Alert, Card, Skeleton, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useCatalog } from '@/lib/catalog';
import { formatDateTime } from '@/lib/due';
import { errorMessage } from '@/lib/error-message';

import { useRetentionReport, type RetentionReport } from '../api/reports';
import type { CockpitFilters } from '../lib/filters';
import styles from './Dashboard.module.css';

type Anonymised = RetentionReport['anonymised'][number];
type ComingDue = RetentionReport['coming_due'][number];

/** 保管期限: the cases anonymised in the period (PIPL Art. 47) and those coming due in 90 days. */
export function Retention({ filters }: { filters: CockpitFilters }) {
  const { t, i18n } = useTranslation();
  const report = useRetentionReport(filters);
  const catalog = useCatalog();
  const processName = (key: string) => catalog.data?.processes.get(key) ?? key;
  const caseLink = (row: { id: string; case_no?: string | null }) => <Link to={`/cases/${row.id}`}>{row.case_no ?? row.id}</Link>;
  if (report.isError) return <Alert type="error" showIcon message={errorMessage(t, report.error)} />;
  if (!report.data) return <Skeleton active />;
  return (
    <section aria-labelledby="retention-title" className={styles.section}>
      <Typography.Title level={3} id="retention-title">
        {t('dashboard.retention.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('dashboard.retention.explain')}</Typography.Paragraph>
      <div className={styles.charts}>
        <Card size="small" title={t('dashboard.retention.anonymised', { count: report.data.anonymised.length })}>
          <Table<Anonymised>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            dataSource={report.data.anonymised}
            locale={{ emptyText: t('dashboard.retention.none') }}
            columns={[
              { title: t('dashboard.retention.caseNo'), dataIndex: 'case_no', render: (_: unknown, row) => caseLink(row) },
              { title: t('dashboard.retention.process'), dataIndex: 'process_key', render: processName },
              { title: t('dashboard.retention.until'), dataIndex: 'retain_until' },
              { title: t('dashboard.retention.at'), dataIndex: 'anonymised_at', render: (at: string) => formatDateTime(at, i18n.language) },
              { title: t('dashboard.retention.values'), dataIndex: 'values', align: 'right' },
              { title: t('dashboard.retention.documents'), dataIndex: 'documents', align: 'right' },
            ]}
          />
        </Card>
        <Card size="small" title={t('dashboard.retention.comingDue', { count: report.data.coming_due.length })}>
          <Table<ComingDue>
            size="small"
            rowKey="id"
            pagination={{ pageSize: 8, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            dataSource={report.data.coming_due}
            locale={{ emptyText: t('dashboard.retention.none') }}
            columns={[
              { title: t('dashboard.retention.caseNo'), dataIndex: 'case_no', render: (_: unknown, row) => caseLink(row) },
              { title: t('dashboard.retention.process'), dataIndex: 'process_key', render: processName },
              { title: t('dashboard.retention.until'), dataIndex: 'retain_until' },
              { title: t('dashboard.retention.hold'), dataIndex: 'held', render: (held: boolean) => (held ? <Tag color="red">{t('dashboard.retention.held')}</Tag> : null) },
            ]}
          />
        </Card>
      </div>
    </section>
  );
}
