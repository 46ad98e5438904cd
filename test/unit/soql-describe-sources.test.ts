import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DescribeSourceError, loadDescribeDir, readDescribeDir } from '../../src-main/salesforce';
import { checkSoql } from '../../src-shared/soql';
import { FIXTURE_DESCRIBE_DIR, loadFixtureDescribes } from '../support/describes';
import { tempDir } from '../support/temp';

function dirWith(files: Record<string, string>): string {
  const dir = tempDir('connect-studio-describes-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function failure(dir: string): string {
  try {
    readDescribeDir(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(DescribeSourceError);
    return (error as Error).message;
  }
  throw new Error(`reading ${dir} did not fail`);
}

describe('loadDescribeDir', () => {
  it('reads the fixture org as the validator needs it', () => {
    const catalog = loadDescribeDir(FIXTURE_DESCRIBE_DIR);
    expect(catalog.objects().map((o) => o.name)).toEqual(
      loadFixtureDescribes()
        .map((d) => d.name)
        .sort((a, b) => a.localeCompare(b)),
    );
    expect(checkSoql('SELECT Id, Account.Name FROM Contact', catalog).ok).toBe(true);
    expect(checkSoql('SELECT Id FROM Profile', catalog).ok).toBe(false);
  });

  it('fills the lists a hand-written describe leaves out', () => {
    const dir = dirWith({
      'Widget__c.json': JSON.stringify({
        name: 'Widget__c',
        fields: [
          { name: 'Id', type: 'id' },
          { name: 'Size__c', type: 'double', filterable: false },
        ],
      }),
      '_global.json': JSON.stringify([{ name: 'Gadget__c', queryable: true }]),
    });
    const catalog = loadDescribeDir(dir);
    expect(checkSoql('SELECT Id, Size__c FROM Widget__c', catalog)).toEqual({
      ok: true,
      diagnostics: [],
    });
    expect(checkSoql('SELECT Id FROM Widget__c WHERE Size__c > 1', catalog).diagnostics).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: "field 'Size__c' can not be filtered in a query call",
        line: 1,
        column: 32,
      },
    ]);
    expect(checkSoql('SELECT Id FROM Gadget__c', catalog).ok).toBe(true);
  });

  it('names the folder or file that is wrong and what it needs', () => {
    expect(failure('/no/such/folder')).toMatch(
      /^Cannot open the describe folder \/no\/such\/folder: .*ENOENT.*Name a folder of <Object>\.json describe files\.$/,
    );
    expect(failure(dirWith({ 'notes.txt': 'x' }))).toMatch(
      /holds no <Object>\.json describe files/,
    );
    const noFields = dirWith({ 'Account.json': '{"name": "Account"}' });
    expect(failure(noFields)).toBe(
      `${join(noFields, 'Account.json')} is not an object describe: it needs a "name" and a ` +
        '"fields" list (the body of GET /services/data/vXX.X/sobjects/<Object>/describe).',
    );
    const badField = dirWith({ 'Account.json': '{"name": "Account", "fields": [{"name": "Id"}]}' });
    expect(failure(badField)).toBe(
      `${join(badField, 'Account.json')}: fields[0] needs a "name" and a "type" ` +
        '(e.g. {"name": "Name", "type": "string"}).',
    );
    const badGlobal = dirWith({
      'Account.json': '{"name": "Account", "fields": []}',
      '_global.json': '{"objects": []}',
    });
    expect(failure(badGlobal)).toMatch(/_global\.json is not a describeGlobal body/);
  });
});
