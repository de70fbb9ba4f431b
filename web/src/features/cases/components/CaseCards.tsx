import { Card, Empty, Flex, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { DueTime } from '@/components/DueTime';
import { RiskTag } from '@/components/RiskTag';
import { useCatalog } from '@/lib/catalog';

import { summaryOf, useOrgUnitNames, type CaseItem } from '../api/cases';
import { CaseStatusTag } from './CaseStatusTag';

interface CaseCardsProps {
  cases: CaseItem[];
  now: Date;
  loading: boolean;
  emptyText: string;
}

/** The case list on a phone: one card per case instead of a table too wide for the screen. */
export function CaseCards({ cases, now, loading, emptyText }: CaseCardsProps) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const units = useOrgUnitNames();
  if (loading) return <Skeleton active />;
  if (!cases.length) return <Empty description={emptyText} />;
  return (
    <Flex vertical gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {cases.map((item) => (
        <li key={item.id}>
          <Card size="small" style={item.overdue ? { borderColor: '#ff4d4f' } : undefined}>
            <Flex justify="space-between" align="start" gap={8}>
              <Link to={`/cases/${item.id}`} style={{ minWidth: 0 }}>
                <Typography.Text strong>{item.case_no ?? t('case.noNumber')}</Typography.Text>
              </Link>
              <Space size={4}>
                <CaseStatusTag status={item.status} />
                <RiskTag risk={item.risk_colour} />
              </Space>
            </Flex>
            <Typography.Text type="secondary">
              {catalog.data?.processes.get(item.process) ?? item.process}
              {item.org_unit && ` · ${units.data?.get(item.org_unit) ?? item.org_unit}`}
            </Typography.Text>
            {summaryOf(item) && (
              <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: '4px 0' }}>
                {summaryOf(item)}
              </Typography.Paragraph>
            )}
            {item.status === 'running' && <DueTime dueAt={item.due_at} overdue={item.overdue} now={now} />}
          </Card>
        </li>
      ))}
    </Flex>
  );
}
