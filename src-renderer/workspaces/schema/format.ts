import { useEffect, useState } from 'react';

/** "just now", "3 min ago", "2 h ago", "5 days ago": how old a cached answer is. */
export function ageText(fetchedAt: string, now: number): string {
  const seconds = Math.max(0, (now - Date.parse(fetchedAt)) / 1000);
  if (!Number.isFinite(seconds)) return 'at an unknown time';
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** "described 3 min ago · refreshing…" */
export function cacheAgeText(
  fetchedAt: string | null,
  refreshing: boolean,
  now: number,
  verb = 'described',
): string {
  if (fetchedAt === null) return refreshing ? `not ${verb} yet · asking the org…` : 'not cached';
  const age = `${verb} ${ageText(fetchedAt, now)}`;
  return refreshing ? `${age} · refreshing…` : age;
}

const numberFormat = new Intl.NumberFormat();

export function formatCount(count: number, noun = 'record'): string {
  return `${numberFormat.format(count)} ${noun}${count === 1 ? '' : 's'}`;
}

/** The current time, re-read every `intervalMs`, so "3 min ago" moves on by itself. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Puts text on the clipboard. The async Clipboard API needs a secure context and focus; where it
 * refuses, a hidden textarea and execCommand('copy') still work in Chromium and Electron.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // fall through to the older path
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('The clipboard refused the text; select it and copy by hand.');
}
