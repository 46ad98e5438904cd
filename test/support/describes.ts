// The fixture org's describes (test/fixtures/describes), read from the committed JSON exactly as
// a saved org would be: the generator maintains the files, tests only read them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createDescribeCatalog,
  type DescribeCatalog,
  type GlobalSObject,
  type SObjectDescribe,
} from '../../src-shared/salesforce';

export const FIXTURE_DESCRIBE_DIR = resolve(__dirname, '..', 'fixtures', 'describes', 'org');
/** The describeGlobal body (GET /sobjects), including objects listed but not described. */
export const FIXTURE_GLOBAL_FILE = resolve(__dirname, '..', 'fixtures', 'describes', 'global.json');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot read fixture ${file}: ${reason}. Regenerate with ` +
        '`node --import tsx test/fixtures/describes/generate.ts`.',
    );
  }
}

/** Every object describe in the fixture folder, sorted by object name. */
export function loadFixtureDescribes(): SObjectDescribe[] {
  return readdirSync(FIXTURE_DESCRIBE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readJson(join(FIXTURE_DESCRIBE_DIR, name)) as SObjectDescribe);
}

/** The global object list, described objects and name-only ones (Group, Profile, ...). */
export function loadFixtureGlobal(): GlobalSObject[] {
  const body = readJson(FIXTURE_GLOBAL_FILE) as { sobjects: GlobalSObject[] };
  return body.sobjects;
}

/** A catalog over the fixture org, as the app builds one from a live org. */
export function fixtureCatalog(): DescribeCatalog {
  return createDescribeCatalog(loadFixtureDescribes(), loadFixtureGlobal());
}
