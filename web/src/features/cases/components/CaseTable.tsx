import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';
import { useCatalog } from '@/lib/catalog';
import { formatDateTime } from '@/lib/due';

import { summaryOf, useOrgUnitNames, type CaseItem } from '../api/cases';
import { CaseStatusTag } from './CaseStatusTag';

interface CaseTableProps {
  cases: CaseItem[];
  now: Date;
  loading: boolean;
  emptyText: string;
}

export default function CaseTable({ cases, now, loading, emptyText }: CaseTableProps) {
  const { t, i18n } = useTranslation();
  const catalog = useCatalog();
  const units = useOrgUnitNames();
  const columns: ColumnsType<CaseItem> = [
    {
      key: 'case',
      title: t('cases.columns.case'),
      render: (_, item) => (
        <Link to={`/cases/${item.id}`}>
          <Typography.Text strong>{item.case_no ?? t('case.noNumber')}</Typography.Text>
        </Link>
      ),
    },
    {
      key: 'process',
      title: t('cases.columns.process'),
      render: (_, item) => (
        <>
          {catalog.data?.processes.get(item.process) ?? item.process}
          {summaryOf(item) && (
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0, maxWidth: 360 }}>
              {summaryOf(item)}
            </Typography.Paragraph>
          )}
        </>
      ),
    },
    { key: 'status', title: t('cases.columns.status'), render: (_, item) => <CaseStatusTag status={item.status} /> },
    { key: 'risk', title: t('cases.columns.risk'), render: (_, item) => <RiskTag risk={item.risk_colour} /> },
    { key: 'unit', title: t('cases.columns.orgUnit'), render: (_, item) => (item.org_unit ? (units.data?.get(item.org_unit) ?? item.org_unit) : '—') },
    {
      key: 'due',
      title: t('cases.columns.due'),
      // A finished case has no deadline left to show.
      render: (_, item) => (item.status === 'running' ? <DueTime dueAt={item.due_at} overdue={item.overdue} now={now} /> : '—'),
    },
    { key: 'created', title: t('cases.columns.created'), render: (_, item) => formatDateTime(item.created_at, i18n.language, now) },
  ];
  return (
    <Table<CaseItem>
      rowKey="id"
      columns={columns}
      dataSource={cases}
      loading={loading}
      pagination={false}
      // Table's own placeholder grey is too faint to read: the text is information.
      locale={{ emptyText: <Typography.Text type="secondary">{emptyText}</Typography.Text> }}
      rowClassName={(item) => (item.overdue ? 'task-row-overdue' : '')}
    />
  );
}
