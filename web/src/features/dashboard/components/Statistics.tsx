import { Alert, Button, Card, Skeleton, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

import { useSummary, type GroupBy, type Summary } from '../api/reports';
import { percent, type CockpitFilters } from '../lib/filters';
import { barOption, lineOption, pieOption, type Slice } from '../lib/chart-options';
import { Chart } from './Chart';
import styles from './Dashboard.module.css';
import type { PickedFigure } from './FigureDrawer';

type Pick = (figure: PickedFigure) => void;
const BARS: GroupBy[] = ['channel', 'dispute_type', 'risk_colour', 'level', 'org_unit'];

/** 化解率 with its formula, counts by dimension, cycle times, follow-up visits, satisfaction. */
export function Statistics({ filters, onPick }: { filters: CockpitFilters; onPick: Pick }) {
  const { t } = useTranslation();
  const summary = useSummary(filters, 'channel');
  if (summary.isError) return <Alert type="error" showIcon message={errorMessage(t, summary.error)} />;
  if (!summary.data) return <Skeleton active />;
  return (
    <section aria-labelledby="statistics-title" className={styles.section}>
      <Typography.Title level={3} id="statistics-title">
        {t('dashboard.statistics.title')}
      </Typography.Title>
      <div className={styles.cards}>
        <Resolution summary={summary.data} onPick={onPick} />
        <FollowUp summary={summary.data} />
      </div>
      <div className={styles.charts}>
        {BARS.map((groupBy) => (
          <GroupChart key={groupBy} filters={filters} groupBy={groupBy} onPick={onPick} />
        ))}
        <GroupChart filters={filters} groupBy="month" onPick={onPick} />
        <CycleTimes summary={summary.data} onPick={onPick} />
        <Satisfaction summary={summary.data} />
      </div>
    </section>
  );
}

function Resolution({ summary, onPick }: { summary: Summary; onPick: Pick }) {
  const { t } = useTranslation();
  const rate = summary.resolution_rate;
  const numerator = rate?.numerator ?? 0;
  const denominator = rate?.denominator ?? 0;
  return (
    <Card size="small" title={t('dashboard.statistics.resolution')} className={styles.commitment} data-figure="resolution">
      <Button type="link" className={styles.rate} onClick={() => onPick({ title: `${t('dashboard.statistics.resolved')}（${numerator}）`, query: { figure: 'resolved' } })}>
        <span data-figure="resolution-rate">{percent(rate?.rate)}</span>
      </Button>
      <div className={styles.ratio}>
        <Button type="link" size="small" onClick={() => onPick({ title: `${t('dashboard.statistics.resolved')}（${numerator}）`, query: { figure: 'resolved' } })} aria-label={`${t('dashboard.statistics.resolved')} ${numerator}`}>
          {numerator}
        </Button>
        /
        <Button type="link" size="small" onClick={() => onPick({ title: `${t('dashboard.statistics.closed')}（${denominator}）`, query: { figure: 'closed' } })} aria-label={`${t('dashboard.statistics.closed')} ${denominator}`}>
          {denominator}
        </Button>
      </div>
      <Typography.Paragraph className={styles.formula}>{t('dashboard.statistics.formula')}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" className={styles.small}>
        {rate?.definition}
      </Typography.Paragraph>
    </Card>
  );
}

function FollowUp({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  const follow = summary.follow_up_completion;
  return (
    <Card size="small" title={t('dashboard.statistics.followUp')} className={styles.commitment}>
      <div className={styles.rate}>{percent(follow?.rate)}</div>
      <div className={styles.ratio}>
        {follow?.numerator ?? 0} / {follow?.denominator ?? 0}
      </div>
      <Typography.Text type="secondary" className={styles.small}>
        {t('dashboard.statistics.followUpOnTime', { rate: percent(follow?.on_time?.rate) })}
      </Typography.Text>
      <Typography.Paragraph type="secondary" className={styles.small}>
        {follow?.definition}
      </Typography.Paragraph>
    </Card>
  );
}

function GroupChart({ filters, groupBy, onPick }: { filters: CockpitFilters; groupBy: GroupBy; onPick: Pick }) {
  const { t } = useTranslation();
  const summary = useSummary(filters, groupBy);
  const groups = useMemo(() => summary.data?.groups ?? [], [summary.data]);
  const slices: Slice[] = useMemo(() => groups.map((g) => ({ label: g.label ?? '', value: g.count ?? 0 })), [groups]);
  const option = useMemo(() => (groupBy === 'month' ? lineOption(slices) : barOption(slices)), [groupBy, slices]);
  const title = t(`dashboard.statistics.by.${groupBy}`);
  const pick = (index: number) => {
    const group = groups[index];
    if (!group) return;
    const key = group.key === null || group.key === undefined ? '' : String(group.key as string | number);
    onPick({ title: `${title} · ${group.label ?? ''}（${group.count ?? 0}）`, query: { figure: 'group', group_by: groupBy, key } });
  };
  return (
    <Card size="small" title={title} className={styles.chartCard}>
      {summary.data ? <Chart option={option} label={`${title}：${slices.map((s) => `${s.label} ${s.value}`).join('，')}`} onPick={pick} /> : <Skeleton active />}
      <ul className={styles.figureList}>
        {groups.map((group, index) => (
          <li key={String(group.key)}>
            <Button type="link" size="small" onClick={() => pick(index)}>
              {group.label} {group.count}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function CycleTimes({ summary, onPick }: { summary: Summary; onPick: Pick }) {
  const { t } = useTranslation();
  const cycle = summary.cycle_times;
  const levels = useMemo(() => cycle?.by_level ?? [], [cycle]);
  const option = useMemo(() => barOption(levels.map((level) => ({ label: level.label ?? '', value: level.median_days ?? 0 }))), [levels]);
  const pick = (index: number) => {
    const level = levels[index];
    if (!level) return;
    const key = level.key === null || level.key === undefined ? '' : String(level.key as string | number);
    onPick({ title: `${t('dashboard.statistics.cycle')} · ${level.label ?? ''}（${level.count ?? 0}）`, query: { figure: 'cycle', key } });
  };
  return (
    <Card size="small" title={t('dashboard.statistics.cycle')} className={styles.chartCard}>
      {levels.length > 0 && <Chart option={option} label={t('dashboard.statistics.cycle')} onPick={pick} height={180} />}
      <div className={styles.tableBox}>
        <Table
          size="small"
          pagination={false}
          rowKey={(row) => String(row.key)}
          dataSource={[...levels, { key: 'all', label: t('dashboard.statistics.allLevels'), count: cycle?.count, median_days: cycle?.median_days, p90_days: cycle?.p90_days }]}
          columns={[
            { title: t('dashboard.statistics.level'), dataIndex: 'label' },
            {
              title: t('dashboard.statistics.closedCount'),
              dataIndex: 'count',
              render: (count: number, _row, index) => (
                <Button type="link" size="small" onClick={() => (index < levels.length ? pick(index) : onPick({ title: `${t('dashboard.statistics.closed')}（${count}）`, query: { figure: 'cycle' } }))}>
                  {count ?? 0}
                </Button>
              ),
            },
            { title: t('dashboard.statistics.median'), dataIndex: 'median_days', render: (days: number | null) => days ?? '—' },
            { title: 'P90', dataIndex: 'p90_days', render: (days: number | null) => days ?? '—' },
          ]}
        />
      </div>
      <Typography.Paragraph type="secondary" className={styles.small}>
        {cycle?.definition}
      </Typography.Paragraph>
    </Card>
  );
}

function Satisfaction({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  const satisfaction = summary.satisfaction;
  const slices = useMemo(() => (satisfaction?.counts ?? []).map((c) => ({ label: c.label ?? '', value: c.count ?? 0 })), [satisfaction]);
  const option = useMemo(() => pieOption(slices), [slices]);
  return (
    <Card size="small" title={t('dashboard.statistics.satisfaction')} className={styles.chartCard}>
      <Chart option={option} label={`${t('dashboard.statistics.satisfaction')}：${slices.map((s) => `${s.label} ${s.value}`).join('，')}`} />
      <Typography.Text>{t('dashboard.statistics.satisfactionRate', { rate: percent(satisfaction?.satisfaction_rate?.rate), total: satisfaction?.total ?? 0 })}</Typography.Text>
      <Typography.Paragraph type="secondary" className={styles.small}>
        {satisfaction?.definition}
      </Typography.Paragraph>
    </Card>
  );
}
