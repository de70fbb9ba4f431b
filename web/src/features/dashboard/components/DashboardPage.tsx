import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, DatePicker, Select, Space, TreeSelect, Typography, message as antMessage } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { useOrgUnits } from '@/features/cases/api/cases';
import { errorMessage } from '@/lib/error-message';
import { orgTree } from '@/lib/org-tree';
import { addPageWords } from '@/lib/i18n';

import { downloadReport, type ExportFormat, type ExportReport } from '../api/reports';
import { dayAfter, lastDay, readFilters, writeFilters, type CockpitFilters } from '../lib/filters';
import dashboardEn from '../locales/en.json';
import dashboardZh from '../locales/zh-CN.json';
import { Commitments } from './Commitments';
import styles from './Dashboard.module.css';
import { FigureDrawer, type PickedFigure } from './FigureDrawer';
import { Heatmap } from './Heatmap';
import { Retention } from './Retention';
import { Services } from './Services';
import { Statistics } from './Statistics';
import { Warnings } from './Warnings';

addPageWords('dashboard', { 'zh-CN': dashboardZh, en: dashboardEn });

/** 驾驶舱: warnings first, then the four commitments, the statistics, the services, the process heatmap and retention. */
export default function DashboardPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => readFilters(search, new Date()), [search]);
  const [figure, setFigure] = useState<PickedFigure | null>(null);
  const change = (next: Partial<CockpitFilters>) => setSearch(writeFilters({ ...filters, ...next }));
  return (
    <div className={styles.page}>
      <div className={styles.titleRow}>
        <Typography.Title level={2}>{t('dashboard.title')}</Typography.Title>
        <Typography.Text type="secondary" className={styles.printOnly}>
          {t('dashboard.printPeriod', { from: filters.from, to: lastDay(filters.to) })}
        </Typography.Text>
      </div>
      <Filters filters={filters} onChange={change} />
      <Warnings filters={filters} onPick={setFigure} />
      <Commitments filters={filters} onPick={setFigure} onDrill={(orgUnit) => change({ orgUnit })} />
      <Statistics filters={filters} onPick={setFigure} />
      <Services filters={filters} />
      <Heatmap filters={filters} />
      <Retention filters={filters} />
      <FigureDrawer filters={filters} figure={figure} onClose={() => setFigure(null)} />
    </div>
  );
}

function Filters({ filters, onChange }: { filters: CockpitFilters; onChange: (next: Partial<CockpitFilters>) => void }) {
  const { t } = useTranslation();
  const units = useOrgUnits();
  const tree = useMemo(() => orgTree(units.data ?? []), [units.data]);
  const parent = units.data?.find((unit) => unit.id === filters.orgUnit)?.parent;
  const parentVisible = Boolean(parent && units.data?.some((unit) => unit.id === parent));
  return (
    <div className={`${styles.filters} ${styles.noPrint}`} role="search" aria-label={t('dashboard.filters.label')}>
      <Space wrap>
        <label htmlFor="cockpit-period">{t('dashboard.filters.period')}</label>
        <DatePicker.RangePicker
          id={{ start: 'cockpit-period', end: 'cockpit-period-end' }}
          allowClear={false}
          value={[dayjs(filters.from), dayjs(lastDay(filters.to))]}
          onChange={(range) => {
            if (range?.[0] && range[1]) onChange({ from: range[0].format('YYYY-MM-DD'), to: dayAfter(range[1].format('YYYY-MM-DD')) });
          }}
          className={styles.range}
        />
      </Space>
      <Space wrap>
        <label htmlFor="cockpit-unit">{t('dashboard.filters.unit')}</label>
        <TreeSelect
          id="cockpit-unit"
          className={styles.select}
          treeData={tree}
          treeDefaultExpandAll
          allowClear
          placeholder={t('dashboard.filters.allUnits')}
          value={filters.orgUnit ?? undefined}
          onChange={(value: string | undefined) => onChange({ orgUnit: value ?? null })}
        />
        {parentVisible && (
          <Button size="small" onClick={() => onChange({ orgUnit: parent ?? null })}>
            {t('dashboard.filters.up')}
          </Button>
        )}
      </Space>
      <Exports filters={filters} />
    </div>
  );
}

function Exports({ filters }: { filters: CockpitFilters }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<ExportReport>('cases');
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [message, holder] = antMessage.useMessage();
  const download = (format: ExportFormat) => {
    setBusy(format);
    downloadReport(filters, report, format)
      .catch((error: unknown) => void message.error(errorMessage(t, error)))
      .finally(() => setBusy(null));
  };
  const reports: ExportReport[] = ['cases', 'summary', 'commitments', 'overdue', 'services'];
  return (
    <Space wrap>
      {holder}
      <label htmlFor="cockpit-export">{t('dashboard.export.report')}</label>
      <Select<ExportReport> id="cockpit-export" className={styles.narrowSelect} value={report} onChange={setReport} options={reports.map((r) => ({ value: r, label: t(`dashboard.export.${r}`) }))} />
      <Button icon={<DownloadOutlined />} loading={busy === 'xlsx'} onClick={() => download('xlsx')}>
        {t('dashboard.export.xlsx')}
      </Button>
      <Button icon={<DownloadOutlined />} loading={busy === 'csv'} onClick={() => download('csv')}>
        {t('dashboard.export.csv')}
      </Button>
      <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
        {t('dashboard.print')}
      </Button>
    </Space>
  );
}
