import { ComingSoon } from '@/components/ComingSoon';

export default function CasePage() {
  return <ComingSoon page="cases.detail" />;
}
