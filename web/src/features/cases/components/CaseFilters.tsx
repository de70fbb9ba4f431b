import { Checkbox, Flex, Input, Select, TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

import { useCatalog } from '@/lib/catalog';
import { orgTree } from '@/lib/org-tree';
import { RISK_COLOURS, type RiskColour } from '@/lib/risk';

import { useOrgUnits } from '../api/cases';
import { useIntakeProcesses } from '../api/registration';
import { CASE_SORTS, CASE_STATUSES, type CaseSearch, type CaseSort, type CaseStatus } from '../lib/case-search';

interface CaseFiltersProps {
  params: CaseSearch;
  onChange: (change: Partial<CaseSearch>) => void;
}

const FIELD = { minWidth: 160, flex: '1 1 160px', maxWidth: 280 } as const;

export function CaseFilters({ params, onChange }: CaseFiltersProps) {
  const { t } = useTranslation();
  const catalog = useCatalog();
  const units = useOrgUnits();
  const channels = useChannelOptions();
  const unitTree = useMemo(() => orgTree(units.data ?? []), [units.data]);

  return (
    <Flex vertical gap={8}>
      <Input.Search
        key={params.q}
        aria-label={t('cases.filters.q')}
        placeholder={t('cases.filters.qPlaceholder')}
        defaultValue={params.q}
        allowClear
        enterButton
        maxLength={100}
        onSearch={(q) => onChange({ q: q.trim() })}
        style={{ maxWidth: 480 }}
      />
      <Flex wrap gap={8} align="center">
        <Select<CaseStatus[]>
          mode="multiple"
          aria-label={t('cases.filters.status')}
          placeholder={t('cases.filters.anyStatus')}
          allowClear
          value={params.statuses}
          options={CASE_STATUSES.map((status) => ({ value: status, label: t(`caseStatus.${status}`) }))}
          onChange={(statuses) => onChange({ statuses })}
          style={FIELD}
        />
        <Select<RiskColour[]>
          mode="multiple"
          aria-label={t('cases.filters.risk')}
          placeholder={t('cases.filters.anyRisk')}
          allowClear
          value={params.risks}
          options={RISK_COLOURS.map((risk) => ({ value: risk, label: t(`risk.${risk}`) }))}
          onChange={(risks) => onChange({ risks })}
          style={FIELD}
        />
        <Select<string>
          aria-label={t('cases.filters.process')}
          placeholder={t('cases.filters.anyProcess')}
          allowClear
          value={params.process ?? undefined}
          options={[...(catalog.data?.processes ?? [])].map(([value, label]) => ({ value, label }))}
          onChange={(process) => onChange({ process: process ?? null })}
          style={FIELD}
        />
        {channels.length > 0 && (
          <Select<string>
            aria-label={t('cases.filters.channel')}
            placeholder={t('cases.filters.anyChannel')}
            allowClear
            value={params.channel ?? undefined}
            options={channels}
            onChange={(channel) => onChange({ channel: channel ?? null })}
            style={FIELD}
          />
        )}
        {unitTree.length > 0 && (
          <TreeSelect<string>
            aria-label={t('cases.filters.orgUnit')}
            placeholder={t('cases.filters.anyOrgUnit')}
            allowClear
            treeDefaultExpandAll
            value={params.orgUnit ?? undefined}
            treeData={unitTree}
            fieldNames={{ label: 'label', value: 'value', children: 'children' }}
            onChange={(orgUnit) => onChange({ orgUnit: orgUnit ?? null })}
            style={FIELD}
          />
        )}
        <Select<CaseSort>
          aria-label={t('cases.filters.sort')}
          value={params.sort}
          options={CASE_SORTS.map((sort) => ({ value: sort, label: t(`cases.sort.${sort}`) }))}
          onChange={(sort) => onChange({ sort })}
          style={FIELD}
        />
        <Checkbox checked={params.overdue} onChange={(event) => onChange({ overdue: event.target.checked })}>
          {t('cases.filters.overdueOnly')}
        </Checkbox>
      </Flex>
    </Flex>
  );
}

/**
 * The channels a matter comes by, named as the start forms name them. Only those who register
 * matters may read the start forms; for anyone else the filter is left out.
 */
function useChannelOptions(): { value: string; label: string }[] {
  const processes = useIntakeProcesses();
  return useMemo(() => {
    const channels = new Map<string, string>();
    for (const process of processes.data ?? []) {
      for (const channel of process.channels) if (!channels.has(channel.value)) channels.set(channel.value, channel.label);
    }
    return [...channels].map(([value, label]) => ({ value, label }));
  }, [processes.data]);
}
