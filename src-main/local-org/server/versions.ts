// The API versions the local org answers to: 31.0 (Summer '14) to 66.0 (Spring '26). jsforce
// defaults to 50.0 and callers pin others; the org behaves like the requested version where a
// client can tell (upsert-update 200 vs 204 at 46.0).

export const OLDEST_API_VERSION = 31;
export const NEWEST_API_VERSION = 66;

/** '62.0' for '62.0'; undefined for anything outside 31.0–66.0 or not shaped NN.N. */
export function parseApiVersion(text: string): string | undefined {
  if (!/^\d{2}\.\d$/.test(text)) return undefined;
  const value = Number(text);
  return value >= OLDEST_API_VERSION && value <= NEWEST_API_VERSION ? text : undefined;
}

/** Whether `version` is at least `than` (both NN.N). */
export const versionAtLeast = (version: string, than: number): boolean => Number(version) >= than;

const SEASONS = ['Winter', 'Spring', 'Summer'] as const;

/** Release names run three a year: 50.0 is Winter '21, 51.0 Spring '21, 52.0 Summer '21. */
function releaseLabel(major: number): string {
  const fromWinter21 = major - 50;
  const year = 21 + Math.floor(fromWinter21 / 3);
  const season = SEASONS[fromWinter21 - 3 * Math.floor(fromWinter21 / 3)] as string;
  return `${season} '${String(year).padStart(2, '0')}`;
}

/** GET /services/data: every version, oldest first. */
export function versionList(): Array<{ label: string; url: string; version: string }> {
  const list: Array<{ label: string; url: string; version: string }> = [];
  for (let major = OLDEST_API_VERSION; major <= NEWEST_API_VERSION; major++) {
    const version = `${major}.0`;
    list.push({ label: releaseLabel(major), url: `/services/data/v${version}`, version });
  }
  return list;
}
