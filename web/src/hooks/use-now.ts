import { useEffect, useState } from 'react';

/** The current time, renewed every `intervalMs`, so "还剩 5 分钟" and 逾期 marks move on their own. */
export function useNow(intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
