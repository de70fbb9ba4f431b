import { Form, Select, TreeSelect, type SelectProps, type TreeSelectProps } from 'antd';
import type { NamePath } from 'antd/es/form/interface';
import { useTranslation } from 'react-i18next';

import { orgTree } from '@/lib/org-tree';

import { useAdminLabels, useAdminUnits } from '../api/admin';

interface MembershipFieldsProps {
  /** The fields' names inside their form: ['memberships', 0] in a list, [] on their own. */
  prefix: (string | number)[];
  /** Makes the labels' targets unique when several rows share a form. */
  idPrefix: string;
}

/** A role (by its Chinese name) at an org unit (chosen from the tree of her units). */
export function MembershipFields({ prefix, idPrefix }: MembershipFieldsProps) {
  const { t } = useTranslation();
  const labels = useAdminLabels();
  const units = useAdminUnits();
  const name = (field: string): NamePath => [...prefix, field];
  return (
    <>
      <Form.Item
        name={name('role')}
        label={t('admin.membership.role')}
        htmlFor={`${idPrefix}-role`}
        rules={[{ required: true, message: t('admin.membership.roleRequired') }]}
        style={{ flex: '1 1 160px', marginBottom: 8 }}
      >
        <RoleSelect id={`${idPrefix}-role`} options={labels.roleOptions} placeholder={t('admin.membership.rolePlaceholder')} />
      </Form.Item>
      <Form.Item
        name={name('org_unit')}
        label={t('admin.membership.orgUnit')}
        htmlFor={`${idPrefix}-org-unit`}
        rules={[{ required: true, message: t('admin.membership.orgUnitRequired') }]}
        style={{ flex: '1 1 200px', marginBottom: 8 }}
      >
        <UnitTreeSelect
          id={`${idPrefix}-org-unit`}
          treeData={orgTree(units.data ?? [])}
          treeDefaultExpandAll
          showSearch
          treeNodeFilterProp="label"
          placeholder={t('admin.membership.orgUnitPlaceholder')}
          popupMatchSelectWidth={false}
        />
      </Form.Item>
    </>
  );
}

// A required Form.Item gives its control aria-required, which a Select puts on a plain div (axe:
// aria-allowed-attr). The label's mark and the validation message say it is required.
function withoutAriaRequired<P extends object>(props: P): P {
  const rest = { ...props } as Record<string, unknown>;
  delete rest['aria-required'];
  return rest as P;
}

function RoleSelect(props: SelectProps<string>) {
  return <Select<string> {...withoutAriaRequired(props)} />;
}

function UnitTreeSelect(props: TreeSelectProps<string>) {
  return <TreeSelect<string> {...withoutAriaRequired(props)} />;
}
