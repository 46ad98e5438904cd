import { useEffect, useState } from 'react';

/** The workspace lives in the URL hash (#/query), so reloads and links keep the place. */
export function useHashRoute(fallback: string): [string, (route: string) => void] {
  const read = () => window.location.hash.replace(/^#\/?/, '').split(/[?/]/)[0] || fallback;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [route, navigate];
}

export function navigate(route: string): void {
  window.location.hash = `#/${route}`;
}
