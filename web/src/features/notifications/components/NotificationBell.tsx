import { BellOutlined } from '@ant-design/icons';
import { Badge, Button } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useInboxState } from '../api/inbox';
import { badgeCount } from '../lib/stream';

// The inbox's list and drawer load on the first click: every page shows the bell, few open it.
const InboxDrawer = lazy(() => import('./InboxDrawer'));

/**
 * The 通知 button of every staff page's header (UI.md): the unread count, live, and the inbox
 * in a drawer; choosing a notification marks it read and opens its task or case.
 */
export function NotificationBell({ className }: { className?: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const state = useInboxState();
  const unread = state.data?.unread ?? 0;
  return (
    <>
      <Badge count={badgeCount(unread)} size="small" offset={[-6, 6]}>
        <Button
          type="text"
          className={className}
          icon={<BellOutlined />}
          aria-label={unread ? t('notifications.buttonUnread', { count: unread }) : t('notifications.button')}
          onClick={() => {
            setOpened(true);
            setOpen(true);
          }}
        />
      </Badge>
      {opened && (
        <Suspense fallback={null}>
          <InboxDrawer open={open} unread={unread} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
