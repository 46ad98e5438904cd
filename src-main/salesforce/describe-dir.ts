// Offline describes: a folder of `<Object>.json` files in Salesforce's own describe format (the
// body of GET /sobjects/<Object>/describe), plus an optional `_global.json` (the body of
// GET /sobjects) listing objects known by name only.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createDescribeCatalog,
  type ChildRelationship,
  type DescribeCatalog,
  type FieldDescribe,
  type GlobalSObject,
  type SObjectDescribe,
} from '../../src-shared/salesforce';

export const GLOBAL_DESCRIBE_FILE = '_global.json';

/** A describe folder or file that cannot be used; the message names the file and the fix. */
export class DescribeSourceError extends Error {
  override readonly name = 'DescribeSourceError';
}

export interface DescribeDirContents {
  describes: SObjectDescribe[];
  global: GlobalSObject[];
}

export function loadDescribeDir(dir: string): DescribeCatalog {
  const { describes, global } = readDescribeDir(dir);
  return createDescribeCatalog(describes, global);
}

export function readDescribeDir(dir: string): DescribeDirContents {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new DescribeSourceError(`${dir} is a file; name the folder that holds the describes.`);
    }
    names = readdirSync(dir);
  } catch (error) {
    if (error instanceof DescribeSourceError) throw error;
    throw new DescribeSourceError(
      `Cannot open the describe folder ${dir}: ${reasonOf(error)}. ` +
        'Name a folder of <Object>.json describe files.',
    );
  }
  const files = names.filter((n) => n.endsWith('.json') && n !== GLOBAL_DESCRIBE_FILE).sort();
  if (files.length === 0) {
    throw new DescribeSourceError(
      `${dir} holds no <Object>.json describe files. Save each object's describe there ` +
        '(the body of GET /services/data/vXX.X/sobjects/<Object>/describe).',
    );
  }
  const describes = files.map((name) => parseDescribe(readJson(join(dir, name)), join(dir, name)));
  const global = names.includes(GLOBAL_DESCRIBE_FILE)
    ? parseGlobal(readJson(join(dir, GLOBAL_DESCRIBE_FILE)), join(dir, GLOBAL_DESCRIBE_FILE))
    : [];
  return { describes, global };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DescribeSourceError(`Cannot read ${file}: ${reasonOf(error)}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DescribeSourceError(
      `${file} is not valid JSON (${reasonOf(error)}). Save the describe exactly as the API returns it.`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the keys the validator relies on and fills the lists a hand-written describe may leave
 * out; everything else passes through untouched.
 */
export function parseDescribe(body: unknown, source: string): SObjectDescribe {
  if (!isRecord(body) || typeof body.name !== 'string' || !Array.isArray(body.fields)) {
    throw new DescribeSourceError(
      `${source} is not an object describe: it needs a "name" and a "fields" list ` +
        '(the body of GET /services/data/vXX.X/sobjects/<Object>/describe).',
    );
  }
  const fields = body.fields.map((field: unknown, index): FieldDescribe => {
    if (!isRecord(field) || typeof field.name !== 'string' || typeof field.type !== 'string') {
      throw new DescribeSourceError(
        `${source}: fields[${index}] needs a "name" and a "type" (e.g. {"name": "Name", "type": "string"}).`,
      );
    }
    return {
      ...field,
      referenceTo: Array.isArray(field.referenceTo) ? field.referenceTo : [],
      relationshipName: typeof field.relationshipName === 'string' ? field.relationshipName : null,
      picklistValues: Array.isArray(field.picklistValues) ? field.picklistValues : [],
    } as FieldDescribe;
  });
  const children = body.childRelationships ?? [];
  if (!Array.isArray(children)) {
    throw new DescribeSourceError(`${source}: "childRelationships" must be a list.`);
  }
  const childRelationships = children.map((child: unknown, index): ChildRelationship => {
    if (!isRecord(child) || typeof child.childSObject !== 'string') {
      throw new DescribeSourceError(
        `${source}: childRelationships[${index}] needs a "childSObject" and a "relationshipName".`,
      );
    }
    return child as unknown as ChildRelationship;
  });
  return { ...body, fields, childRelationships } as SObjectDescribe;
}

/** The describeGlobal body (`{"sobjects": [...]}`) or just its list. */
export function parseGlobal(body: unknown, source: string): GlobalSObject[] {
  const list = isRecord(body) ? body.sobjects : body;
  if (!Array.isArray(list)) {
    throw new DescribeSourceError(
      `${source} is not a describeGlobal body: it needs a "sobjects" list ` +
        '(the body of GET /services/data/vXX.X/sobjects).',
    );
  }
  return list.map((entry: unknown, index) => {
    if (!isRecord(entry) || typeof entry.name !== 'string') {
      throw new DescribeSourceError(`${source}: sobjects[${index}] needs a "name".`);
    }
    return entry as unknown as GlobalSObject;
  });
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
