import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Grid, Layout } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';

import { LanguageSwitch } from '@/components/LanguageSwitch';
import { useCurrentUser, useLogout } from '@/features/auth/api/session';
import { ADMIN_ROLES, DESIGNER_ROLES, holdsAnyRole, SUPERVISION_ROLES } from '@/features/auth/lib/roles';
import { NotificationBell } from '@/features/notifications/components/NotificationBell';
import { forgetSyncedDrafts, useDraftSync } from '@/features/tasks/api/drafts';

import styles from './AppShell.module.css';

interface Section {
  path: string;
  label: string;
  /** Roles that see the section; none: every member of staff. */
  roles?: ReadonlySet<string>;
}

const SECTIONS: readonly Section[] = [
  { path: '/tasks', label: 'nav.tasks' },
  { path: '/cases', label: 'nav.cases' },
  { path: '/dashboard', label: 'nav.dashboard', roles: SUPERVISION_ROLES },
  { path: '/designer', label: 'nav.designer', roles: DESIGNER_ROLES },
  { path: '/admin', label: 'nav.admin', roles: ADMIN_ROLES },
];

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
  const mine = SECTIONS.filter((s) => !s.roles || holdsAnyRole(user.memberships, s.roles));
  // A phone's header holds the two sections everyone uses; the rest fold into the menu.
  const inHeader = narrow ? mine.filter((s) => !s.roles) : mine;
  const inMenu = narrow ? mine.filter((s) => s.roles) : [];
  return (
    <Layout className={styles.shell}>
      <Layout.Header className={styles.header}>
        <Link to="/tasks" className={styles.brand}>
          {t('app.name')}
        </Link>
        <nav aria-label={t('header.sections')} className={styles.sections}>
          {inHeader.map((section) => (
            <NavLink key={section.path} to={section.path} className={({ isActive }) => (isActive ? styles.activeSection : styles.section)}>
              {t(section.label)}
            </NavLink>
          ))}
        </nav>
        <NotificationBell className={styles.onDark} />
        <span className={styles.userName}>{user.display_name}</span>
        {narrow ? (
          <>
            <Button type="text" className={styles.onDark} icon={<MenuOutlined />} aria-label={t('header.menu')} onClick={() => setDrawerOpen(true)} />
            <Drawer title={user.display_name} placement="right" width={260} open={drawerOpen} onClose={() => setDrawerOpen(false)}>
              <Flex vertical gap={8}>
                {inMenu.length > 0 && (
                  <nav aria-label={t('header.moreSections')}>
                    <Flex vertical gap={4}>
                      {inMenu.map((section) => (
                        <NavLink key={section.path} to={section.path} onClick={() => setDrawerOpen(false)}>
                          {t(section.label)}
                        </NavLink>
                      ))}
                    </Flex>
                  </nav>
                )}
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
