import { Alert, Checkbox, Form, Input, Modal, Space, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { type NotificationSettings, useNotificationSettings, useSaveNotificationSettings } from '../api/inbox';

interface Values {
  quietStart: string;
  quietEnd: string;
  outside: boolean;
  muted: string[];
}

function toBody(values: Values): NotificationSettings {
  const quiet = values.quietStart && values.quietEnd ? { start: values.quietStart, end: values.quietEnd } : null;
  return { quiet_hours: quiet, outside: values.outside, muted: values.muted };
}

/** 通知设置: quiet hours, outside channels on or off, kinds kept from them (red alerts always go). */
export function SettingsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const settings = useNotificationSettings(open);
  const save = useSaveNotificationSettings();
  useEffect(() => {
    if (!settings.data) return;
    // The schema types a nullable nested object as `{} | {...}`.
    const quiet = settings.data.quiet_hours as { start?: string; end?: string } | null | undefined;
    form.setFieldsValue({
      quietStart: quiet?.start ?? '',
      quietEnd: quiet?.end ?? '',
      outside: settings.data.outside ?? true,
      muted: settings.data.muted ?? [],
    });
  }, [settings.data, form]);
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors : [];
  const submit = (values: Values) => save.mutate(toBody(values), { onSuccess: onClose });
  return (
    <Modal title={t('notifications.settings.title')} open={open} onCancel={onClose} onOk={() => form.submit()} okText={t('notifications.settings.save')} confirmLoading={save.isPending} destroyOnHidden>
      {save.error && !fieldErrors.length ? <Alert type="error" showIcon message={errorMessage(t, save.error)} /> : null}
      <Form form={form} layout="vertical" onFinish={submit} disabled={settings.isLoading}>
        <Typography.Paragraph type="secondary">{t('notifications.settings.help')}</Typography.Paragraph>
        <Form.Item label={t('notifications.settings.quietHours')} validateStatus={fieldErrors.some((e) => e.field.startsWith('quiet_hours')) ? 'error' : undefined} help={fieldErrors.find((e) => e.field.startsWith('quiet_hours'))?.message}>
          <Space wrap>
            <Form.Item name="quietStart" noStyle>
              <Input type="time" aria-label={t('notifications.settings.quietStart')} style={{ width: 130 }} />
            </Form.Item>
            <span>—</span>
            <Form.Item name="quietEnd" noStyle>
              <Input type="time" aria-label={t('notifications.settings.quietEnd')} style={{ width: 130 }} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Form.Item name="outside" label={t('notifications.settings.outside')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="muted" label={t('notifications.settings.muted')}>
          <Checkbox.Group options={(settings.data?.mutable_kinds ?? []).map((kind) => ({ value: kind, label: t(`notifications.kinds.${kind}`, kind) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
