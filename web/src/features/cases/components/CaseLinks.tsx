import { Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { useCatalog } from '@/lib/catalog';

import type { CaseDetail, CaseLink } from '../api/cases';
import { CaseStatusTag } from './CaseStatusTag';

/** The case whose message started this one, and those this one's messages started. */
export function CaseLinks({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const origin = isLink(detail.origin) ? detail.origin : null;
  if (!origin && !detail.derived_cases.length) return null;
  return (
    <Card size="small" title={t('case.links.title')}>
      <Flex vertical gap={12}>
        {origin && (
          <div>
            <Typography.Text type="secondary">{t('case.links.origin')}</Typography.Text>
            <LinkedCase link={origin} />
          </div>
        )}
        {detail.derived_cases.length > 0 && (
          <div>
            <Typography.Text type="secondary">{t('case.links.derived')}</Typography.Text>
            {detail.derived_cases.map((link) => (
              <LinkedCase key={link.id} link={link} />
            ))}
          </div>
        )}
      </Flex>
    </Card>
  );
}

function LinkedCase({ link }: { link: CaseLink }) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  return (
    <Flex wrap gap={8} align="center">
      <Link to={`/cases/${link.id}`}>{link.case_no ?? t('case.noNumber')}</Link>
      <Typography.Text>{catalog.data?.processes.get(link.process) ?? link.process}</Typography.Text>
      <CaseStatusTag status={link.status} />
    </Flex>
  );
}

/** The API sends null (or, as its document allows, {}) when there is no origin she may see. */
function isLink(value: CaseDetail['origin']): value is CaseLink {
  return typeof (value as Partial<CaseLink> | null)?.id === 'string';
}
