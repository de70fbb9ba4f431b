import { QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, useLocation } from 'react-router';

import { usePrefersReducedMotion } from '@/hooks/use-reduced-motion';
import { useScrollToTop } from '@/hooks/use-scroll-to-top';
import { createQueryClient } from '@/lib/query-client';

import { RouteErrorBoundary } from './RouteError';
import { AppRoutes } from './router';

/**
 * Ant Design's colours, a shade darker where its defaults fall short of WCAG AA contrast
 * (4.5:1 for text) on white and on the page's #f5f5f5: the primary blue (#1677ff: 4.1:1 under
 * white text, 3.8:1 as a link on grey), secondary text (45 % black: 3.4:1), placeholders
 * (25 % black: 1.8:1, and here they name the filters' choices), and the status colours that
 * colour text: success tags (#52c41a: 2.2:1), deadlines close at hand (warning, #faad14:
 * 1.9:1), overdue ones and field errors (#ff4d4f: 3.3:1).
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorInfo: '#0958d9',
    colorLink: '#0958d9',
    colorSuccess: '#237804',
    colorWarning: '#ad4e00',
    colorError: '#cf1322',
    // Tints derived from these darker seeds come out grey: keep Ant Design's own.
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
};

export function App() {
  const { i18n } = useTranslation();
  const [queryClient] = useState(createQueryClient);
  const reducedMotion = usePrefersReducedMotion();
  const theme = useMemo<ThemeConfig>(() => ({ ...THEME, token: { ...THEME.token, motion: !reducedMotion } }), [reducedMotion]);
  return (
    // antd writes two-character Chinese buttons as "登 录"; UI.md's labels are 登录, 认领, 提交.
    <ConfigProvider theme={theme} locale={i18n.language === 'en' ? enUS : zhCN} button={{ autoInsertSpace: false }}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <ScrollToTopOnNavigate />
          <RouteErrorBoundary>
            <AppRoutes />
          </RouteErrorBoundary>
        </BrowserRouter>
      </QueryClientProvider>
    </ConfigProvider>
  );
}

/** Every page opens at its top, whatever the page before it was scrolled to. */
function ScrollToTopOnNavigate() {
  const { pathname } = useLocation();
  useScrollToTop(pathname);
  return null;
}
