import { EyeInvisibleOutlined } from '@ant-design/icons';
import { Button, Card, Collapse, Descriptions, Empty, Flex, Space, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';
import { supervises } from '@/features/auth/lib/roles';

import { useAccessLog, type CaseDetail } from '../api/cases';
import { describeCaseData, type DataNode, type Labels } from '../lib/case-data';
import { valueFormatter } from '../lib/case-values';
import { AccessLogButton } from './AccessLog';
import styles from './CaseData.module.css';
import { RevealDialog } from './RevealDialog';

/**
 * The case's data under its forms' labels. Sensitive fields come masked to everyone (need to
 * know); whoever may read them (can_reveal) asks for one with a reason (查看), which is
 * recorded, and supervisors can look at the record (查看记录).
 */
export function CaseData({ detail, labels }: { detail: CaseDetail; labels: Labels }) {
  const { t, i18n } = useTranslation();
  const user = useCurrentUser();
  const accessLog = useAccessLog(detail.id, supervises(user.memberships));
  const [revealing, setRevealing] = useState<string | null>(null);
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const nodes = useMemo(
    () => describeCaseData(detail.data, labels, detail.masked_fields, valueFormatter(t, i18n.language)),
    [detail.data, detail.masked_fields, labels, t, i18n.language],
  );

  const value = (node: Extract<DataNode, { kind: 'value' }>) => {
    if (!node.masked) return node.text;
    const clear = revealed[node.path];
    if (clear !== undefined) {
      return (
        <Space size={4} wrap>
          <span>{clear}</span>
          <Tag color="warning">{t('case.data.revealed')}</Tag>
        </Space>
      );
    }
    return (
      <Space size={4} wrap>
        <span>{node.text}</span>
        <Tooltip title={t('case.data.maskedHelp')}>
          <Tag icon={<EyeInvisibleOutlined />}>{t('case.data.masked')}</Tag>
        </Tooltip>
        {/* The API refuses the reveal to anyone without can_reveal: not offered to them. */}
        {detail.can_reveal && (
          <Button type="link" size="small" onClick={() => setRevealing(node.path)} aria-label={t('case.data.revealField', { field: node.label })}>
            {t('case.data.reveal')}
          </Button>
        )}
      </Space>
    );
  };

  return (
    <Card size="small" title={t('case.data.title')} extra={accessLog.data && <AccessLogButton entries={accessLog.data} labels={labels} />}>
      {nodes.length ? <TopLevel nodes={nodes} value={value} /> : <Empty description={t('case.data.empty')} />}
      {revealing && (
        <RevealDialog
          caseId={detail.id}
          path={revealing}
          labels={labels}
          onClose={() => setRevealing(null)}
          onRevealed={(values) => {
            setRevealed((before) => ({ ...before, ...values }));
            setRevealing(null);
          }}
        />
      )}
    </Card>
  );
}

type ValueView = (node: Extract<DataNode, { kind: 'value' }>) => ReactNode;

/**
 * What the forms name first; the variables the process keeps for itself (scores, the ladder's
 * tier, counters) folded away beneath, for the designer or the supervisor who needs them.
 */
function TopLevel({ nodes, value }: { nodes: DataNode[]; value: ValueView }) {
  const { t } = useTranslation();
  const named = nodes.filter((node) => node.labelled);
  const internal = nodes.filter((node) => !node.labelled);
  return (
    <Flex vertical gap={12}>
      {named.length > 0 && <DataSection nodes={named} value={value} />}
      {internal.length > 0 && (
        <Collapse
          size="small"
          ghost
          items={[{ key: 'internal', label: t('case.data.internal', { count: internal.length }), children: <DataSection nodes={internal} value={value} /> }]}
        />
      )}
    </Flex>
  );
}

/** Plain fields as one list; nested objects and arrays of parties as sections after them. */
function DataSection({ nodes, value }: { nodes: DataNode[]; value: ValueView }) {
  const plain = nodes.filter((node) => node.kind === 'value');
  const sections = nodes.filter((node) => node.kind !== 'value');
  return (
    <Flex vertical gap={12}>
      {plain.length > 0 && (
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
          className={styles.fields}
          items={plain.map((node) => ({
            key: node.path,
            label: node.labelled ? node.label : <code title={node.path}>{node.label}</code>,
            children: value(node),
            // Long texts (摘要, 经过) read better across the whole width.
            span: node.text.length > 24 ? 'filled' : 1,
          }))}
        />
      )}
      {sections.map((node) => (
        <div key={node.path} className={styles.section}>
          <Typography.Title level={3} className={styles.sectionTitle}>
            {node.labelled ? node.label : <code>{node.label}</code>}
          </Typography.Title>
          {node.kind === 'group' ? (
            <DataSection nodes={node.children} value={value} />
          ) : (
            node.kind === 'list' && (
              <Flex vertical gap={8}>
                {node.items.map((item) => (
                  <div key={item.path} className={styles.item}>
                    <Typography.Text strong>{item.title}</Typography.Text>
                    <DataSection nodes={item.children} value={value} />
                  </div>
                ))}
              </Flex>
            )
          )}
        </div>
      ))}
    </Flex>
  );
}
