import { Button, List, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { formatDateTime } from '@/lib/due';

import type { SensitiveRead } from '../api/cases';
import { fieldName, type Labels } from '../lib/case-data';

/**
 * 查看记录: who was sent which sensitive fields in clear, when and how (PIPL need-to-know), for
 * those who supervise the case.
 */
export function AccessLogButton({ entries, labels }: { entries: SensitiveRead[]; labels: Labels }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)}>
        {t('case.accessLog.button')}
      </Button>
      <Modal open={open} title={t('case.accessLog.title')} footer={null} onCancel={() => setOpen(false)}>
        <Typography.Paragraph type="secondary">{t('case.accessLog.intro')}</Typography.Paragraph>
        <List
          dataSource={[...entries].reverse()}
          locale={{ emptyText: <Typography.Text type="secondary">{t('case.accessLog.empty')}</Typography.Text> }}
          renderItem={(entry) => (
            <List.Item>
              <List.Item.Meta
                title={t('case.accessLog.entry', {
                  at: formatDateTime(entry.at, i18n.language),
                  user: entry.display_name ?? entry.username,
                  via: t(`case.accessLog.via.${entry.via}`, { defaultValue: entry.via }),
                })}
                description={
                  <>
                    {entry.fields.map((path) => fieldName(path, labels)).join('、')}
                    {entry.reason && <div>{t('case.accessLog.reason', { reason: entry.reason })}</div>}
                  </>
                }
              />
            </List.Item>
          )}
        />
      </Modal>
    </>
  );
}
