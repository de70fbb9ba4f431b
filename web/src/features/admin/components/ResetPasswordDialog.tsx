import { Alert, Button, Form, Input, Modal, Space, message as antMessage } from 'antd';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useChangeAccount, type AdminUser } from '../api/admin';
import { randomPassword } from '../lib/random-password';
import { MIN_PASSWORD_LENGTH } from './NewUserDialog';

/** 重置密码: the admin sets a new one (typed, or generated and shown to hand over); her sessions end. */
export function ResetPasswordDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ password: string }>();
  const change = useChangeAccount();
  const [message, holder] = antMessage.useMessage();
  const name = user.display_name || user.username;

  const submit = ({ password }: { password: string }) =>
    change.mutate(
      { username: user.username, password },
      {
        onSuccess: () => {
          void message.success(t('admin.password.done', { name }));
          onClose();
        },
        onError: (error) => {
          const refused = error instanceof ApiError ? error.fieldErrors.find((e) => e.field === 'password') : undefined;
          if (refused) form.setFields([{ name: 'password', errors: [refused.message] }]);
        },
      },
    );
  const otherFailure = change.isError && !(change.error instanceof ApiError && change.error.fieldErrors.some((e) => e.field === 'password'));
  return (
    <Modal
      open
      title={t('admin.password.title', { name })}
      okText={t('admin.password.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: change.isPending, htmlType: 'submit', form: 'admin-reset-password' }}
      onCancel={onClose}
    >
      {holder}
      <Form form={form} id="admin-reset-password" layout="vertical" onFinish={submit} disabled={change.isPending}>
        <Alert type="info" role="note" showIcon message={t('admin.password.hint')} style={{ marginBottom: 16 }} />
        <Form.Item label={t('admin.password.new')} required htmlFor="admin-new-password" extra={t('admin.users.passwordHint', { count: MIN_PASSWORD_LENGTH })}>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item
              name="password"
              noStyle
              rules={[{ required: true, min: MIN_PASSWORD_LENGTH, message: t('admin.users.passwordTooShort', { count: MIN_PASSWORD_LENGTH }) }]}
            >
              {/* Shown in clear: the admin reads it out or copies it to hand it over. */}
              <Input id="admin-new-password" autoComplete="off" maxLength={200} />
            </Form.Item>
            <Button onClick={() => form.setFieldsValue({ password: randomPassword() })}>{t('admin.password.generate')}</Button>
          </Space.Compact>
        </Form.Item>
        {otherFailure && <Alert type="error" showIcon role="alert" message={errorMessage(t, change.error)} />}
      </Form>
    </Modal>
  );
}
