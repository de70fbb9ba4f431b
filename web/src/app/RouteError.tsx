import { Alert, Button, Flex } from 'antd';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';

/**
 * Catches a page that failed to load or draw. Usually a chunk of an older build that a server
 * upgrade removed: reloading fetches the current one. Going to another address tries again.
 */
export function RouteErrorBoundary({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <ErrorBoundary pathname={pathname}>{children}</ErrorBoundary>;
}

interface BoundaryProps {
  pathname: string;
  children: ReactNode;
}

interface BoundaryState {
  /** The address whose page failed; going elsewhere clears it. */
  failedAt: string | null;
}

class ErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  state: BoundaryState = { failedAt: null };

  static getDerivedStateFromError(): BoundaryState {
    return { failedAt: window.location.pathname };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): BoundaryState | null {
    return state.failedAt !== null && state.failedAt !== props.pathname ? { failedAt: null } : null;
  }

  componentDidCatch(error: unknown) {
    console.error(error);
  }

  render() {
    return this.state.failedAt ? <PageFailed /> : this.props.children;
  }
}

function PageFailed() {
  const { t } = useTranslation();
  return (
    <Flex justify="center" style={{ padding: 24 }}>
      <Alert
        type="error"
        showIcon
        role="alert"
        message={t('routeError.title')}
        description={t('routeError.text')}
        action={<Button onClick={() => window.location.reload()}>{t('routeError.reload')}</Button>}
      />
    </Flex>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return <Alert type="warning" showIcon message={t('notFound.title')} action={<Link to="/tasks">{t('notFound.back')}</Link>} />;
}
