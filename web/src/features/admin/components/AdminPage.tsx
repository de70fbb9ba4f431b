import { Flex, Result, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';

import { useCurrentUser } from '@/features/auth/api/session';
import { ADMIN_ROLES, holdsAnyRole } from '@/features/auth/lib/roles';
import { addPageWords } from '@/lib/i18n';

import adminEn from '../locales/en.json';
import adminZh from '../locales/zh-CN.json';
import { ImportExportTab } from './ImportExportTab';
import { OrgTab } from './OrgTab';
import { UsersTab } from './UsersTab';

addPageWords('admin', { 'zh-CN': adminZh, en: adminEn });

const TABS = ['users', 'org', 'import'] as const;

/** /admin: 用户 (/admin/users), 组织机构 (/admin/org), 导入导出 (/admin/import), each its own address. */
export default function AdminPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  if (!holdsAnyRole(user.memberships, ADMIN_ROLES)) return <Result status="403" title={t('admin.notAllowed')} />;

  const active = TABS.find((tab) => pathname.startsWith(`/admin/${tab}`)) ?? 'users';
  return (
    <Flex vertical gap={12}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('nav.admin')}
      </Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(tab) => navigate(`/admin/${tab}`)}
        items={TABS.map((tab) => ({ key: tab, label: t(`admin.tabs.${tab}`) }))}
        style={{ marginBottom: -12 }}
      />
      <Routes>
        <Route path="users" element={<UsersTab />} />
        <Route path="org" element={<OrgTab />} />
        <Route path="import" element={<ImportExportTab />} />
        <Route path="*" element={<Navigate to="/admin/users" replace />} />
      </Routes>
    </Flex>
  );
}
