import { Flex, Layout, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

import { LanguageSwitch } from '@/components/LanguageSwitch';

import styles from './PublicLayout.module.css';

/** The public pages' frame: no login, no staff menu; the product and what the page is for. */
interface PublicLayoutProps {
  /** The page's one h1, with a line below it saying what the page is for. */
  title?: string;
  intro?: string;
  children: ReactNode;
}

export function PublicLayout({ title, intro, children }: PublicLayoutProps) {
  const { t } = useTranslation();
  return (
    <Layout className={styles.layout}>
      <Layout.Header className={styles.header}>
        <Link to="/intake" className={styles.brand}>
          {t('app.name')} · {t('intake.header')}
        </Link>
        <LanguageSwitch className={styles.onDark} />
      </Layout.Header>
      <Layout.Content className={styles.content}>
        <Flex vertical gap={16} className={styles.column}>
          {title && (
            <div>
              <Typography.Title level={1} className={styles.title}>
                {title}
              </Typography.Title>
              {intro && <Typography.Text type="secondary">{intro}</Typography.Text>}
            </div>
          )}
          {children}
        </Flex>
      </Layout.Content>
      <Layout.Footer className={styles.footer}>
        <Typography.Text type="secondary">{t('intake.footer')}</Typography.Text>
      </Layout.Footer>
    </Layout>
  );
}
