import { Alert, Card, Skeleton } from 'antd';
import Markdown from 'markdown-to-jsx';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';

import { PageError } from '@/components/PageError';
import { ApiError } from '@/lib/api-error';

import { useGuide } from '../api/designer';
import { GUIDES, guideLink } from '../lib/guide-links';
import styles from './Designer.module.css';
import { StudioHeader } from './StudioHeader';

function GuideAnchor({ href = '', children }: { href?: string; children?: ReactNode }) {
  const link = guideLink(href);
  if (link.kind === 'guide') return <Link to={link.to}>{children}</Link>;
  if (link.kind === 'page') return <a href={link.href}>{children}</a>;
  return <span title={link.path}>{children}</span>;
}

// A wide table scrolls inside itself: keyboard users reach it too.
const MARKDOWN = {
  forceBlock: true,
  disableParsingRawHTML: true,
  overrides: { table: { props: { tabIndex: 0 } }, a: { component: GuideAnchor } },
};

/** 设计指南 and the other guides (docs/*.md), as the server has them. */
export function GuidePage() {
  const { t } = useTranslation();
  const { name } = useParams();
  const guide = useGuide((GUIDES as readonly string[]).includes(name ?? '') ? (name as string) : 'designer-guide');
  let body;
  if (guide.isPending) body = <Skeleton active />;
  else if (guide.isError && guide.error instanceof ApiError && guide.error.status === 404) body = <Alert type="info" showIcon message={t('designer.guide.missing')} />;
  else if (guide.isError) body = <PageError error={guide.error} onRetry={() => void guide.refetch()} />;
  else
    body = (
      <article className={`${styles.wrap} ${styles.guide}`}>
        <Markdown options={MARKDOWN}>{guide.data.markdown}</Markdown>
      </article>
    );
  return (
    <>
      <StudioHeader title={t('designer.guide.link')} back="/designer" backLabel={t('designer.processes.title')} />
      <Card size="small">{body}</Card>
    </>
  );
}
