import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

import { riskTag } from '@/lib/risk';

/** The case's risk colour as a coloured tag with its name (colour alone says nothing to a screen reader). */
export function RiskTag({ risk }: { risk: string | null | undefined }) {
  const { t } = useTranslation();
  const tag = riskTag(risk);
  if (!tag) return <Tag>{t('risk.none')}</Tag>;
  return (
    <Tag color={tag.tagColour} title={t('risk.title', { colour: t(`risk.${tag.risk}`) })}>
      {t(`risk.${tag.risk}`)}
    </Tag>
  );
}
