import { Alert, Card, Descriptions, Flex, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';
import { useNow } from '@/hooks/use-now';
import { useCatalog } from '@/lib/catalog';
import { formatDateTime } from '@/lib/due';

import { useOrgUnitNames, type CaseDetail } from '../api/cases';
import type { Labels } from '../lib/case-data';
import { CaseActions } from './CaseActions';
import { CaseStatusTag } from './CaseStatusTag';

/** Which case this is, where it stands, its open tasks, and what a supervisor can do with it. */
export function CaseHeader({ detail, labels, processName }: { detail: CaseDetail; labels: Labels; processName: string }) {
  const { t, i18n } = useTranslation();
  const units = useOrgUnitNames();
  const now = useNow();
  const unit = detail.org_unit ? (units.data?.get(detail.org_unit) ?? detail.org_unit) : null;
  const choice = (field: string, value: string | null) => (value ? (labels[field]?.choices?.[value] ?? value) : null);
  const facts = [
    { key: 'channel', label: labels.channel?.title || t('case.header.channel'), children: choice('channel', detail.channel) },
    { key: 'dispute_type', label: labels.dispute_type?.title || t('case.header.disputeType'), children: choice('dispute_type', detail.dispute_type) },
    { key: 'created', label: t('case.header.created'), children: formatDateTime(detail.created_at, i18n.language, now) },
    { key: 'outcome', label: labels.outcome?.title || t('case.header.outcome'), children: choice('outcome', detail.outcome) },
    { key: 'ended', label: t('case.header.ended'), children: detail.ended_at && formatDateTime(detail.ended_at, i18n.language, now) },
  ].filter((fact) => fact.children);

  return (
    <Card>
      <Flex vertical gap={12}>
        <Link to="/cases">{t('case.backToList')}</Link>
        <div>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {detail.case_no ?? t('case.noNumber')}
          </Typography.Title>
          <Typography.Text type="secondary">
            {processName} · {t('case.header.version', { version: detail.version })}
          </Typography.Text>
        </div>
        <Space wrap size={[8, 4]}>
          <CaseStatusTag status={detail.status} />
          <RiskTag risk={detail.risk_colour} />
          {detail.level !== null && <Tag>{t('case.header.level', { level: detail.level })}</Tag>}
          {detail.overdue && <Tag color="error">{t('due.overdue')}</Tag>}
          {unit && <Tag>{unit}</Tag>}
        </Space>
        {detail.summary && <Typography.Paragraph style={{ margin: 0 }}>{detail.summary}</Typography.Paragraph>}
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={facts} />
        {detail.incidents.map((incident) => (
          <Alert
            key={incident.id}
            type="error"
            role="note"
            showIcon
            message={t('case.header.incident', { at: formatDateTime(incident.created_at, i18n.language, now) })}
            description={incident.message}
          />
        ))}
        <OpenTasks detail={detail} now={now} />
        <CaseActions detail={detail} />
      </Flex>
    </Card>
  );
}

function OpenTasks({ detail, now }: { detail: CaseDetail; now: Date }) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const units = useOrgUnitNames();
  if (!detail.tasks.length) return null;
  return (
    <section aria-labelledby="case-open-tasks">
      <Typography.Title level={3} id="case-open-tasks" style={{ marginTop: 0, fontSize: 16 }}>
        {t('case.header.openTasks', { count: detail.tasks.length })}
      </Typography.Title>
      <Flex vertical gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {detail.tasks.map((task) => {
          const role = task.role ? (catalog.data?.roles.get(task.role) ?? task.role) : null;
          const unit = task.org_unit ? (units.data?.get(task.org_unit) ?? task.org_unit) : null;
          return (
            <li key={task.id} style={{ borderInlineStart: '3px solid #1677ff', paddingInlineStart: 8 }}>
              <Link to={`/tasks/${task.id}`}>
                <Typography.Text strong>{task.title}</Typography.Text>
              </Link>
              <br />
              <Typography.Text type="secondary">
                {[role, unit].filter(Boolean).join(' · ')}
                {' · '}
                {task.assignee ? t('task.assignedTo', { user: task.assignee }) : t('task.unassigned')}
              </Typography.Text>
              <div>
                <DueTime dueAt={task.due_at} basis={task.deadline_basis} open={task.state === 'ready'} now={now} />
              </div>
            </li>
          );
        })}
      </Flex>
    </section>
  );
}
