import { Flex } from 'antd';
import type { ReactNode } from 'react';

/** A form's buttons in a bar that sticks to the bottom of the screen, so that on a phone they
 * stay within reach below a long form. */
export function StickyActions({ children }: { children: ReactNode }) {
  return (
    <Flex
      wrap
      gap={8}
      align="center"
      style={{ position: 'sticky', bottom: 0, zIndex: 2, background: '#fff', padding: '12px 0', borderTop: '1px solid #f0f0f0' }}
    >
      {children}
    </Flex>
  );
}
