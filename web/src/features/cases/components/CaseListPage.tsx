import { ComingSoon } from '@/components/ComingSoon';

export default function CaseListPage() {
  return <ComingSoon page="cases.list" />;
}
