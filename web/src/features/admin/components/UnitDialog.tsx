import { Alert, Form, Input, Modal, message as antMessage } from 'antd';
import { useTranslation } from 'react-i18next';

import { FieldErrorsAlert } from '@/components/FieldErrorsAlert';
import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useAddUnit, useRenameUnit, type AdminUnit } from '../api/admin';
import { fieldsOf, splitFieldErrors } from '../lib/form-errors';
import { nextLevelDown } from '../lib/unit-tree';

interface UnitDialogProps {
  kind: 'add' | 'rename';
  /** The parent of the unit to add, or the unit to rename. */
  unit: AdminUnit;
  onClose: () => void;
  onAdded: (id: string) => void;
}

interface UnitValues {
  id?: string;
  name: string;
}

const FIELDS = fieldsOf(['id', 'name']);

/** 添加下级单位 (its level the next one down) or 重命名; the server's refusals at their fields. */
export function UnitDialog({ kind, unit, onClose, onAdded }: UnitDialogProps) {
  const { t } = useTranslation();
  // Untyped: the server's error paths are strings, not the typed paths antd's Form would want.
  const [form] = Form.useForm();
  const add = useAddUnit();
  const rename = useRenameUnit();
  const [message, holder] = antMessage.useMessage();
  const change = kind === 'add' ? add : rename;
  const level = nextLevelDown(unit.level ?? '');

  const refused = (error: unknown) => {
    if (!(error instanceof ApiError)) return;
    form.setFields(splitFieldErrors(error.fieldErrors, FIELDS).fields);
    // The one conflict here: the id is taken.
    if (error.status === 409 && kind === 'add') form.setFields([{ name: 'id', errors: [error.message] }]);
  };
  const submit = ({ id, name }: UnitValues) => {
    if (kind === 'rename') {
      rename.mutate({ id: unit.id, name: name.trim() }, { onSuccess: () => done(name.trim()), onError: refused });
    } else if (id && level) {
      add.mutate({ id: id.trim(), name: name.trim(), level, parent: unit.id }, { onSuccess: () => (onAdded(id.trim()), done(name.trim())), onError: refused });
    }
  };
  const done = (name: string) => {
    void message.success(t(kind === 'add' ? 'admin.org.added' : 'admin.org.renamed', { name }));
    onClose();
  };
  const fieldError = change.error instanceof ApiError && (change.error.status === 422 || (kind === 'add' && change.error.status === 409));
  // Refusals about no field of this form (a parent that vanished meanwhile) go above it.
  const rest = change.error instanceof ApiError ? splitFieldErrors(change.error.fieldErrors, FIELDS).rest : [];
  const title = kind === 'add' ? t('admin.org.addChildOf', { parent: unit.name, level: t(`orgLevel.${level}`) }) : t('admin.org.renameOf', { name: unit.name });
  return (
    <Modal
      open
      title={title}
      okText={t(kind === 'add' ? 'admin.org.addSubmit' : 'admin.org.renameSubmit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: change.isPending, htmlType: 'submit', form: 'admin-unit' }}
      onCancel={onClose}
    >
      {holder}
      <Form<UnitValues> form={form} id="admin-unit" layout="vertical" onFinish={submit} disabled={change.isPending} initialValues={kind === 'rename' ? { name: unit.name } : {}}>
        {kind === 'add' && (
          <Form.Item
            name="id"
            label={t('admin.org.id')}
            extra={t('admin.org.idHint')}
            rules={[
              { required: true, whitespace: true, message: t('admin.org.idRequired') },
              { pattern: /^[^\s/?#%]+$/, message: t('admin.org.idPattern') },
            ]}
          >
            <Input autoComplete="off" maxLength={64} />
          </Form.Item>
        )}
        <Form.Item name="name" label={t('admin.org.name')} rules={[{ required: true, whitespace: true, message: t('admin.org.nameRequired') }]}>
          <Input autoComplete="off" maxLength={200} />
        </Form.Item>
        {rest.length > 0 && <FieldErrorsAlert title={t('admin.form.refused')} errors={rest} />}
        {change.isError && !fieldError && <Alert type="error" showIcon role="alert" message={errorMessage(t, change.error)} />}
      </Form>
    </Modal>
  );
}
