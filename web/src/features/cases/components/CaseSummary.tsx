import { Card, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { RiskTag } from '@/components/RiskTag';

import { useOrgUnitNames } from '../api/cases';

interface CaseFacts {
  id: string;
  case_no: string | null;
  status: string;
  risk_colour: string | null;
  org_unit: string | null;
}

export function CaseSummary({ facts }: { facts: CaseFacts }) {
  const { t } = useTranslation();
  const units = useOrgUnitNames();
  const unit = facts.org_unit ? (units.data?.get(facts.org_unit) ?? facts.org_unit) : '—';
  return (
    <Card size="small" title={t('case.summary.title')} extra={<Link to={`/cases/${facts.id}`}>{t('case.summary.open')}</Link>}>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('case.summary.caseNo')}>{facts.case_no ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('case.summary.status')}>{t(`caseStatus.${facts.status}`, { defaultValue: facts.status })}</Descriptions.Item>
        <Descriptions.Item label={t('case.summary.risk')}>
          <RiskTag risk={facts.risk_colour} />
        </Descriptions.Item>
        <Descriptions.Item label={t('case.summary.orgUnit')}>{unit}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
