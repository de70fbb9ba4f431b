import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Grid, Layout } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';

import { LanguageSwitch } from '@/components/LanguageSwitch';
import { useCurrentUser, useLogout } from '@/features/auth/api/session';
import { forgetSyncedDrafts, useDraftSync } from '@/features/tasks/api/drafts';

import styles from './AppShell.module.css';

const SECTIONS = [
  { path: '/tasks', label: 'nav.tasks' },
  { path: '/cases', label: 'nav.cases' },
] as const;

/**
 * The frame of every staff page: product name, sections, who is logged in, language, logout.
 * On a phone language and logout fold into a drawer so that the header fits 390 px.
 */
export function AppShell() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const user = useCurrentUser();
  const [drawerOpen, setDrawerOpen] = useState(false);
  useDraftSync(user.username);

  const narrow = !screens.md;
  return (
    <Layout className={styles.shell}>
      <Layout.Header className={styles.header}>
        <Link to="/tasks" className={styles.brand}>
          {t('app.name')}
        </Link>
        <nav aria-label={t('header.sections')} className={styles.sections}>
          {SECTIONS.map((section) => (
            <NavLink key={section.path} to={section.path} className={({ isActive }) => (isActive ? styles.activeSection : styles.section)}>
              {t(section.label)}
            </NavLink>
          ))}
        </nav>
        <span className={styles.userName}>{user.display_name}</span>
        {narrow ? (
          <>
            <Button type="text" className={styles.onDark} icon={<MenuOutlined />} aria-label={t('header.menu')} onClick={() => setDrawerOpen(true)} />
            <Drawer title={user.display_name} placement="right" width={260} open={drawerOpen} onClose={() => setDrawerOpen(false)}>
              <Flex vertical gap={8}>
                <LanguageSwitch block />
                <LogoutButton username={user.username} block />
              </Flex>
            </Drawer>
          </>
        ) : (
          <>
            <LanguageSwitch className={styles.onDark} />
            <LogoutButton username={user.username} />
          </>
        )}
      </Layout.Header>
      <Layout.Content className={styles.content}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}

function LogoutButton({ username, block = false }: { username: string; block?: boolean }) {
  const { t } = useTranslation();
  const logout = useLogout();
  const navigate = useNavigate();
  const leave = () => {
    forgetSyncedDrafts(username);
    navigate('/login', { replace: true });
  };
  return (
    <Button
      block={block}
      type={block ? 'default' : 'text'}
      className={block ? undefined : styles.onDark}
      loading={logout.isPending}
      onClick={() => logout.mutate(undefined, { onSettled: leave })}
    >
      {t('header.logout')}
    </Button>
  );
}
