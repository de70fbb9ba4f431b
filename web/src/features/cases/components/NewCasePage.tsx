import { ComingSoon } from '@/components/ComingSoon';

export default function NewCasePage() {
  return <ComingSoon page="cases.new" />;
}
