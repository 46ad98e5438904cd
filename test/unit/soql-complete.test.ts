// SOQL completion against the fixture org's describes. Each case writes the query with a `|` at
// the cursor; the helper strips it and completes at that offset.
import { describe, expect, it } from 'vitest';
import {
  createDescribeCatalog,
  fieldDescribe,
  type DescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { completeSoql, type CompletionItem } from '../../src-shared/soql';
import { fixtureCatalog } from '../support/describes';

const catalog = fixtureCatalog();

function at(marked: string, on: DescribeCatalog = catalog) {
  const offset = marked.indexOf('|');
  if (offset < 0 || marked.indexOf('|', offset + 1) >= 0) {
    throw new Error(`mark the cursor with exactly one | in ${marked}`);
  }
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const items = completeSoql(text, offset, on);
  return { items, labels: items.map((i) => i.label), offset, text };
}

function labels(marked: string, on?: DescribeCatalog): string[] {
  return at(marked, on).labels;
}

/** Labels of field items only (relationships are offered beside them for paths). */
function fieldLabels(marked: string): string[] {
  return at(marked)
    .items.filter((i) => i.kind === 'field')
    .map((i) => i.label);
}

function item(marked: string, label: string): CompletionItem {
  const found = at(marked).items.find((i) => i.label === label);
  if (!found) throw new Error(`no item ${label} at ${marked}`);
  return found;
}

function expectOrder(list: string[], ...ordered: string[]): void {
  const positions = ordered.map((l) => list.indexOf(l));
  for (const [i, p] of positions.entries()) {
    expect(p, `${ordered[i]} in ${list.join(', ')}`).toBeGreaterThanOrEqual(0);
  }
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
}

describe('start of the text', () => {
  it('offers SELECT and a query snippet on empty text', () => {
    const { items } = at('|');
    expect(items.map((i) => [i.label, i.kind])).toEqual([
      ['SELECT', 'keyword'],
      ['SELECT … FROM …', 'snippet'],
    ]);
    expect(items[1]!.insertText).toBe('SELECT ${1:Id} FROM ${2}');
  });

  it('replaces the partial keyword', () => {
    const { items } = at('sel|');
    expect(items[0]).toMatchObject({ label: 'SELECT', range: { start: 0, end: 3 } });
  });
});

describe('SELECT list', () => {
  it('offers the FROM object’s fields with type and label, and relationship names beside them', () => {
    const { items, labels: list } = at('SELECT | FROM Account');
    expect(list).toEqual(expect.arrayContaining(['Id', 'Name', 'Industry', 'Owner', 'Parent']));
    expect(items.find((i) => i.label === 'Industry')).toMatchObject({
      kind: 'field',
      detail: 'picklist · Industry',
      range: { start: 7, end: 7 },
    });
    expect(items.find((i) => i.label === 'Owner')).toMatchObject({
      kind: 'relationship',
      detail: 'relationship → User · Owner ID',
    });
    expect(items.find((i) => i.label === 'OwnerId')?.detail).toBe('reference → User · Owner ID');
    expect(list).toContain('Primary_Contact__r');
    expect(list).not.toContain('LastName');
    // Relationships sit beside the fields (one sorted list), functions and keywords come after.
    expectOrder(
      list,
      'AnnualRevenue',
      'CreatedBy',
      'CreatedById',
      'Owner',
      'OwnerId',
      'COUNT()',
      'FIELDS(ALL)',
    );
  });

  it('offers functions and FIELDS() but only polymorphic objects get TYPEOF', () => {
    const account = labels('SELECT | FROM Account');
    expect(account).toEqual(
      expect.arrayContaining(['COUNT()', 'COUNT', 'SUM', 'CALENDAR_YEAR', 'toLabel']),
    );
    expect(account).toEqual(
      expect.arrayContaining(['FORMAT', 'convertCurrency', 'FIELDS(STANDARD)']),
    );
    expect(account).not.toContain('TYPEOF');
    expect(labels('SELECT | FROM Task')).toContain('TYPEOF');
    expect(item('SELECT | FROM Account', 'SUM')).toMatchObject({
      kind: 'function',
      insertText: 'SUM(',
    });
  });

  it('offers functions and keywords before FROM is written, and no fields', () => {
    const list = labels('SELECT |');
    expect(list).toEqual(expect.arrayContaining(['COUNT()', 'AVG', 'FIELDS(ALL)', 'TYPEOF']));
    expect(list).not.toContain('Id');
  });

  it('offers COUNT() only as the first item', () => {
    expect(labels('SELECT | FROM Account')).toContain('COUNT()');
    expect(labels('SELECT Id, | FROM Account')).not.toContain('COUNT()');
    expect(labels('SELECT Id, | FROM Account')).toContain('Name');
  });

  it('hides fields the user may not read', () => {
    expect(labels('SELECT | FROM Contact')).not.toContain('SSN__c');
    expect(labels('SELECT | FROM Contact')).toContain('LastName');
  });

  it('still offers Id and required fields that a real describe marks permissionable false', () => {
    // permissionable says whether field-level security applies, not whether the field is readable.
    const contact = catalog.describe('Contact')!;
    const fields = contact.fields.map((f) =>
      f.name === 'Id' || f.name === 'LastName' ? { ...f, permissionable: false } : f,
    );
    const real = createDescribeCatalog([{ ...contact, fields }]);
    expect(labels('SELECT | FROM Contact', real)).toEqual(
      expect.arrayContaining(['Id', 'LastName']),
    );
  });

  it('filters by the partial word case-insensitively, prefix matches before contains matches', () => {
    const { items, labels: list } = at('SELECT na| FROM Account');
    expect(list[0]).toBe('Name');
    expect(list).toContain('External_ID__c'); // "exterNAl": a contains match
    expectOrder(list, 'Name', 'External_ID__c');
    expect(list.every((l) => l.toLowerCase().includes('na'))).toBe(true);
    expect(items[0]!.range).toEqual({ start: 7, end: 9 });
    expect(labels('SELECT inDU| FROM Account')).toEqual(['Industry']);
  });

  it('replaces the whole word when the cursor is inside it', () => {
    expect(at('SELECT Na|me FROM Account').items[0]).toMatchObject({
      label: 'Name',
      range: { start: 7, end: 11 },
    });
  });

  it('offers FROM after an item unless a FROM is already written', () => {
    expect(labels('SELECT Id |')).toEqual(['FROM']);
    expect(at('SELECT Id fr|').items).toMatchObject([
      { label: 'FROM', range: { start: 10, end: 12 } },
    ]);
    expect(labels('SELECT Id | FROM Account')).toEqual([]);
  });
});

describe('FROM', () => {
  it('offers queryable objects, custom ones marked', () => {
    const { items, labels: list } = at('SELECT Id FROM |');
    expect(list).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Task', 'Parent__c', 'Group']),
    );
    expect(items.find((i) => i.label === 'Parent__c')).toMatchObject({
      kind: 'object',
      detail: 'custom object · Parent',
    });
    expect(items.find((i) => i.label === 'Account')?.detail).toBe('object · Account');
    expect(at('SELECT Id FROM par|').items[0]).toMatchObject({
      label: 'Parent__c',
      range: { start: 15, end: 18 },
    });
  });

  it('offers the clause keywords that may follow, in clause order', () => {
    const list = labels('SELECT Id FROM Account |');
    expectOrder(
      list,
      'USING SCOPE',
      'WHERE',
      'WITH',
      'GROUP BY',
      'ORDER BY',
      'LIMIT',
      'OFFSET',
      'FOR VIEW',
    );
    expect(list).not.toContain('HAVING');
    expect(list).not.toContain('FROM');
  });

  it('reads Group and Order as object names, not clause keywords', () => {
    expect(labels('SELECT Id FROM Group |')).toContain('WHERE');
    expect(labels('SELECT Id FROM Order |')).toContain('WHERE');
  });
});

describe('parent relationships', () => {
  it('offers the parent object’s fields and relationships after Rel.', () => {
    const { items, labels: list } = at('SELECT Account.| FROM Contact');
    expect(list).toEqual(expect.arrayContaining(['Industry', 'Name', 'Owner', 'Parent']));
    expect(list).not.toContain('LastName');
    expect(items[0]!.range).toEqual({ start: 15, end: 15 });
    expect(at('SELECT Account.Ind| FROM Contact').items).toMatchObject([
      { label: 'Industry', range: { start: 15, end: 18 } },
    ]);
  });

  it('follows several hops', () => {
    const list = labels('SELECT Account.Owner.| FROM Contact');
    expect(list).toEqual(expect.arrayContaining(['Username', 'Email', 'Manager', 'Profile']));
    expect(list).not.toContain('Industry');
    expect(labels('SELECT Id FROM Opportunity WHERE Account.Owner.Manager.|')).toContain(
      'Username',
    );
  });

  it('stops offering relationships after four hops', () => {
    const list = labels('SELECT Account.Parent.Parent.Parent.| FROM Contact');
    expect(list).toContain('Name');
    expect(list).not.toContain('Owner');
  });

  it('offers only the common Name fields behind a polymorphic lookup', () => {
    const list = labels('SELECT What.| FROM Task');
    expect(list).toEqual(expect.arrayContaining(['Id', 'Name', 'Type']));
    expect(list).not.toContain('Industry');
    expect(labels('SELECT Id FROM Case WHERE Owner.|')).toContain('Name');
  });

  it('follows custom __r relationships but not the __c field name', () => {
    expect(labels('SELECT Parent__r.| FROM Child__c')).toEqual(
      expect.arrayContaining(['Status__c', 'Account__r', 'Account__c']),
    );
    expect(labels('SELECT Parent__r.Account__r.| FROM Child__c')).toContain('Industry');
    expect(labels('SELECT Parent__c.| FROM Child__c')).toEqual([]);
    expect(labels('SELECT Nope.| FROM Contact')).toEqual([]);
  });

  it('reads an alias or the object name as the query’s own object', () => {
    expect(labels('SELECT c.| FROM Contact c')).toContain('LastName');
    expect(labels('SELECT Name, (SELECT Contact.| FROM Contacts) FROM Account')).toContain(
      'LastName',
    );
  });
});

describe('parent-to-child subqueries', () => {
  it('offers the parent’s child relationships in the subquery FROM', () => {
    const { items, labels: list } = at('SELECT Name, (SELECT Id FROM |) FROM Account');
    expect(list).toEqual(
      expect.arrayContaining(['Contacts', 'Opportunities', 'Cases', 'ChildAccounts', 'Parents__r']),
    );
    expect(list).not.toContain('Contact');
    expect(items.find((i) => i.label === 'Contacts')).toMatchObject({
      kind: 'childRelationship',
      detail: 'child relationship → Contact.AccountId',
    });
    expect(labels('SELECT Name, (SELECT Id FROM |) FROM Parent__c')).toEqual(['Children__r']);
  });

  it('offers the child object’s fields in the subquery SELECT', () => {
    const list = labels('SELECT Name, (SELECT | FROM Contacts) FROM Account');
    expect(list).toEqual(expect.arrayContaining(['LastName', 'Email', 'Account']));
    expect(list).not.toContain('Industry');
    expect(list).not.toContain('COUNT()');
    expect(labels('SELECT Name, (SELECT | FROM Children__r) FROM Parent__c')).toContain(
      'Amount__c',
    );
  });

  it('offers only the clauses a subquery may have', () => {
    const list = labels('SELECT Name, (SELECT Id FROM Contacts |) FROM Account');
    expect(list).toEqual(['WHERE', 'ORDER BY', 'LIMIT', 'OFFSET']);
  });

  it('completes inside the subquery’s WHERE against the child object', () => {
    expect(
      labels('SELECT Name, (SELECT Id FROM Contacts WHERE LeadSource = |) FROM Account'),
    ).toContain("'Web'");
  });

  it('copes with a subquery whose ) is not typed yet', () => {
    expect(labels('SELECT Id, (SELECT Id FROM Con| FROM Account')).toEqual(['Contacts']);
    expect(labels('SELECT Id, (SELECT Id FROM Contacts FROM Account WHERE |')).toContain(
      'Industry',
    );
  });
});

describe('semi-joins', () => {
  it('offers SELECT at the start of an IN list on an Id', () => {
    expect(labels('SELECT Id FROM Account WHERE Id IN (|')).toEqual(['SELECT']);
  });

  it('offers objects in the inner FROM', () => {
    const list = labels('SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM |)');
    expect(list).toEqual(expect.arrayContaining(['Contact', 'Opportunity', 'Account']));
  });

  it('offers Id and reference fields in the inner SELECT, those pointing at the outer field first', () => {
    const list = labels('SELECT Id FROM Account WHERE Id IN (SELECT | FROM Contact)');
    expect(list[0]).toBe('AccountId');
    expect(list).toEqual(expect.arrayContaining(['Id', 'ReportsToId', 'OwnerId']));
    expect(list).not.toContain('LastName');
    expect(list).not.toContain('Account');
    const cases = labels('SELECT Id FROM Case WHERE ContactId IN (SELECT | FROM Contact)');
    expect(cases.slice(0, 2)).toEqual(['Id', 'ReportsToId']);
  });

  it('offers only WHERE after the inner FROM', () => {
    expect(labels('SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact |)')).toEqual([
      'WHERE',
    ]);
  });
});

describe('WHERE', () => {
  it('offers filterable fields, relationships, functions and NOT', () => {
    const list = labels('SELECT Id FROM Account WHERE |');
    expect(list).toEqual(
      expect.arrayContaining(['Name', 'Industry', 'Owner', 'CALENDAR_YEAR', 'toLabel', 'NOT']),
    );
    expect(list).not.toContain('Description'); // not filterable
    expect(list).not.toContain('COUNT');
    expect(labels("SELECT Id FROM Account WHERE Name = 'x' AND |")).not.toContain('NOT');
    expect(labels("SELECT Id FROM Account WHERE Name = 'x' AND (|")).toContain('NOT');
  });

  it('offers operators that fit the field type', () => {
    const picklist = at('SELECT Id FROM Account WHERE Industry |').items;
    expect(picklist.map((i) => i.label)).toEqual(['=', '!=', 'IN', 'NOT IN', 'LIKE']);
    expect(picklist.find((i) => i.label === 'IN')).toMatchObject({
      kind: 'keyword',
      insertText: 'IN (',
    });
    expect(labels('SELECT Id FROM Contact WHERE Interests__c |')).toEqual([
      '=',
      '!=',
      'INCLUDES',
      'EXCLUDES',
    ]);
    expect(labels('SELECT Id FROM Account WHERE IsDeleted |')).toEqual(['=', '!=']);
    const money = labels('SELECT Id FROM Account WHERE AnnualRevenue |');
    expect(money).toEqual(expect.arrayContaining(['<', '>=', 'IN']));
    expect(money).not.toContain('LIKE');
    expect(labels('SELECT Id FROM Account WHERE Name |')).toContain('LIKE');
    expect(labels('SELECT Id FROM Account WHERE Id NOT |')).toEqual(['NOT IN']);
  });

  it('offers AND/OR and the later clauses after a condition', () => {
    const list = labels("SELECT Id FROM Account WHERE Name = 'x' |");
    expectOrder(list, 'AND', 'OR', 'WITH', 'GROUP BY', 'ORDER BY', 'LIMIT');
    expect(list).not.toContain('WHERE');
    expect(list).not.toContain('USING SCOPE');
  });

  it('keeps to the operator already used at that level (mixing needs parentheses)', () => {
    const list = labels("SELECT Id FROM Account WHERE Name = 'x' AND Type = 'y' |");
    expect(list).toContain('AND');
    expect(list).not.toContain('OR');
    expect(labels("SELECT Id FROM Account WHERE Name = 'x' OR Type = 'y' |")).not.toContain('AND');
  });

  it('offers only AND/OR inside parentheses', () => {
    expect(labels("SELECT Id FROM Account WHERE (Name = 'x' |")).toEqual(['AND', 'OR']);
    expect(labels("SELECT Id FROM Account WHERE Name = 'x' OR (Type = 'y' |) LIMIT 5")).toEqual([
      'AND',
      'OR',
    ]);
  });

  it('offers only clauses that fit before one written later', () => {
    const list = labels("SELECT Id FROM Account WHERE Name = 'x' | LIMIT 5");
    expect(list).toEqual(['AND', 'OR', 'WITH', 'GROUP BY', 'ORDER BY']);
  });
});

describe('values', () => {
  it('offers quoted picklist values and NULL after =', () => {
    const { items, labels: list } = at('SELECT Id FROM Account WHERE Industry = |');
    expect(list).toEqual(expect.arrayContaining(["'Energy'", "'Food & Beverage'", 'NULL']));
    expect(items.find((i) => i.label === "'Energy'")).toMatchObject({
      kind: 'value',
      detail: 'picklist value · Energy',
    });
    expect(list).not.toContain('TRUE');
    expect(labels("SELECT Id FROM Account WHERE Industry != 'Energy' AND Type != |")).toContain(
      "'Prospect'",
    );
  });

  it('completes a value inside quotes, replacing the whole string', () => {
    const text = "SELECT Id FROM Account WHERE Industry = 'En";
    const { items } = at(`${text}|`);
    expect(items[0]).toMatchObject({ label: "'Energy'", range: { start: 40, end: text.length } });
    expect(items.map((i) => i.label)).not.toContain('NULL');
    const closed = at("SELECT Id FROM Account WHERE Industry = 'En|ergy' LIMIT 1").items;
    expect(closed[0]).toMatchObject({ label: "'Energy'", range: { start: 40, end: 48 } });
  });

  it('offers picklist values inside IN, INCLUDES and NOT IN lists, leaving out those written', () => {
    const list = labels("SELECT Id FROM Account WHERE Industry IN ('Energy', |)");
    expect(list).toContain("'Banking'");
    expect(list).not.toContain("'Energy'");
    expect(list).not.toContain('NULL');
    expect(labels('SELECT Id FROM Contact WHERE Interests__c INCLUDES (|')).toEqual([
      "'Hiking'",
      "'Cycling'",
      "'Reading'",
      "'Travel'",
      "'Cooking'",
    ]);
    // Inside quotes: 'New' starts with n, 'Working' contains it; 'Closed' is already written.
    expect(labels("SELECT Id FROM Case WHERE Status NOT IN ('Closed', 'N|")).toEqual([
      "'New'",
      "'Working'",
    ]);
    expect(labels("SELECT Id FROM Case WHERE Status NOT IN ('Closed', 'Cl|")).toEqual([]);
  });

  it('offers TRUE and FALSE for booleans, without NULL', () => {
    expect(labels('SELECT Id FROM Opportunity WHERE IsWon = |')).toEqual(['TRUE', 'FALSE']);
  });

  it('offers date literals and N-literal snippets for dates and datetimes', () => {
    const { items, labels: list } = at('SELECT Id FROM Opportunity WHERE CloseDate = |');
    expect(list).toEqual(
      expect.arrayContaining(['TODAY', 'LAST_90_DAYS', 'NEXT_FISCAL_YEAR', 'NULL']),
    );
    expect(items.find((i) => i.label === 'TODAY')?.kind).toBe('dateLiteral');
    expect(items.find((i) => i.label === 'LAST_N_DAYS:n')).toMatchObject({
      kind: 'snippet',
      insertText: 'LAST_N_DAYS:${1:n}',
    });
    const prefixed = labels('SELECT Id FROM Account WHERE CreatedDate > LAST_N|');
    expect(prefixed).toEqual(expect.arrayContaining(['LAST_N_DAYS:n', 'LAST_N_FISCAL_YEARS:n']));
    expect(prefixed).not.toContain('TODAY');
    expect(labels('SELECT Id FROM Account WHERE CreatedDate > LAST_N_DAYS:3 |')).toContain('AND');
  });

  it('offers values for a parent field and for toLabel()', () => {
    expect(labels('SELECT Id FROM Child__c WHERE Parent__r.Status__c = |')).toEqual([
      "'Active'",
      "'Inactive'",
      "'Draft'",
      'NULL',
    ]);
    expect(labels('SELECT Id FROM Case WHERE toLabel(Status) = |')).toContain("'Escalated'");
  });

  it('offers no NULL for LIKE and nothing in a number', () => {
    expect(labels('SELECT Id FROM Account WHERE Name LIKE |')).toEqual([]);
    expect(labels('SELECT Id FROM Account LIMIT 1|0')).toEqual([]);
  });
});

describe('TYPEOF', () => {
  it('offers polymorphic relationships, then WHEN, then the lookup’s object types', () => {
    expect(labels('SELECT TYPEOF | FROM Task')).toEqual(['What', 'Who']);
    expect(labels('SELECT TYPEOF What | FROM Task')).toEqual(['WHEN']);
    const { items, labels: list } = at('SELECT TYPEOF What WHEN | FROM Task');
    expect(list).toEqual(expect.arrayContaining(['Account', 'Opportunity', 'Case']));
    expect(list).not.toContain('Contact');
    expect(items[0]!.kind).toBe('object');
    expect(labels('SELECT TYPEOF What WHEN Account THEN Name WHEN | FROM Task')).not.toContain(
      'Account',
    );
  });

  it('offers THEN, the WHEN type’s fields, and the closing keywords', () => {
    expect(labels('SELECT TYPEOF What WHEN Account | FROM Task')).toEqual(['THEN']);
    expect(labels('SELECT TYPEOF What WHEN Account THEN | FROM Task')).toContain('Industry');
    expect(labels('SELECT TYPEOF What WHEN Opportunity THEN Name, | FROM Task')).toContain(
      'StageName',
    );
    expect(labels('SELECT TYPEOF What WHEN Account THEN Owner.| FROM Task')).toContain('Username');
    expect(labels('SELECT TYPEOF What WHEN Account THEN Name | FROM Task')).toEqual([
      'WHEN',
      'ELSE',
      'END',
    ]);
  });

  it('offers the common Name fields after ELSE, then only END', () => {
    const list = labels('SELECT TYPEOF What WHEN Account THEN Name ELSE | FROM Task');
    expect(list).toEqual(expect.arrayContaining(['Name', 'Type']));
    expect(list).not.toContain('Industry');
    expect(labels('SELECT TYPEOF What WHEN Account THEN Name ELSE Name | FROM Task')).toEqual([
      'END',
    ]);
    expect(labels('SELECT TYPEOF What WHEN Account THEN Name END | FROM Task')).toEqual([]);
  });
});

describe('functions', () => {
  it('offers FIELDS modes', () => {
    expect(at('SELECT FIELDS(|) FROM Account').items.map((i) => [i.label, i.kind])).toEqual([
      ['ALL', 'keyword'],
      ['STANDARD', 'keyword'],
      ['CUSTOM', 'keyword'],
    ]);
  });

  it('offers aggregatable fields in aggregates, numbers in SUM/AVG', () => {
    const count = labels('SELECT COUNT(|) FROM Account');
    expect(count).toContain('Name');
    expect(count).not.toContain('Description');
    expect(count).not.toContain('IsDeleted');
    expect(fieldLabels('SELECT SUM(|) FROM Opportunity')).toEqual([
      'Amount',
      'Line_Item_Count__c',
      'Probability',
    ]);
    expect(labels('SELECT AVG(Amo|) FROM Opportunity')).toEqual(['Amount']);
    const parent = labels('SELECT SUM(Account.|) FROM Opportunity');
    expect(parent).toContain('AnnualRevenue');
    expect(parent).not.toContain('Name');
  });

  it('offers date fields in date functions, datetimes only in DAY_ONLY', () => {
    const year = labels('SELECT Id FROM Opportunity WHERE CALENDAR_YEAR(|) = 2024');
    expect(year).toEqual(expect.arrayContaining(['CloseDate', 'CreatedDate', 'convertTimezone']));
    expect(year).not.toContain('Name');
    const dayOnly = labels('SELECT DAY_ONLY(|) FROM Opportunity');
    expect(dayOnly).toContain('CreatedDate');
    expect(dayOnly).not.toContain('CloseDate');
    expect(labels('SELECT Id FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) |')).not.toContain(
      'LIKE',
    );
  });

  it('offers picklists in toLabel, currency in convertCurrency, numbers and dates in FORMAT', () => {
    const toLabel = labels('SELECT toLabel(|) FROM Account');
    expect(toLabel).toEqual(expect.arrayContaining(['Industry', 'Type']));
    expect(toLabel).not.toContain('Name');
    expect(fieldLabels('SELECT convertCurrency(|) FROM Opportunity')).toEqual(['Amount']);
    const format = labels('SELECT FORMAT(|) FROM Opportunity');
    expect(format).toEqual(
      expect.arrayContaining(['Amount', 'CloseDate', 'AVG', 'convertCurrency']),
    );
    expect(format).not.toContain('Name');
  });

  it('finds the FROM past a call left open while typing', () => {
    expect(labels('SELECT COUNT(| FROM Contact')).toContain('LastName');
    expect(labels('SELECT COUNT( FROM Contact WHERE |')).toContain('LastName');
  });
});

describe('GROUP BY, HAVING, ORDER BY', () => {
  it('offers BY after GROUP and ORDER', () => {
    expect(labels('SELECT Id FROM Account GROUP |')).toEqual(['BY']);
    expect(labels('SELECT Id FROM Account ORDER |')).toEqual(['BY']);
  });

  it('offers groupable fields, selected-but-not-grouped ones first', () => {
    const list = labels('SELECT Industry, Type, COUNT(Id) FROM Account GROUP BY |');
    expect(list.slice(0, 2)).toEqual(['Industry', 'Type']);
    expect(list).toEqual(expect.arrayContaining(['Name', 'ROLLUP', 'CUBE', 'CALENDAR_YEAR']));
    expect(list).not.toContain('AnnualRevenue'); // not groupable
    expect(list).not.toContain('CreatedDate');
    const next = labels('SELECT Industry, Type, COUNT(Id) FROM Account GROUP BY Industry, |');
    expect(next[0]).toBe('Type');
    expect(next).not.toContain('ROLLUP');
    expect(labels('SELECT Industry FROM Account GROUP BY ROLLUP(|)')).toContain('Industry');
    expect(labels('SELECT Industry FROM Account GROUP BY ROLLUP(|)')).not.toContain(
      'AnnualRevenue',
    );
  });

  it('offers HAVING and later clauses after GROUP BY items', () => {
    expect(labels('SELECT Industry FROM Account GROUP BY Industry |')).toEqual(
      expect.arrayContaining(['HAVING', 'ORDER BY', 'LIMIT']),
    );
  });

  it('offers aggregates and grouped fields in HAVING', () => {
    const list = labels('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING |');
    expect(list).toEqual(expect.arrayContaining(['COUNT', 'SUM', 'Industry']));
    expect(list).not.toContain('Name');
    const ops = labels(
      'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING COUNT(Id) |',
    );
    expect(ops).toContain('>');
    expect(ops).not.toContain('LIKE');
  });

  it('offers sortable fields in ORDER BY, aggregates only in aggregate queries', () => {
    const list = labels('SELECT Id FROM Account ORDER BY |');
    expect(list).toEqual(expect.arrayContaining(['Name', 'CreatedDate', 'Owner']));
    expect(list).not.toContain('BillingAddress');
    expect(list).not.toContain('Description');
    expect(list).not.toContain('COUNT');
    expect(
      labels('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY |'),
    ).toContain('COUNT');
  });

  it('offers ASC/DESC and NULLS FIRST/LAST, then later clauses', () => {
    const list = labels('SELECT Id FROM Account ORDER BY Name |');
    expectOrder(list, 'ASC', 'DESC', 'NULLS FIRST', 'NULLS LAST', 'LIMIT', 'OFFSET');
    const desc = labels('SELECT Id FROM Account ORDER BY Name DESC |');
    expect(desc).toContain('NULLS LAST');
    expect(desc).not.toContain('ASC');
    expect(labels('SELECT Id FROM Account ORDER BY Name NULLS |')).toEqual(['FIRST', 'LAST']);
    expect(labels('SELECT Id FROM Account ORDER BY Name DESC NULLS LAST |')).toEqual(
      expect.arrayContaining(['LIMIT', 'OFFSET']),
    );
    expect(labels('SELECT Id FROM Account ORDER BY Name, |')).toContain('CreatedDate');
  });
});

describe('the remaining clauses', () => {
  it('offers what follows LIMIT, OFFSET, WITH, USING and FOR', () => {
    expect(labels('SELECT Id FROM Account LIMIT |')).toEqual([]);
    expect(labels('SELECT Id FROM Account LIMIT 10 |')).toEqual(
      expect.arrayContaining(['OFFSET', 'FOR VIEW', 'FOR UPDATE']),
    );
    expect(labels('SELECT Id FROM Account LIMIT 10 |')).not.toContain('ORDER BY');
    expect(labels('SELECT Id FROM Account WITH |')).toEqual(
      expect.arrayContaining(['SECURITY_ENFORCED', 'USER_MODE']),
    );
    expect(labels('SELECT Id FROM Account USING |')).toEqual(['SCOPE']);
    expect(labels('SELECT Id FROM Account USING SCOPE |')).toContain('mine');
    expect(labels('SELECT Id FROM Account USING SCOPE mine |')).toContain('WHERE');
    expect(labels('SELECT Id FROM Account FOR |')).toEqual(['VIEW', 'REFERENCE', 'UPDATE']);
  });
});

describe('ranking, limits and caching', () => {
  function widget(fieldCount: number, extra: Partial<FieldDescribe>[] = []): SObjectDescribe {
    const base = fieldDescribe('Id', 'id', {
      length: 18,
      nillable: false,
      defaultedOnCreate: true,
    });
    const fields = [base];
    for (let i = 0; i < fieldCount; i++) {
      fields.push({
        ...base,
        name: `F${String(i).padStart(3, '0')}__c`,
        label: `F ${i}`,
        type: 'string',
      });
    }
    for (const e of extra) fields.push({ ...base, ...e });
    return {
      name: 'Widget__c',
      label: 'Widget',
      keyPrefix: 'a00',
      custom: true,
      queryable: true,
      fields,
      childRelationships: [],
    };
  }

  it('caps the list at 200 items, ordered by sortText', () => {
    const big = createDescribeCatalog([widget(500)]);
    const { items } = at('SELECT | FROM Widget__c', big);
    expect(items).toHaveLength(200);
    const sortTexts = items.map((i) => i.sortText!);
    expect(sortTexts).toEqual([...sortTexts].sort());
    expect(new Set(items.map((i) => JSON.stringify(i.range)))).toEqual(
      new Set(['{"start":7,"end":7}']),
    );
  });

  it('gives the same answer twice and never leaks one catalog’s fields into another', () => {
    expect(completeSoql('SELECT  FROM Account', 7, catalog)).toEqual(
      completeSoql('SELECT  FROM Account', 7, catalog),
    );
    const other = createDescribeCatalog([widget(2)]);
    expect(labels('SELECT | FROM Widget__c', other)).toEqual(
      expect.arrayContaining(['F000__c', 'F001__c']),
    );
    expect(labels('SELECT | FROM Widget__c')).not.toContain('F000__c');
  });

  it('leaves out inactive and hidden entries, escapes quotes and compares toLabel by label', () => {
    const odd = createDescribeCatalog([
      widget(0, [
        {
          name: 'Stage__c',
          label: 'Stage',
          type: 'picklist',
          picklistValues: [
            { value: 'open', label: 'Open for business', active: true, defaultValue: true },
            { value: "o'clock", label: "O'Clock", active: true, defaultValue: false },
            { value: 'old', label: 'Old', active: false, defaultValue: false },
          ],
        },
        { name: 'Gone__c', label: 'Gone', type: 'string', deprecatedAndHidden: true },
      ]),
    ]);
    expect(labels('SELECT Id FROM Widget__c WHERE Stage__c = |', odd)).toEqual([
      "'open'",
      "'o\\'clock'",
      'NULL',
    ]);
    expect(labels('SELECT Id FROM Widget__c WHERE toLabel(Stage__c) = |', odd)).toEqual([
      "'Open for business'",
      "'O\\'Clock'",
      'NULL',
    ]);
    expect(labels('SELECT | FROM Widget__c', odd)).not.toContain('Gone__c');
  });
});

describe('hostile input', () => {
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a * 1664525 + 1013904223) >>> 0;
      return a / 4294967296;
    };
  }

  function hostileStrings(): string[] {
    const next = random(7);
    const words = [
      'SELECT',
      'FROM',
      'WHERE',
      'Id',
      'Name',
      'Account',
      'Contacts',
      'What',
      '.',
      ',',
      '(',
      ')',
      "'",
      "'x",
      '=',
      '!=',
      'IN',
      'NOT',
      'AND',
      'OR',
      'TYPEOF',
      'WHEN',
      'THEN',
      'ELSE',
      'END',
      'GROUP',
      'BY',
      'ORDER',
      'HAVING',
      'LIMIT',
      '10',
      'LAST_N_DAYS',
      ':',
      'FIELDS',
      'COUNT',
      'NULLS',
      'USING',
      'SCOPE',
      'WITH',
      'FOR',
      'UPDATE',
      '\\',
      '2024-01-01',
      'Group',
      'Order',
      'Task',
      'Industry',
      '\n',
    ];
    const out: string[] = [
      '',
      "'",
      "SELECT Id FROM Account WHERE Name = 'unterminated",
      "SELECT Id FROM Account WHERE Name = 'bad \\q escape' AND",
      '('.repeat(300),
      ')'.repeat(50) + 'SELECT',
      'SELECT ' + '(SELECT '.repeat(80) + 'Id FROM Contacts',
      'SELECT Id FROM Account WHERE ' + '('.repeat(120) + 'Name = ',
      'SELECT COUNT(COUNT(COUNT(COUNT( FROM',
      'SELECT Id FROM Account WHERE Id IN (SELECT Id FROM Contact WHERE Id IN (SELECT',
      'SELECT TYPEOF TYPEOF WHEN WHEN THEN THEN ELSE END END FROM Task',
      'FROM FROM FROM WHERE WHERE GROUP BY BY ORDER ORDER',
      '\u0000\uffff\ud800 SELECT \ud83d\ude00 FROM Account',
    ];
    for (let k = 0; k < 150; k++) {
      let s = '';
      const length = Math.floor(next() * 25);
      for (let j = 0; j < length; j++)
        s += words[Math.floor(next() * words.length)] + (next() < 0.7 ? ' ' : '');
      out.push(s);
    }
    for (let k = 0; k < 100; k++) {
      const length = Math.floor(next() * 60);
      out.push(
        Array.from({ length }, () => String.fromCharCode(Math.floor(next() * 0x10000))).join(''),
      );
    }
    return out;
  }

  it('never throws, at every offset, and every range holds the cursor', () => {
    const strings = hostileStrings();
    expect(strings.length).toBeGreaterThan(250);
    let calls = 0;
    for (const text of strings) {
      for (let offset = 0; offset <= text.length; offset++) {
        const items = completeSoql(text, offset, catalog);
        calls++;
        expect(items.length).toBeLessThanOrEqual(200);
        for (const i of items) {
          if (!(i.range.start <= offset && offset <= i.range.end && i.range.end <= text.length)) {
            throw new Error(
              `bad range ${JSON.stringify(i.range)} at ${offset} in ${JSON.stringify(text)}`,
            );
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(2000);
  });

  it('handles offsets outside the text and a long query', () => {
    expect(completeSoql('SELECT Id FROM ', 999, catalog).map((i) => i.label)).toContain('Account');
    expect(completeSoql('SELECT Id FROM ', -5, catalog).map((i) => i.label)).toEqual([
      'SELECT',
      'SELECT … FROM …',
    ]);
    const long = `SELECT ${Array.from({ length: 5000 }, (_, i) => `F${i}`).join(', ')} FROM Account WHERE `;
    const started = performance.now();
    expect(completeSoql(long, long.length, catalog).map((i) => i.label)).toContain('Industry');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
