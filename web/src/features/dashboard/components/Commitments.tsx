import { Alert, Button, Card, Skeleton, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

import { useCommitments, type Commitment, type UnitCommitments } from '../api/reports';
import { percent, type CockpitFilters } from '../lib/filters';
import styles from './Dashboard.module.css';
import type { PickedFigure } from './FigureDrawer';

interface Props {
  filters: CockpitFilters;
  onPick: (figure: PickedFigure) => void;
  onDrill: (orgUnit: string) => void;
}

/** 有来必受、有受必理、有理必果、有果必公: each number opens the cases it counted. */
export function Commitments({ filters, onPick, onDrill }: Props) {
  const { t } = useTranslation();
  const commitments = useCommitments(filters);
  if (commitments.isError) return <Alert type="error" showIcon message={errorMessage(t, commitments.error)} />;
  if (!commitments.data) return <Skeleton active />;
  return (
    <section aria-labelledby="commitments-title" className={styles.section}>
      <Typography.Title level={3} id="commitments-title">
        {t('dashboard.commitments.title')}
      </Typography.Title>
      <div className={styles.cards}>
        {commitments.data.commitments.map((commitment) => (
          <CommitmentCard key={commitment.key} commitment={commitment} onPick={onPick} />
        ))}
      </div>
      {commitments.data.units && commitments.data.units.length > 0 && <UnitTable units={commitments.data.units} onDrill={onDrill} />}
    </section>
  );
}

function CommitmentCard({ commitment, onPick }: { commitment: Commitment; onPick: (figure: PickedFigure) => void }) {
  const { t } = useTranslation();
  const label = commitment.label ?? '';
  const pick = (part: 'cases' | 'kept' | 'not_kept' | 'late', count: number) => () =>
    onPick({ title: `${label} · ${t(`dashboard.commitments.parts.${part}`)}（${count}）`, query: { figure: 'commitment', key: commitment.key, part } });
  const numerator = commitment.numerator ?? 0;
  const denominator = commitment.denominator ?? 0;
  const late = commitment.late_cases ?? 0;
  return (
    <Card size="small" title={label} className={styles.commitment} data-commitment={commitment.key}>
      <Tooltip title={commitment.definition}>
        <Button type="link" className={styles.rate} onClick={pick('kept', numerator)} aria-label={t('dashboard.commitments.rateOf', { label, rate: percent(commitment.rate) })}>
          {percent(commitment.rate)}
        </Button>
      </Tooltip>
      <div className={styles.ratio}>
        <Button type="link" size="small" onClick={pick('kept', numerator)} aria-label={`${label} ${t('dashboard.commitments.parts.kept')} ${numerator}`}>
          <span data-figure="numerator">{numerator}</span>
        </Button>
        /
        <Button type="link" size="small" onClick={pick('cases', denominator)} aria-label={`${label} ${t('dashboard.commitments.parts.cases')} ${denominator}`}>
          <span data-figure="denominator">{denominator}</span>
        </Button>
      </div>
      <Typography.Text type="secondary" className={styles.small}>
        {t('dashboard.commitments.onTime', { rate: percent(commitment.on_time?.rate), numerator: commitment.on_time?.numerator ?? 0, denominator: commitment.on_time?.denominator ?? 0 })}
      </Typography.Text>
      <div>
        <Button type="link" size="small" onClick={pick('not_kept', denominator - numerator)}>
          {t('dashboard.commitments.notKept', { n: denominator - numerator })}
        </Button>
        <Button type="link" size="small" danger={late > 0} onClick={pick('late', late)}>
          {t('dashboard.commitments.late', { n: late })}
        </Button>
      </div>
    </Card>
  );
}

function UnitTable({ units, onDrill }: { units: UnitCommitments[]; onDrill: (orgUnit: string) => void }) {
  const { t } = useTranslation();
  const keys = units[0]?.commitments?.map((c) => ({ key: c.key ?? '', label: c.label ?? '' })) ?? [];
  const columns: ColumnsType<UnitCommitments> = [
    {
      title: t('dashboard.commitments.unit'),
      dataIndex: 'name',
      fixed: 'left',
      render: (name: string, unit) =>
        unit.has_children ? (
          <Button type="link" size="small" onClick={() => onDrill(unit.org_unit ?? '')} aria-label={t('dashboard.commitments.drill', { name })}>
            {name}
          </Button>
        ) : (
          name
        ),
    },
    ...keys.map(({ key, label }) => ({
      title: label,
      key,
      render: (_: unknown, unit: UnitCommitments) => {
        const found = unit.commitments?.find((c) => c.key === key);
        return found ? `${percent(found.rate)}（${found.numerator ?? 0}/${found.denominator ?? 0}）` : '—';
      },
    })),
  ];
  return (
    <Card size="small" title={t('dashboard.commitments.byUnit')} className={styles.wide}>
      <div className={styles.tableBox}>
        <Table<UnitCommitments> size="small" rowKey="org_unit" columns={columns} dataSource={units} pagination={false} scroll={{ x: 'max-content' }} />
      </div>
    </Card>
  );
}
