// Times as the inspector shows them: local time in the grid (the ISO time in the title), and
// the `datetime-local` inputs' text, which has no zone and means the machine's local time.

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-06-30 14:03:12` in local time; '' for no time. */
export function localTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `3 min ago`, `2 h ago`, `5 days ago`: beside a time in the detail. */
export function age(iso: string | null, now: Date): string {
  if (!iso) return '';
  const ms = now.getTime() - new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  if (ms < 0) return 'just now';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** The value of a `datetime-local` input for an ISO time: `2025-06-30T14:03`. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/** The ISO time a `datetime-local` input's value means; undefined when empty or unreadable. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value); // no zone: read as local time
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
