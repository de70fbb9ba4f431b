import { Flex } from 'antd';

import { ComingSoon } from '@/components/ComingSoon';

/** Public: no login, no staff header. */
export default function IntakePage() {
  return (
    <Flex justify="center" style={{ padding: 16 }}>
      <ComingSoon page="intake.form" />
    </Flex>
  );
}
