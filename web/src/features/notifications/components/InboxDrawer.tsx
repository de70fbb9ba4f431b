import { Button, Drawer, Empty, List, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

import { PageError } from '@/components/PageError';

import { type Notification, useInbox, useMarkAllRead, useMarkRead } from '../api/inbox';
import { SettingsDialog } from './SettingsDialog';

/** The inbox: newest first, unread marked, 全部已读. */
export default function InboxDrawer({ open, unread, onClose }: { open: boolean; unread: number; onClose: () => void }) {
  const { t } = useTranslation();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const extra = (
    <Space size={4}>
      <Button size="small" onClick={() => setSettingsOpen(true)}>
        {t('notifications.settings.open')}
      </Button>
      <MarkAllRead disabled={!unread} />
    </Space>
  );
  return (
    <Drawer title={t('notifications.title')} placement="right" width="min(400px, 100vw)" open={open} onClose={onClose} extra={extra}>
      {open && <InboxList onOpened={onClose} />}
      <SettingsDialog open={settingsOpen} onClose={() => setSettingsOpen(false)} />
    </Drawer>
  );
}

function MarkAllRead({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const markAll = useMarkAllRead();
  return (
    <Button size="small" disabled={disabled} loading={markAll.isPending} onClick={() => markAll.mutate()}>
      {t('notifications.markAllRead')}
    </Button>
  );
}

function InboxList({ onOpened }: { onOpened: () => void }) {
  const { t } = useTranslation();
  const inbox = useInbox(true);
  const markRead = useMarkRead();
  const navigate = useNavigate();
  if (inbox.error) return <PageError error={inbox.error} />;
  const open = (note: Notification) => {
    if (note.id !== undefined && !note.read_at) markRead.mutate(note.id);
    onOpened();
    if (note.link) navigate(note.link);
  };
  return (
    <List
      loading={inbox.isLoading}
      dataSource={inbox.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('notifications.empty')} /> }}
      renderItem={(note) => (
        <List.Item>
          <Button type="link" block onClick={() => open(note)} style={{ height: 'auto', padding: 0, textAlign: 'start', whiteSpace: 'normal' }}>
            <Space direction="vertical" size={0} style={{ width: '100%' }}>
              <Space wrap size={4}>
                {note.urgent && <Tag color="red">{t('notifications.urgent')}</Tag>}
                {!note.read_at && <Tag color="blue">{t('notifications.unread')}</Tag>}
                <Typography.Text strong={!note.read_at}>{note.title}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">{note.body}</Typography.Text>
              <Typography.Text type="secondary">{dayjs(note.created_at).format('YYYY-MM-DD HH:mm')}</Typography.Text>
            </Space>
          </Button>
        </List.Item>
      )}
    />
  );
}
