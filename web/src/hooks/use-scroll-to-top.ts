import { useEffect } from 'react';

/**
 * Opens a page at its top. The declarative router keeps the window's scroll position across
 * navigations (only the data router restores it), so a case opened from the bottom of a long
 * list, or after submitting a long form, would open half way down.
 */
export function useScrollToTop(key: string): void {
  useEffect(() => {
    // Not returned: browsers now answer scrollTo with a promise, which React would call as cleanup.
    window.scrollTo(0, 0);
  }, [key]);
}
