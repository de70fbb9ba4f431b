import { Checkbox, Flex, Select } from 'antd';
import { useTranslation } from 'react-i18next';

import { useCatalog } from '@/lib/catalog';
import { RISK_COLOURS, type RiskColour } from '@/lib/risk';

import { SORTS, type Sort, type TaskListParams } from '../lib/list-params';

interface TaskFiltersProps {
  params: TaskListParams;
  onChange: (change: Partial<TaskListParams>) => void;
}

export function TaskFilters({ params, onChange }: TaskFiltersProps) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const processes = [...(catalog.data?.processes ?? new Map<string, string>())].map(([value, label]) => ({
    value,
    label,
  }));
  // Finished tasks are listed by when they were finished; open ones never are.
  const sorts = params.scope === 'done' ? SORTS : SORTS.filter((sort) => sort !== '-ended_at');
  return (
    <Flex wrap gap={8} align="center">
      {processes.length > 0 && (
        <Select<string>
          aria-label={t('tasks.filters.process')}
          placeholder={t('tasks.filters.anyProcess')}
          allowClear
          value={params.process ?? undefined}
          options={processes}
          onChange={(process) => onChange({ process: process ?? null })}
          style={{ minWidth: 180, flex: '1 1 180px', maxWidth: 280 }}
        />
      )}
      <Select<RiskColour[]>
        mode="multiple"
        aria-label={t('tasks.filters.risk')}
        placeholder={t('tasks.filters.anyRisk')}
        allowClear
        value={params.risks}
        options={RISK_COLOURS.map((risk) => ({ value: risk, label: t(`risk.${risk}`) }))}
        onChange={(risks) => onChange({ risks })}
        style={{ minWidth: 160, flex: '1 1 160px', maxWidth: 280 }}
      />
      <Select<Sort>
        aria-label={t('tasks.filters.sort')}
        value={params.sort}
        options={sorts.map((sort) => ({ value: sort, label: t(`tasks.sort.${sort}`) }))}
        onChange={(sort) => onChange({ sort })}
        style={{ minWidth: 160, flex: '1 1 160px', maxWidth: 240 }}
      />
      {params.scope !== 'done' && (
        <Checkbox checked={params.overdue} onChange={(event) => onChange({ overdue: event.target.checked })}>
          {t('tasks.filters.overdueOnly')}
        </Checkbox>
      )}
    </Flex>
  );
}
