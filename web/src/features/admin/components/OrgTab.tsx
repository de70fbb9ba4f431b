import { Button, Card, Descriptions, Empty, Flex, Skeleton, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { PageError } from '@/components/PageError';

import { useAdminUnits, type AdminUnit } from '../api/admin';
import { allKeys, nextLevelDown, unitTree, type UnitNode } from '../lib/unit-tree';
import { UnitDialog } from './UnitDialog';

type Dialog = { kind: 'add' | 'rename'; unit: AdminUnit };

/** 组织机构: the five levels as a tree; a chosen unit gets a child one level down, or a new name. */
export function OrgTab() {
  const { t } = useTranslation();
  const units = useAdminUnits();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  if (units.isError && !units.data) return <PageError error={units.error} onRetry={() => void units.refetch()} />;
  if (!units.data) return <Skeleton active />;
  const tree = unitTree(units.data);
  const selected = units.data.find((unit) => unit.id === selectedId) ?? null;
  const toData = (node: UnitNode): DataNode => ({
    key: node.key,
    title: (
      <span>
        {node.unit.name} <Tag style={{ marginInlineEnd: 0 }}>{t(`orgLevel.${node.unit.level}`)}</Tag>
      </span>
    ),
    children: node.children.map(toData),
  });
  return (
    <Flex wrap gap={16} align="start">
      <Card title={t('admin.org.tree')} size="small" style={{ flex: '1 1 320px', minWidth: 0 }}>
        {tree.length ? (
          <Tree
            aria-label={t('admin.org.tree')}
            treeData={tree.map(toData)}
            defaultExpandedKeys={allKeys(tree)}
            selectedKeys={selectedId ? [selectedId] : []}
            onSelect={(keys) => setSelectedId(keys.length ? String(keys[0]) : null)}
            showLine
            blockNode
          />
        ) : (
          <Empty description={t('admin.org.empty')} />
        )}
      </Card>
      <Card title={t('admin.org.selected')} size="small" style={{ flex: '1 1 280px', minWidth: 0 }}>
        {selected ? <UnitDetails unit={selected} onOpen={setDialog} /> : <Typography.Text type="secondary">{t('admin.org.choose')}</Typography.Text>}
      </Card>
      {dialog && <UnitDialog kind={dialog.kind} unit={dialog.unit} onClose={() => setDialog(null)} onAdded={(id) => setSelectedId(id)} />}
    </Flex>
  );
}

function UnitDetails({ unit, onOpen }: { unit: AdminUnit; onOpen: (dialog: Dialog) => void }) {
  const { t } = useTranslation();
  const childLevel = nextLevelDown(unit.level ?? '');
  return (
    <Flex vertical gap={12}>
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'name', label: t('admin.org.name'), children: unit.name },
          { key: 'id', label: t('admin.org.id'), children: unit.id },
          { key: 'level', label: t('admin.org.level'), children: t(`orgLevel.${unit.level}`) },
        ]}
      />
      <Flex wrap gap={8}>
        <Button type="primary" disabled={!childLevel} onClick={() => onOpen({ kind: 'add', unit })}>
          {childLevel ? t('admin.org.addChild', { level: t(`orgLevel.${childLevel}`) }) : t('admin.org.noChildren')}
        </Button>
        <Button onClick={() => onOpen({ kind: 'rename', unit })}>{t('admin.org.rename')}</Button>
      </Flex>
    </Flex>
  );
}
