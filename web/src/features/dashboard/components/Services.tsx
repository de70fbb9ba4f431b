import { Alert, Card, Descriptions, Skeleton, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { useServiceFigures, type ServiceFigures } from '../api/reports';
import { percent, type CockpitFilters } from '../lib/filters';
import { errorMessage } from '@/lib/error-message';
import styles from './Dashboard.module.css';

type Hotline = NonNullable<ServiceFigures['hotline']>;
type Line = NonNullable<Hotline['lines']>[number];
type Registry = NonNullable<ServiceFigures['marriage_counselling']>;
type Projects = NonNullable<ServiceFigures['counselling_projects']>;
type ProjectGroup = NonNullable<Projects['groups']>[number];
const LINE_FIGURES = ['calls', 'answered_on_line', 'to_specialist', 'to_regional', 'registered_dispute', 'registered_petition', 'dv_emergency'] as const;
const LINE_HEADERS: Record<(typeof LINE_FIGURES)[number], string> = {
  calls: 'calls', answered_on_line: 'answered', to_specialist: 'specialist', to_regional: 'regional',
  registered_dispute: 'dispute', registered_petition: 'petition', dv_emergency: 'dv',
};

/** Beside the disputes: 12338 calls per line, couples counselled and reconciled, counselling projects. */
export function Services({ filters }: { filters: CockpitFilters }) {
  const { t } = useTranslation();
  const figures = useServiceFigures(filters);
  if (figures.isError) return <Alert type="error" showIcon message={errorMessage(t, figures.error)} />;
  if (!figures.data) return <Skeleton active />;
  const { hotline, marriage_counselling: registry, counselling_projects: projects } = figures.data;
  return (
    <section aria-labelledby="services-title" className={styles.section}>
      <Typography.Title level={3} id="services-title">
        {t('dashboard.services.title')}
      </Typography.Title>
      {hotline && <HotlineLines hotline={hotline} />}
      <div className={styles.charts}>
        {registry && <RegistryCard registry={registry} />}
        {projects && <ProjectsCard projects={projects} />}
      </div>
    </section>
  );
}

function HotlineLines({ hotline }: { hotline: Hotline }) {
  const { t } = useTranslation();
  const lines = hotline.lines ?? [];
  const total = Object.fromEntries(LINE_FIGURES.map((key) => [key, lines.reduce((sum, line) => sum + (line[key] ?? 0), 0)]));
  const rows = [...lines, { key: 'total', label: t('dashboard.services.total'), ...total } as Line];
  const callbacks = hotline.callbacks;
  const specialist = (hotline.specialist_lines ?? []).map((line) => `${line.label} ${line.count ?? 0}`).join('，');
  return (
    <Card size="small" title={t('dashboard.services.hotline')} className={styles.wide}>
      <Table<Line>
        size="small"
        rowKey={(line) => line.key ?? ''}
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={rows}
        columns={[
          { title: t('dashboard.services.line'), dataIndex: 'label', fixed: 'left' },
          ...LINE_FIGURES.map((key) => ({ title: t(`dashboard.services.${LINE_HEADERS[key]}`), dataIndex: key, align: 'right' as const })),
        ]}
      />
      <Typography.Paragraph type="secondary" className={styles.note}>
        {t('dashboard.services.specialistLines', { list: specialist || '—' })}
        {callbacks && <br />}
        {callbacks && t('dashboard.services.callbacks', { scheduled: callbacks.scheduled, done: callbacks.done, reached: callbacks.reached, overdue: callbacks.overdue_supervised })}
      </Typography.Paragraph>
      <Definition text={hotline.definition} />
    </Card>
  );
}

function RegistryCard({ registry }: { registry: Registry }) {
  const { t } = useTranslation();
  const rate = registry.reconciliation_rate;
  return (
    <Card size="small" title={t('dashboard.services.registry')} className={styles.chartCard}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('dashboard.services.counselled')}>{registry.counselled ?? 0}</Descriptions.Item>
        <Descriptions.Item label={t('dashboard.services.reconciled')}>{registry.reconciled ?? 0}</Descriptions.Item>
        <Descriptions.Item label={t('dashboard.services.reconciliationRate')}>
          {percent(rate?.rate)}（{rate?.numerator ?? 0}/{rate?.denominator ?? 0}）
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary" className={styles.note}>
        {t('dashboard.services.registered', { registered: registry.registered ?? 0, consented: registry.consented ?? 0, dv: registry.dv_referred ?? 0 })}
      </Typography.Paragraph>
      <Definition text={registry.definition} />
    </Card>
  );
}

function ProjectsCard({ projects }: { projects: Projects }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('dashboard.services.projects')} className={styles.chartCard}>
      <Table<ProjectGroup>
        size="small"
        rowKey={(group) => `${group.organisation ?? ''}/${group.street ?? ''}`}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('dashboard.services.noProjects') }}
        dataSource={projects.groups ?? []}
        columns={[
          { title: t('dashboard.services.organisation'), dataIndex: 'organisation' },
          { title: t('dashboard.services.street'), dataIndex: 'street' },
          { title: t('dashboard.services.referred'), dataIndex: 'referred', align: 'right' },
          { title: t('dashboard.services.inService'), dataIndex: 'in_service', align: 'right' },
          { title: t('dashboard.services.closedFamilies'), dataIndex: 'closed', align: 'right' },
          { title: t('dashboard.services.completion'), key: 'completion', align: 'right', render: (_, group) => percent(group.completion_rate?.rate) },
        ]}
      />
      <Definition text={projects.definition} />
    </Card>
  );
}

function Definition({ text }: { text?: string }) {
  const { t } = useTranslation();
  if (!text) return null;
  return (
    <details className={styles.note}>
      <summary>{t('dashboard.services.definition')}</summary>
      {text}
    </details>
  );
}
