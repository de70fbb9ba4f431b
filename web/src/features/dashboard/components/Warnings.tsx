import { Alert, Button, Card, Empty, List, Space, Statistic, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { RiskTag } from '@/components/RiskTag';
import { formatDateTime } from '@/lib/due';
import { errorMessage } from '@/lib/error-message';

import { OVERDUE_PER_PAGE, useDueSoon, useFigureCases, useOverdue } from '../api/reports';
import type { CockpitFilters } from '../lib/filters';
import styles from './Dashboard.module.css';
import type { PickedFigure } from './FigureDrawer';
import { OverdueActions } from './OverdueActions';

const HIGH_RISK_LIST = '/cases?status=running,suspended,incident&risk=red,orange';

/** What needs a supervisor now: open red and orange cases, the 督办 list, deadlines close by. */
export function Warnings({ filters, onPick }: { filters: CockpitFilters; onPick: (figure: PickedFigure) => void }) {
  const { t } = useTranslation();
  const highRisk = useFigureCases(filters, { figure: 'open_high_risk' }, 1);
  const title = t('dashboard.warnings.highRisk');
  return (
    <section aria-labelledby="warnings-title" className={styles.section}>
      <Typography.Title level={3} id="warnings-title">
        {t('dashboard.warnings.title')}
      </Typography.Title>
      <div className={styles.warnings}>
        <Card size="small" className={styles.alertCard}>
          <Statistic title={title} value={highRisk.data?.total ?? '…'} valueStyle={{ color: '#cf1322' }} />
          <Space wrap size={4}>
            <Button type="link" size="small" onClick={() => onPick({ title, query: { figure: 'open_high_risk' } })}>
              {t('dashboard.showCases')}
            </Button>
            <Link to={HIGH_RISK_LIST}>{t('dashboard.warnings.caseList')}</Link>
          </Space>
        </Card>
        <OverdueList orgUnit={filters.orgUnit} />
        <DueSoonList orgUnit={filters.orgUnit} />
      </div>
    </section>
  );
}

function OverdueList({ orgUnit }: { orgUnit: string | null }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const overdue = useOverdue(orgUnit, page);
  return (
    <Card size="small" title={<span>{t('dashboard.warnings.overdue')} <Tag color="error">{overdue.data?.total ?? 0}</Tag></span>} className={styles.wide}>
      {overdue.isError && <Alert type="error" showIcon message={errorMessage(t, overdue.error)} />}
      <List
        size="small"
        loading={overdue.isPending}
        dataSource={overdue.data?.items ?? []}
        pagination={(overdue.data?.total ?? 0) > OVERDUE_PER_PAGE ? { current: page, pageSize: OVERDUE_PER_PAGE, total: overdue.data?.total ?? 0, onChange: setPage, size: 'small', showSizeChanger: false, className: styles.noPrint } : false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.warnings.noOverdue')} /> }}
        renderItem={(item) => (
          <List.Item className={styles.warningItem} aria-label={`${item.case_no ?? ''} ${item.title}`}>
            <div className={styles.warningText}>
              <Space size={6} wrap>
                <Link to={`/cases/${item.case_id}`}>{item.case_no}</Link>
                <Link to={`/tasks/${item.task_id}`}>{item.title}</Link>
                <RiskTag risk={item.risk_colour} />
                <Tag color="error">{t('dashboard.warnings.overdueDays', { days: item.overdue_days })}</Tag>
              </Space>
              <Typography.Text type="secondary" className={styles.small}>
                {item.org_unit_name} · {item.role_label} · {item.assignee ? t('dashboard.warnings.assignee', { user: item.assignee }) : t('dashboard.warnings.unassigned')} ·{' '}
                {t('dashboard.warnings.due', { at: formatDateTime(new Date(item.due_at), i18n.language) })}
                {item.deadline_basis ? ` · ${t('dashboard.warnings.basis', { basis: item.deadline_basis })}` : ''}
              </Typography.Text>
            </div>
            <div className={styles.noPrint}>
              <OverdueActions task={item} />
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}

function DueSoonList({ orgUnit }: { orgUnit: string | null }) {
  const { t, i18n } = useTranslation();
  const soon = useDueSoon(orgUnit);
  return (
    <Card size="small" title={<span>{t('dashboard.warnings.dueSoon')} <Tag color="warning">{soon.data?.total ?? 0}</Tag></span>} className={styles.wide}>
      {soon.isError && <Alert type="error" showIcon message={errorMessage(t, soon.error)} />}
      <List
        size="small"
        loading={soon.isPending}
        dataSource={soon.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.warnings.noDueSoon')} /> }}
        renderItem={(item) => (
          <List.Item className={styles.warningItem}>
            <div className={styles.warningText}>
              <Space size={6} wrap>
                <Link to={`/cases/${item.case_id}`}>{item.case_no}</Link>
                <Link to={`/tasks/${item.task_id}`}>{item.title}</Link>
                <RiskTag risk={item.risk_colour} />
                <Tag color="warning">{t('dashboard.warnings.hoursLeft', { hours: item.hours_left })}</Tag>
              </Space>
              <Typography.Text type="secondary" className={styles.small}>
                {item.org_unit_name} · {t('dashboard.warnings.due', { at: formatDateTime(new Date(item.due_at), i18n.language) })}
                {item.deadline_basis ? ` · ${t('dashboard.warnings.basis', { basis: item.deadline_basis })}` : ''}
              </Typography.Text>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}
