import { Alert, Checkbox, Form, type FormInstance, Input, Modal, Skeleton, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ApiError, type FieldError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { type NotificationSettings, useNotificationSettings, useSaveNotificationSettings } from '../api/inbox';

interface Values {
  quietStart: string;
  quietEnd: string;
  outside: boolean;
  muted: string[];
}

interface SavedSettings {
  quiet_hours?: unknown;
  outside?: boolean;
  muted?: string[];
  mutable_kinds?: string[];
}

function initialValues(saved: SavedSettings): Values {
  // The schema types a nullable nested object as `{} | {...}`.
  const quiet = saved.quiet_hours as { start?: string; end?: string } | null | undefined;
  return { quietStart: quiet?.start ?? '', quietEnd: quiet?.end ?? '', outside: saved.outside ?? true, muted: saved.muted ?? [] };
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
  const fieldErrors = save.error instanceof ApiError ? save.error.fieldErrors : [];
  const submit = (values: Values) => save.mutate(toBody(values), { onSuccess: onClose });
  return (
    <Modal title={t('notifications.settings.title')} open={open} onCancel={onClose} onOk={() => form.submit()} okText={t('notifications.settings.save')} okButtonProps={{ disabled: !settings.data }} confirmLoading={save.isPending} destroyOnHidden>
      {save.error && !fieldErrors.length ? <Alert type="error" showIcon message={errorMessage(t, save.error)} /> : null}
      {/* The form appears with her saved settings, so nothing she types is overwritten when they arrive. */}
      {!settings.data ? (
        settings.error ? <Alert type="error" showIcon message={errorMessage(t, settings.error)} /> : <Skeleton active />
      ) : (
        <SettingsForm form={form} saved={settings.data} fieldErrors={fieldErrors} onFinish={submit} />
      )}
    </Modal>
  );
}

interface SettingsFormProps {
  form: FormInstance<Values>;
  saved: SavedSettings;
  fieldErrors: readonly FieldError[];
  onFinish: (values: Values) => void;
}

function SettingsForm({ form, saved, fieldErrors, onFinish }: SettingsFormProps) {
  const { t } = useTranslation();
  const quietError = fieldErrors.find((e) => e.field.startsWith('quiet_hours'))?.message;
  // Taken once: a refetch of her settings must not reset what she is choosing.
  const [initial] = useState(() => initialValues(saved));
  return (
      <Form form={form} layout="vertical" onFinish={onFinish} initialValues={initial}>
        <Typography.Paragraph type="secondary">{t('notifications.settings.help')}</Typography.Paragraph>
        <Form.Item label={t('notifications.settings.quietHours')} validateStatus={quietError ? 'error' : undefined} help={quietError}>
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
          <Checkbox.Group options={(saved.mutable_kinds ?? []).map((kind) => ({ value: kind, label: t(`notifications.kinds.${kind}`, kind) }))} />
        </Form.Item>
      </Form>
  );
}
