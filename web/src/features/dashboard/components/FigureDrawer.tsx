import { Alert, Drawer, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { RiskTag } from '@/components/RiskTag';
import { formatDateTime } from '@/lib/due';
import { errorMessage } from '@/lib/error-message';

import { useFigureCases, type FigureCase, type FigureQuery } from '../api/reports';
import type { CockpitFilters } from '../lib/filters';
import styles from './Dashboard.module.css';

export interface PickedFigure {
  title: string;
  query: FigureQuery;
}

/** The cases behind a figure; each row opens its case page. */
export function FigureDrawer({ filters, figure, onClose }: { filters: CockpitFilters; figure: PickedFigure | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={figure !== null} onClose={onClose} title={figure?.title} width="min(920px, 100vw)" destroyOnHidden>
      {figure && <FigureCases filters={filters} figure={figure} />}
      <Typography.Paragraph type="secondary" className={styles.note}>
        {t('dashboard.cases.privacy')}
      </Typography.Paragraph>
    </Drawer>
  );
}

function FigureCases({ filters, figure }: { filters: CockpitFilters; figure: PickedFigure }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const cases = useFigureCases(filters, figure.query, page);
  if (cases.isError) return <Alert type="error" showIcon message={errorMessage(t, cases.error)} />;
  const columns: ColumnsType<FigureCase> = [
    { title: t('dashboard.cases.caseNo'), dataIndex: 'case_no', render: (caseNo: string | null, row) => <Link to={`/cases/${row.case_id}`}>{caseNo ?? row.case_id}</Link> },
    { title: t('dashboard.cases.received'), dataIndex: 'created_at', render: (at: string) => formatDateTime(new Date(at), i18n.language) },
    { title: t('dashboard.cases.risk'), dataIndex: 'risk_colour', render: (risk: string | null) => <RiskTag risk={risk} /> },
    { title: t('dashboard.cases.channel'), dataIndex: 'channel_label' },
    { title: t('dashboard.cases.disputeType'), dataIndex: 'dispute_type_label' },
    { title: t('dashboard.cases.level'), dataIndex: 'level_label' },
    { title: t('dashboard.cases.status'), dataIndex: 'status_label' },
    { title: t('dashboard.cases.outcome'), dataIndex: 'outcome_label' },
    { title: t('dashboard.cases.unit'), dataIndex: 'org_unit_name' },
  ];
  return (
    <>
      <Typography.Paragraph>{t('dashboard.cases.total', { n: cases.data?.total ?? 0 })}</Typography.Paragraph>
      <div className={styles.tableBox}>
        <Table<FigureCase>
          size="small"
          rowKey="case_id"
          columns={columns}
          dataSource={cases.data?.items ?? []}
          loading={cases.isPending || cases.isFetching}
          scroll={{ x: 'max-content' }}
          pagination={{ current: page, pageSize: 20, total: cases.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
        />
      </div>
    </>
  );
}
