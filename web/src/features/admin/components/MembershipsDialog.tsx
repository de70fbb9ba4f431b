import { Alert, Button, Empty, Flex, Form, List, Modal, Popconfirm, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';
import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useAdminLabels, useGrantMembership, useRevokeMembership, type AdminUser, type MembershipChoice } from '../api/admin';
import { fieldsOf, splitFieldErrors } from '../lib/form-errors';
import { MembershipFields } from './MembershipFields';

const FIELDS = fieldsOf(['role', 'org_unit']);

/** 岗位: what she is where (within this admin's units), taken away one by one or granted. */
export function MembershipsDialog({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useAdminLabels();
  const me = useCurrentUser();
  // Untyped: the server's error paths are strings, not the typed paths antd's Form would want.
  const [form] = Form.useForm();
  const grant = useGrantMembership(user.username);
  const revoke = useRevokeMembership(user.username);
  const name = user.display_name || user.username;

  const submit = (membership: MembershipChoice) =>
    grant.mutate(membership, {
      onSuccess: () => form.resetFields(),
      onError: (error) => {
        if (error instanceof ApiError) form.setFields(splitFieldErrors(error.fieldErrors, FIELDS).fields);
      },
    });
  const grantFailure = grant.isError && !(grant.error instanceof ApiError && grant.error.status === 422);
  return (
    <Modal open title={t('admin.membership.title', { name })} footer={null} onCancel={onClose}>
      <List
        dataSource={user.memberships ?? []}
        locale={{ emptyText: <Empty description={t('admin.membership.none')} /> }}
        renderItem={(m) => {
          const label = `${labels.role(m.role)} · ${labels.unit(m.org_unit)}`;
          // Her own admin membership another admin must take away, or the last admin could lock everyone out.
          const own = user.username === me.username && m.role === 'admin';
          return (
            <List.Item
              actions={[
                <Popconfirm
                  key="revoke"
                  title={t('admin.membership.revokeConfirm', { membership: label })}
                  okText={t('admin.membership.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => revoke.mutate({ role: m.role as MembershipChoice['role'], org_unit: m.org_unit })}
                  disabled={own}
                >
                  <Button size="small" danger disabled={own} aria-label={t('admin.membership.revokeOf', { membership: label })}>
                    {t('admin.membership.revoke')}
                  </Button>
                </Popconfirm>,
              ]}
            >
              <Typography.Text>{label}</Typography.Text>
            </List.Item>
          );
        }}
      />
      {revoke.isError && <Alert type="error" showIcon role="alert" message={errorMessage(t, revoke.error)} style={{ marginBottom: 12 }} />}
      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
        {t('admin.membership.grant')}
      </Typography.Title>
      <Form<MembershipChoice> form={form} layout="vertical" onFinish={submit} disabled={grant.isPending}>
        <Flex wrap gap={8}>
          <MembershipFields prefix={[]} idPrefix="grant-membership" />
        </Flex>
        {grantFailure && <Alert type="error" showIcon role="alert" message={errorMessage(t, grant.error)} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={grant.isPending}>
          {t('admin.membership.grantSubmit')}
        </Button>
      </Form>
    </Modal>
  );
}
