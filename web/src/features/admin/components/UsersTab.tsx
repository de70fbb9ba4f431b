import { PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Grid, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';

import { ListPagination } from '@/components/ListPagination';
import { PageError } from '@/components/PageError';

import { useUsers, type AdminUser } from '../api/admin';
import { parseUserSearch, userSearchParams, type UserSearch } from '../lib/user-search';
import { MembershipsDialog } from './MembershipsDialog';
import { NewUserDialog } from './NewUserDialog';
import { ResetPasswordDialog } from './ResetPasswordDialog';
import { UserList } from './UserList';

export type UserDialog = { kind: 'memberships' | 'password'; user: AdminUser };

/** 用户: search by name or username, page, add, and each user's actions. */
export function UsersTab() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const search = parseUserSearch(params);
  const users = useUsers(search);
  const [adding, setAdding] = useState(false);
  const [dialog, setDialog] = useState<UserDialog | null>(null);
  const update = (change: Partial<UserSearch>) => setParams(userSearchParams({ ...search, page: 1, ...change }));

  const narrow = !screens.md;
  const open = dialog && users.data?.items.find((user) => user.username === dialog.user.username);
  return (
    <Flex vertical gap={12}>
      <Flex wrap gap={8} justify="space-between">
        <Input.Search
          key={search.q}
          aria-label={t('admin.users.search')}
          placeholder={t('admin.users.searchPlaceholder')}
          defaultValue={search.q}
          allowClear
          enterButton
          onSearch={(q) => update({ q: q.trim() })}
          style={{ flex: '1 1 220px', maxWidth: 360 }}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
          {t('admin.users.add')}
        </Button>
      </Flex>
      {users.isError && !users.data ? (
        <PageError error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <UserList users={users.data?.items ?? []} loading={users.isPending} narrow={narrow} onOpen={setDialog} />
      )}
      {users.data && (
        <ListPagination
          page={search.page}
          perPage={search.perPage}
          total={users.data.total}
          narrow={narrow}
          totalText={(total) => t('admin.users.total', { count: total })}
          onChange={(page, perPage) => setParams(userSearchParams({ ...search, page, perPage }))}
        />
      )}
      {adding && <NewUserDialog onClose={() => setAdding(false)} />}
      {dialog?.kind === 'password' && <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'memberships' && <MembershipsDialog user={open || dialog.user} onClose={() => setDialog(null)} />}
    </Flex>
  );
}
