import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Form, Input, Modal, message as antMessage } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { FieldErrorsAlert } from '@/components/FieldErrorsAlert';
import { ApiError, type FieldError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useCreateUser, type NewUser } from '../api/admin';
import { fieldsOf, splitFieldErrors } from '../lib/form-errors';
import { MembershipFields } from './MembershipFields';

const FIELDS = fieldsOf(['username', 'display_name', 'password', 'memberships', 'memberships.role', 'memberships.org_unit']);
export const MIN_PASSWORD_LENGTH = 8; // api/schemas/org.py

/** 新增用户: username, name, password and at least one membership; the server's refusals at their fields. */
export function NewUserDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  // Untyped: the server's error paths are strings, not the typed paths antd's Form would want.
  const [form] = Form.useForm();
  const create = useCreateUser();
  const [refused, setRefused] = useState<FieldError[]>([]);
  const [message, holder] = antMessage.useMessage();

  const submit = (body: NewUser) => {
    setRefused([]);
    create.mutate(
      { ...body, username: body.username.trim(), display_name: body.display_name?.trim() ?? '' },
      {
        onSuccess: (user) => {
          void message.success(t('admin.users.created', { name: user.display_name || user.username }));
          onClose();
        },
        onError: (error) => {
          if (!(error instanceof ApiError)) return;
          const { fields, rest } = splitFieldErrors(error.fieldErrors, FIELDS);
          form.setFields(fields);
          if (error.status === 409) form.setFields([{ name: 'username', errors: [error.message] }]);
          setRefused(rest);
        },
      },
    );
  };
  const failedElsewhere = create.isError && (!(create.error instanceof ApiError) || ![409, 422].includes(create.error.status));
  return (
    <Modal
      open
      title={t('admin.users.add')}
      okText={t('admin.users.create')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: create.isPending, htmlType: 'submit', form: 'admin-new-user' }}
      onCancel={onClose}
      destroyOnHidden
    >
      {holder}
      <Form<NewUser>
        form={form}
        id="admin-new-user"
        layout="vertical"
        onFinish={submit}
        disabled={create.isPending}
        initialValues={{ memberships: [{}] }}
      >
        {refused.length > 0 && <FieldErrorsAlert title={t('admin.form.refused')} errors={refused} />}
        <Form.Item name="username" label={t('admin.users.username')} rules={[{ required: true, whitespace: true, message: t('admin.users.usernameRequired') }]}>
          <Input autoComplete="off" maxLength={100} />
        </Form.Item>
        <Form.Item name="display_name" label={t('admin.users.displayName')} rules={[{ required: true, whitespace: true, message: t('admin.users.displayNameRequired') }]}>
          <Input autoComplete="off" maxLength={200} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('admin.users.password')}
          extra={t('admin.users.passwordHint', { count: MIN_PASSWORD_LENGTH })}
          rules={[
            { required: true, message: t('admin.users.passwordRequired') },
            { min: MIN_PASSWORD_LENGTH, message: t('admin.users.passwordTooShort', { count: MIN_PASSWORD_LENGTH }) },
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={200} />
        </Form.Item>
        <Form.List name="memberships">
          {(rows, { add, remove }) => (
            <fieldset style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
              <legend style={{ fontSize: 14, marginBottom: 8 }}>{t('admin.users.initialMemberships')}</legend>
              {rows.map((row) => (
                <Flex key={row.key} wrap gap={8} align="end">
                  <MembershipFields prefix={[row.name]} idPrefix={`new-user-membership-${row.key}`} />
                  {rows.length > 1 && (
                    <Button type="text" icon={<MinusCircleOutlined />} aria-label={t('admin.membership.removeRow')} onClick={() => remove(row.name)} style={{ marginBottom: 8 }} />
                  )}
                </Flex>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})}>
                {t('admin.membership.addRow')}
              </Button>
            </fieldset>
          )}
        </Form.List>
        {failedElsewhere && <Alert type="error" showIcon role="alert" message={errorMessage(t, create.error)} style={{ marginTop: 16 }} />}
      </Form>
    </Modal>
  );
}
