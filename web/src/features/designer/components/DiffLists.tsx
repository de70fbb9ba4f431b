import { Empty, List, Space, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';

import type { ElementChange, FactChange, PartChange, VersionDiff } from '../api/designer';
import styles from './Designer.module.css';

const KINDS = ['added', 'removed', 'changed'] as const;
type Kind = (typeof KINDS)[number];
const KIND_COLOURS: Record<Kind, string> = { added: 'success', removed: 'error', changed: 'processing' };

/** A diff as grouped lists: elements, flows, form fields and DMN rules added, removed, changed. */
export function DiffLists({ diff }: { diff: VersionDiff }) {
  const { t } = useTranslation();
  if (diff.same) return <Empty description={t('designer.compare.same')} />;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Grouped title={t('designer.compare.elements')} groups={diff.elements} />
      <Grouped title={t('designer.compare.flows')} groups={diff.flows} />
      {diff.forms.length > 0 && <Parts title={t('designer.compare.forms')} parts={diff.forms} />}
      {diff.decisions.length > 0 && <Parts title={t('designer.compare.decisions')} parts={diff.decisions} />}
    </Space>
  );
}

function Grouped({ title, groups }: { title: string; groups: Record<Kind, ElementChange[]> }) {
  const { t } = useTranslation();
  const items = KINDS.flatMap((kind) => groups[kind].map((item) => ({ kind, item })));
  if (!items.length) return null;
  return (
    <section aria-label={title}>
      <Typography.Title level={4}>{title}</Typography.Title>
      <List
        size="small"
        dataSource={items}
        rowKey={({ kind, item }) => `${kind}-${item.process}-${item.id}`}
        renderItem={({ kind, item }) => (
          <List.Item>
            <Space direction="vertical" size={2} style={{ width: '100%' }} className={styles.wrap}>
              <span>
                <Tag color={KIND_COLOURS[kind]}>{t(`designer.compare.kinds.${kind}`)}</Tag>
                <Typography.Text strong>{item.name || item.id}</Typography.Text> <Typography.Text type="secondary">{elementLabel(t, item)}</Typography.Text>
              </span>
              <Changes changes={item.changes} />
            </Space>
          </List.Item>
        )}
      />
    </section>
  );
}

function elementLabel(t: TFunction, item: ElementChange): string {
  const type = t(`designer.elementTypes.${item.type}`, { defaultValue: item.type });
  return `${type} · ${item.id}`;
}

function Parts({ title, parts }: { title: string; parts: PartChange[] }) {
  const { t } = useTranslation();
  return (
    <section aria-label={title}>
      <Typography.Title level={4}>{title}</Typography.Title>
      <List
        size="small"
        dataSource={parts}
        rowKey={(part) => `${part.file}-${part.id}`}
        renderItem={(part) => (
          <List.Item>
            <Space direction="vertical" size={2} style={{ width: '100%' }} className={styles.wrap}>
              <span>
                <Tag color={KIND_COLOURS[part.status as Kind] ?? 'default'}>{t(`designer.compare.kinds.${part.status}`, { defaultValue: part.status })}</Tag>
                <Typography.Text strong>{part.name || part.file}</Typography.Text>
                {part.name && <Typography.Text type="secondary"> {part.file}</Typography.Text>}
              </span>
              {KINDS.flatMap((kind) =>
                part[kind].map((entry) => (
                  <div key={`${kind}-${entry.id}`}>
                    <Tag bordered={false} color={KIND_COLOURS[kind]}>
                      {t(`designer.compare.kinds.${kind}`)}
                    </Tag>
                    {entryLabel(t, entry.id, entry.label)}
                    <Changes changes={entry.changes} />
                  </div>
                )),
              )}
            </Space>
          </List.Item>
        )}
      />
    </section>
  );
}

function entryLabel(t: TFunction, id: string, label: string): string {
  const name = id === '(form)' ? t('designer.compare.wholeForm') : id;
  return label && label !== id ? `${label}（${name}）` : name;
}

/** Each changed fact as "what: old → new". */
function Changes({ changes }: { changes: FactChange[] }) {
  const { t } = useTranslation();
  if (!changes.length) return null;
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {changes.map((change) => (
        <li key={change.field} className={styles.change}>
          {factLabel(t, change.field)}：<span className={styles.old}>{show(t, change.old)}</span> → <span className={styles.new}>{show(t, change.new)}</span>
        </li>
      ))}
    </ul>
  );
}

function factLabel(t: TFunction, field: string): string {
  const [prefix, rest] = field.includes(':') ? [field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1)] : [field, ''];
  if (!rest) return t(`designer.facts.${field}`, { defaultValue: field });
  if (prefix === 'property') return t(`designer.facts.properties.${rest}`, { defaultValue: t('designer.facts.property', { name: rest }) });
  if (prefix === 'when' || prefix === 'then') return t(`designer.facts.${prefix}`, { name: rest });
  return t(`designer.facts.${field}`, { defaultValue: field });
}

function show(t: TFunction, value: unknown): string {
  if (value === null || value === undefined || value === '') return t('designer.compare.none');
  return typeof value === 'string' ? value : JSON.stringify(value);
}
