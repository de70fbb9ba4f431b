import { ArrowLeftOutlined } from '@ant-design/icons';
import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

import styles from './Designer.module.css';

/** A studio page's title, with the way back and the page's own actions. */
export function StudioHeader({ title, back, backLabel, actions }: { title: ReactNode; back?: string; backLabel?: string; actions?: ReactNode }) {
  return (
    <Flex vertical gap={4} style={{ marginBottom: 16 }}>
      {back && (
        <Link to={back}>
          <ArrowLeftOutlined /> {backLabel}
        </Link>
      )}
      <Flex wrap gap={8} align="center" justify="space-between">
        <Typography.Title level={2} className={styles.wrap} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {actions && (
          <Flex wrap gap={8}>
            {actions}
          </Flex>
        )}
      </Flex>
    </Flex>
  );
}
