import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';

import { LanguageSwitch } from '@/components/LanguageSwitch';
import { ApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';

import { useLogin, useSession, type Credentials } from '../api/session';
import { safeNextPath } from '../lib/next-path';

export default function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const session = useSession();
  const login = useLogin();
  const next = safeNextPath(params.get('next'));

  // Logged in, or just now: the session query holds her, so on to where she was going.
  if (session.data) return <Navigate to={next} replace />;

  return (
    <Flex component="main" justify="center" align="center" style={{ minHeight: '100vh', padding: 16, background: '#f5f5f5' }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Flex justify="space-between" align="baseline">
          <Typography.Title level={1} style={{ marginTop: 0 }}>
            {t('app.name')}
          </Typography.Title>
          <LanguageSwitch />
        </Flex>
        <Typography.Paragraph type="secondary">{t('login.intro')}</Typography.Paragraph>
        {login.error && <Alert type="error" showIcon role="alert" message={loginErrorMessage(t, login.error)} style={{ marginBottom: 16 }} />}
        <Form<Credentials> layout="vertical" onFinish={(credentials) => login.mutate(credentials)} requiredMark={false} disabled={login.isPending}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
            <Input autoComplete="username" autoCapitalize="none" spellCheck={false} />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}

function loginErrorMessage(t: Parameters<typeof errorMessage>[0], error: unknown): string {
  // A deactivated account is told so (the server says it only to whoever knows her password).
  const wrongPassword = error instanceof ApiError && error.status === 401 && error.code !== 'account_deactivated';
  return wrongPassword ? t('login.wrongPassword') : errorMessage(t, error);
}
