import { RollbackOutlined } from '@ant-design/icons';
import { Button, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '@/lib/error-message';

import { type RolledBack, useRollback } from '../api/designer';

/** 回滚到此版本: after a confirmation, the version's files become the new latest version. */
export function RollbackButton({ processKey, version, latest, onDone }: { processKey: string; version: number; latest: number; onDone: (done: RolledBack) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const rollback = useRollback(processKey);
  const confirm = () =>
    rollback.mutate(version, {
      onSuccess: (done) => {
        setOpen(false);
        onDone(done);
      },
    });
  return (
    <>
      <Button icon={<RollbackOutlined />} onClick={() => setOpen(true)} disabled={version === latest}>
        {t('designer.rollback.button')}
      </Button>
      <Modal
        open={open}
        title={t('designer.rollback.confirmTitle', { version })}
        okText={t('designer.rollback.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={rollback.isPending}
        onOk={confirm}
        onCancel={() => setOpen(false)}
      >
        <Typography.Paragraph>{t('designer.rollback.explain', { version, next: latest + 1 })}</Typography.Paragraph>
        {rollback.isError && <Typography.Text type="danger">{errorMessage(t, rollback.error)}</Typography.Text>}
      </Modal>
    </>
  );
}
