import { Button, Card, Empty, Flex, Popconfirm, Skeleton, Table, Tag, Typography, message as antMessage } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '@/features/auth/api/session';
import { errorMessage } from '@/lib/error-message';

import { useAdminLabels, useChangeAccount, type AdminLabels, type AdminUser } from '../api/admin';
import type { UserDialog } from './UsersTab';

interface UserListProps {
  users: AdminUser[];
  loading: boolean;
  /** A phone: one card per user instead of a table too wide for the screen. */
  narrow: boolean;
  onOpen: (dialog: UserDialog) => void;
}

export function UserList({ users, loading, narrow, onOpen }: UserListProps) {
  const { t } = useTranslation();
  const labels = useAdminLabels();
  if (narrow) return <UserCards users={users} loading={loading} labels={labels} onOpen={onOpen} />;

  const columns: ColumnsType<AdminUser> = [
    { title: t('admin.users.username'), dataIndex: 'username', key: 'username' },
    { title: t('admin.users.displayName'), dataIndex: 'display_name', key: 'display_name' },
    { title: t('admin.users.memberships'), key: 'memberships', render: (_, user) => <Memberships user={user} labels={labels} /> },
    { title: t('admin.users.status'), key: 'active', render: (_, user) => <StatusTag active={user.active} /> },
    { title: t('admin.users.actions'), key: 'actions', render: (_, user) => <UserActions user={user} onOpen={onOpen} /> },
  ];
  return (
    <Table<AdminUser>
      rowKey="username"
      columns={columns}
      dataSource={users}
      loading={loading}
      pagination={false}
      size="middle"
      locale={{ emptyText: <Empty description={t('admin.users.empty')} /> }}
    />
  );
}

function UserCards({ users, loading, labels, onOpen }: Omit<UserListProps, 'narrow'> & { labels: AdminLabels }) {
  const { t } = useTranslation();
  if (loading) return <Skeleton active />;
  if (!users.length) return <Empty description={t('admin.users.empty')} />;
  return (
    <Flex vertical gap={8} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {users.map((user) => (
        <li key={user.username}>
          <Card size="small" aria-label={user.display_name || user.username}>
            <Flex justify="space-between" align="start" gap={8}>
              <Typography.Text strong>{user.display_name}</Typography.Text>
              <StatusTag active={user.active} />
            </Flex>
            <Typography.Text type="secondary">{user.username}</Typography.Text>
            <div style={{ margin: '8px 0' }}>
              <Memberships user={user} labels={labels} />
            </div>
            <UserActions user={user} onOpen={onOpen} />
          </Card>
        </li>
      ))}
    </Flex>
  );
}

function Memberships({ user, labels }: { user: AdminUser; labels: AdminLabels }) {
  return (
    <Flex wrap gap={4}>
      {(user.memberships ?? []).map((m) => (
        <Tag key={`${m.role}@${m.org_unit}`} style={{ whiteSpace: 'normal', marginInlineEnd: 0 }}>
          {labels.role(m.role)} · {labels.unit(m.org_unit)}
        </Tag>
      ))}
    </Flex>
  );
}

function StatusTag({ active }: { active?: boolean }) {
  const { t } = useTranslation();
  return active ? <Tag color="success">{t('admin.users.active')}</Tag> : <Tag color="default">{t('admin.users.inactive')}</Tag>;
}

/** 岗位, 重置密码, 停用/启用. Her own account she cannot deactivate (another admin must). */
function UserActions({ user, onOpen }: { user: AdminUser; onOpen: (dialog: UserDialog) => void }) {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const change = useChangeAccount();
  const [message, holder] = antMessage.useMessage();
  const name = user.display_name || user.username;
  const setActive = (active: boolean) =>
    change.mutate(
      { username: user.username, active },
      {
        onSuccess: () => void message.success(t(active ? 'admin.users.activated' : 'admin.users.deactivated', { name })),
        onError: (error) => void message.error(errorMessage(t, error)),
      },
    );
  return (
    <Flex wrap gap={4}>
      {holder}
      <Button size="small" onClick={() => onOpen({ kind: 'memberships', user })} aria-label={t('admin.users.editMembershipsOf', { name })}>
        {t('admin.users.editMemberships')}
      </Button>
      <Button size="small" onClick={() => onOpen({ kind: 'password', user })} aria-label={t('admin.users.resetPasswordOf', { name })}>
        {t('admin.users.resetPassword')}
      </Button>
      {user.active ? (
        <Popconfirm
          title={t('admin.users.deactivateConfirm', { name })}
          description={t('admin.users.deactivateHint')}
          okText={t('admin.users.deactivate')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => setActive(false)}
          disabled={user.username === me.username}
        >
          <Button
            size="small"
            danger
            loading={change.isPending}
            disabled={user.username === me.username}
            title={user.username === me.username ? t('admin.users.notYourself') : undefined}
            aria-label={t('admin.users.deactivateOf', { name })}
          >
            {t('admin.users.deactivate')}
          </Button>
        </Popconfirm>
      ) : (
        <Button size="small" loading={change.isPending} onClick={() => setActive(true)} aria-label={t('admin.users.activateOf', { name })}>
          {t('admin.users.activate')}
        </Button>
      )}
    </Flex>
  );
}
