import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createDescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import {
  checkSoql,
  parseSoql,
  validateSoql,
  type SoqlCheckDiagnostic,
  type ValidateOptions,
} from '../../src-shared/soql';
import { fixtureCatalog, loadFixtureDescribes } from '../support/describes';

const catalog = fixtureCatalog();

function check(query: string, options: ValidateOptions = {}) {
  return checkSoql(query, catalog, options);
}

function expectValid(query: string, options: ValidateOptions = {}): void {
  expect(check(query, options), query).toEqual({ ok: true, diagnostics: [] });
}

/** The 1-based column of the `nth` occurrence of `token` in a one-line query. */
function col(query: string, token: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = query.indexOf(token, at + 1);
    if (at < 0) throw new Error(`${token} (#${nth}) is not in ${query}`);
  }
  return at + 1;
}

/** Exactly one diagnostic, at the `nth` occurrence of `token`. */
function expectOne(
  query: string,
  errorCode: string,
  message: string,
  token: string,
  options: ValidateOptions & { nth?: number } = {},
): void {
  const expected: SoqlCheckDiagnostic = {
    errorCode,
    message,
    line: 1,
    column: col(query, token, options.nth),
  };
  expect(check(query, options), query).toEqual({ ok: false, diagnostics: [expected] });
}

const noSuchColumn = (field: string, object: string) =>
  `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, ` +
  "be sure to append the '__c' after the custom field name. Please reference your WSDL or the " +
  'describe call for the appropriate names.';
const notSupported = (object: string) =>
  `sObject type '${object}' is not supported. If you are attempting to use a custom object, be ` +
  "sure to append the '__c' after the entity name. Please reference your WSDL or the describe " +
  'call for the appropriate names.';
const RELATIONSHIP_HINT =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the " +
  'custom relationship name. Please reference your WSDL or the describe call for the appropriate ' +
  'names.';
const badPath = (name: string) =>
  `Didn't understand relationship '${name}' in field path. ${RELATIONSHIP_HINT}`;
const badChild = (name: string) =>
  `Didn't understand relationship '${name}' in FROM part of query call. ${RELATIONSHIP_HINT}`;

/** The forty relationship queries of soql.md §5, written for the fixture org's schema. */
function referenceRelationshipQueries(): string[] {
  const text = readFileSync(new URL('../../../shared/reference/soql.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## 5. Forty'), text.indexOf('### 5.1'));
  return [...section.matchAll(/^\d+\. `([^`]+)`/gm)].map((m) => m[1]!);
}

describe('objects, fields and relationships', () => {
  it('accepts known objects and fields in any case', () => {
    expectValid('SELECT Id, Name, Industry FROM Account');
    expectValid('select id, NAME, industry from account where TYPE = null');
    expectValid('SELECT Id, Name, Status__c FROM Parent__c');
  });

  it('reports an unknown object at its name', () => {
    const q = 'SELECT Id FROM Acount';
    expectOne(q, 'INVALID_TYPE', notSupported('Acount'), 'Acount');
    expectOne('SELECT Id FROM Parent', 'INVALID_TYPE', notSupported('Parent'), 'Parent');
  });

  it('accepts objects the org lists but has not described, without checking their fields', () => {
    const listedOnly = createDescribeCatalog(loadFixtureDescribes(), [
      { name: 'Profile', label: 'Profile', keyPrefix: '00e', custom: false, queryable: true },
    ]);
    expect(checkSoql('SELECT Id, Anything FROM Profile', listedOnly)).toEqual({
      ok: true,
      diagnostics: [],
    });
  });

  it('reports an unknown field with the entity name as described', () => {
    expectOne(
      'SELECT Id, Nme FROM account',
      'INVALID_FIELD',
      noSuchColumn('Nme', 'Account'),
      'Nme',
    );
    expectOne(
      "SELECT Id FROM Contact WHERE Emial = 'a@b.c'",
      'INVALID_FIELD',
      noSuchColumn('Emial', 'Contact'),
      'Emial',
    );
    expectOne(
      'SELECT Id FROM Account ORDER BY Revenue',
      'INVALID_FIELD',
      noSuchColumn('Revenue', 'Account'),
      'Revenue',
    );
    // A relationship name on its own is not a column.
    expectOne(
      'SELECT Account FROM Contact',
      'INVALID_FIELD',
      noSuchColumn('Account', 'Contact'),
      'Account',
    );
  });

  it('follows parent relationships and reports the field on the object reached', () => {
    expectValid('SELECT Id, Account.Name, Account.Owner.Name, ReportsTo.Email FROM Contact');
    expectValid('SELECT Name, Parent__r.Name, Parent__r.Account__r.Industry FROM Child__c');
    expectOne(
      'SELECT Account.Nme FROM Contact',
      'INVALID_FIELD',
      noSuchColumn('Nme', 'Account'),
      'Nme',
    );
  });

  it('reports a relationship path that uses a field name or a non-reference field', () => {
    const q = "SELECT Id FROM Child__c WHERE Parent__c.Name = 'x'";
    expectOne(q, 'INVALID_FIELD', badPath('Parent__c'), 'Parent__c');
    expectOne(
      'SELECT AccountId.Name FROM Contact',
      'INVALID_FIELD',
      badPath('AccountId'),
      'AccountId',
    );
    expectOne('SELECT Name.First FROM Contact', 'INVALID_FIELD', badPath('Name'), 'Name');
    expectOne('SELECT Acount.Name FROM Contact', 'INVALID_FIELD', badPath('Acount'), 'Acount');
    expectOne('SELECT Account.Bogus.Name FROM Contact', 'INVALID_FIELD', badPath('Bogus'), 'Bogus');
  });

  it('accepts the object name and the FROM alias as a prefix', () => {
    expectValid('SELECT Contact.FirstName, Contact.Account.Name FROM Contact');
    expectValid(
      'SELECT c.Name, c.Account.Name FROM Contact c WHERE c.Email != null ORDER BY c.Name',
    );
    expectOne(
      'SELECT c.Nme FROM Contact c',
      'INVALID_FIELD',
      noSuchColumn('Nme', 'Contact'),
      'Nme',
    );
    // Without the alias, `c` is read as a relationship.
    expectOne('SELECT c.Name FROM Contact', 'INVALID_FIELD', badPath('c'), 'c.');
  });

  it('resolves the FROM-list alias form', () => {
    expectValid('SELECT c.Name, a.Name, a.Industry FROM Contact c, c.Account a');
    expectOne(
      'SELECT c.Name, a.Nme FROM Contact c, c.Account a',
      'INVALID_FIELD',
      noSuchColumn('Nme', 'Account'),
      'Nme',
    );
    expectOne(
      'SELECT c.Name FROM Contact c, c.Acount a',
      'INVALID_FIELD',
      badPath('Acount'),
      'Acount',
    );
    expectOne(
      'SELECT Name FROM Contact c, Account a',
      'MALFORMED_QUERY',
      'A driving SObject type has already been set, all other entity types in the FROM clause ' +
        'must be relationships to the initial object.  The driving object is Contact',
      'Account',
    );
  });
});

describe('parent-to-child subqueries', () => {
  it('resolves the child relationship and checks fields against the child object', () => {
    expectValid('SELECT Name, (SELECT LastName, Email, Account.Name FROM Contacts) FROM Account');
    expectValid('SELECT Name, (SELECT Name, Amount__c FROM Children__r) FROM Parent__c');
    expectOne(
      'SELECT Name, (SELECT Industry FROM Contacts) FROM Account',
      'INVALID_FIELD',
      noSuchColumn('Industry', 'Contact'),
      'Industry',
    );
  });

  it('accepts fields prefixed with the relationship name, the child object or an alias', () => {
    expectValid('SELECT Name, (SELECT Contacts.LastName FROM Contacts) FROM Account');
    expectValid('SELECT Name, (SELECT Contact.LastName FROM Contacts) FROM Account');
    expectValid('SELECT Name, (SELECT k.LastName FROM Contacts k) FROM Account');
  });

  it('reports an object name or unknown name in a subquery FROM', () => {
    const q = 'SELECT Name, (SELECT LastName FROM Contact) FROM Account';
    expectOne(q, 'INVALID_TYPE', badChild('Contact'), 'Contact)');
    expectOne(
      'SELECT Name, (SELECT Name FROM Children__c) FROM Parent__c',
      'INVALID_TYPE',
      badChild('Children__c'),
      'Children__c',
    );
    // A lookup without a child relationship name cannot be subqueried (ReportsTo on Contact).
    expectOne(
      'SELECT Name, (SELECT Name FROM ReportsTo) FROM Contact',
      'INVALID_TYPE',
      badChild('ReportsTo'),
      'ReportsTo',
    );
  });

  it('allows one level before API 58 and four from 58', () => {
    const twoLevels =
      'SELECT Name, (SELECT Name, (SELECT Quantity FROM OpportunityLineItems) FROM Opportunities) FROM Account';
    expectValid(twoLevels, { apiVersion: '58.0' });
    expectOne(
      twoLevels,
      'MALFORMED_QUERY',
      'SOQL statements cannot query aggregate relationships more than 1 level away from the root entity object.',
      'OpportunityLineItems',
      { apiVersion: '57.0' },
    );
    const fourLevels =
      'SELECT Name, (SELECT LastName, (SELECT CaseNumber, (SELECT CaseNumber, (SELECT Subject FROM Tasks) FROM Cases) FROM Cases) FROM Contacts) FROM Account';
    expectValid(fourLevels);
    const fiveLevels =
      'SELECT Name, (SELECT LastName, (SELECT CaseNumber, (SELECT CaseNumber, (SELECT CaseNumber, (SELECT Subject FROM Tasks) FROM Cases) FROM Cases) FROM Cases) FROM Contacts) FROM Account';
    expectOne(
      fiveLevels,
      'MALFORMED_QUERY',
      'SOQL statements cannot query aggregate relationships more than 4 levels away from the root entity object.',
      'Tasks',
    );
  });

  it('allows at most 20 subqueries', () => {
    const sub = '(SELECT Id FROM Contacts)';
    expectValid(`SELECT Id, ${Array(20).fill(sub).join(', ')} FROM Account`);
    const q = `SELECT Id, ${Array(21).fill(sub).join(', ')} FROM Account`;
    expectOne(
      q,
      'MALFORMED_QUERY',
      'SOQL statements cannot query more than 20 parent-to-child relationships.',
      'Contacts',
      { nth: 21 },
    );
  });

  it('allows OFFSET in a subquery only when the outer query has LIMIT 1', () => {
    expectValid(
      "SELECT Name, (SELECT Name FROM Opportunities ORDER BY CloseDate LIMIT 5 OFFSET 5) FROM Account WHERE Name = 'Acme' LIMIT 1",
    );
    const q = 'SELECT Name, (SELECT Name FROM Opportunities LIMIT 5 OFFSET 5) FROM Account LIMIT 2';
    expectOne(
      q,
      'MALFORMED_QUERY',
      'OFFSET is only allowed in a sub-query when the outer query has LIMIT 1.',
      '5)',
    );
  });

  it('does not allow USING SCOPE in a subquery', () => {
    expectValid('SELECT Name, (SELECT LastName FROM Contacts) FROM Account USING SCOPE mine');
    const q = 'SELECT Name, (SELECT LastName FROM Contacts USING SCOPE mine) FROM Account';
    expectOne(q, 'MALFORMED_QUERY', 'USING SCOPE is not allowed in a sub-query.', 'mine');
  });

  it('does not allow a subquery in a GROUP BY query', () => {
    expectValid('SELECT Name, (SELECT LastName FROM Contacts) FROM Account ORDER BY Name');
    expectValid('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry');
    const text = 'A query with a GROUP BY clause can not contain a parent-to-child sub-query.';
    const q = 'SELECT Industry, (SELECT LastName FROM Contacts) FROM Account GROUP BY Industry';
    expectOne(q, 'MALFORMED_QUERY', text, '(SELECT');
    // Also under ROLLUP, and reported at each subquery.
    const rollup =
      'SELECT Industry, (SELECT LastName FROM Contacts), (SELECT Name FROM Opportunities) FROM Account GROUP BY ROLLUP(Industry)';
    expect(check(rollup).diagnostics).toEqual([
      { errorCode: 'MALFORMED_QUERY', message: text, line: 1, column: col(rollup, '(SELECT') },
      { errorCode: 'MALFORMED_QUERY', message: text, line: 1, column: col(rollup, '(SELECT', 2) },
    ]);
  });
});

describe('child-to-parent limits', () => {
  it('allows four hops (five levels) and reports the fifth hop', () => {
    expectValid('SELECT Id, Account.Parent.Parent.Parent.Name FROM Case');
    const q = 'SELECT Id, Account.Parent.Parent.Parent.Parent.Name FROM Case';
    expectOne(
      q,
      'MALFORMED_QUERY',
      'SOQL statements cannot query relationships more than 5 levels away from the root entity object.',
      'Parent',
      { nth: 4 },
    );
  });

  it('allows 55 distinct relationships and reports the 56th', () => {
    // Distinct parent paths from Account, breadth first (so a path's prefixes come before it).
    const describes = new Map(loadFixtureDescribes().map((d) => [d.name, d]));
    const paths: string[] = [];
    const queue: { object: string; path: string[] }[] = [{ object: 'Account', path: [] }];
    while (queue.length > 0 && paths.length < 56) {
      const { object, path } = queue.shift()!;
      if (path.length === 4) continue;
      for (const field of describes.get(object)?.fields ?? []) {
        const target = field.referenceTo[0];
        if (!field.relationshipName || field.referenceTo.length !== 1 || !describes.has(target!)) {
          continue;
        }
        const next = [...path, field.relationshipName];
        paths.push(next.join('.'));
        queue.push({ object: target!, path: next });
      }
    }
    expect(paths.length).toBeGreaterThanOrEqual(56);
    const select = (n: number) =>
      paths
        .slice(0, n)
        .map((p) => `${p}.Id`)
        .join(', ');
    expectValid(`SELECT ${select(55)} FROM Account`);
    const q = `SELECT ${select(56)} FROM Account`;
    const last = paths[55]!;
    expect(check(q)).toEqual({
      ok: false,
      diagnostics: [
        {
          errorCode: 'MALFORMED_QUERY',
          message: 'SOQL statements cannot reference more than 55 child-to-parent relationships.',
          line: 1,
          column: q.lastIndexOf(`${last}.Id`) + last.lastIndexOf('.') + 2,
        },
      ],
    });
  });
});

describe('polymorphic relationships and TYPEOF', () => {
  it('allows Name pseudo-object fields through a polymorphic lookup', () => {
    expectValid(
      "SELECT Id, Subject, Who.Name, Who.Type, What.Name FROM Task WHERE Who.Type = 'Lead'",
    );
    expectValid(
      'SELECT Id, Owner.Name, Owner.Email, Owner.IsActive, Owner.UserRole.Name FROM Case',
    );
  });

  it('reports fields that only some targets have on entity Name', () => {
    expectOne(
      'SELECT What.Industry FROM Task',
      'INVALID_FIELD',
      noSuchColumn('Industry', 'Name'),
      'Industry',
    );
    expectOne(
      'SELECT Owner.ManagerId FROM Lead',
      'INVALID_FIELD',
      noSuchColumn('ManagerId', 'Name'),
      'ManagerId',
    );
    // A single-target Owner resolves to User itself.
    expectValid('SELECT Owner.ManagerId, Owner.Manager.Name FROM Account');
  });

  it('checks TYPEOF branches against their own object', () => {
    expectValid(
      'SELECT Id, TYPEOF What WHEN Account THEN Name, Industry WHEN Opportunity THEN Name, StageName ELSE Name END FROM Task',
    );
    expectValid(
      'SELECT TYPEOF Who WHEN Contact THEN FirstName, Account.Name WHEN Lead THEN Company END FROM Event',
    );
    expectOne(
      'SELECT TYPEOF What WHEN Account THEN Nme END FROM Task',
      'INVALID_FIELD',
      noSuchColumn('Nme', 'Account'),
      'Nme',
    );
    expectOne(
      'SELECT TYPEOF What WHEN Account THEN Name ELSE Industry END FROM Task',
      'INVALID_FIELD',
      noSuchColumn('Industry', 'Name'),
      'Industry',
    );
  });

  it('requires TYPEOF types among the lookup targets and a polymorphic field', () => {
    expectOne(
      'SELECT TYPEOF What WHEN Lead THEN Name END FROM Task',
      'INVALID_TYPE',
      "'Lead' is not a type that 'What' can refer to in a TYPEOF WHEN clause.",
      'Lead',
    );
    expectOne(
      'SELECT TYPEOF Account WHEN Account THEN Name END FROM Contact',
      'MALFORMED_QUERY',
      "TYPEOF can only be used with a polymorphic relationship field; 'Account' is not one.",
      'Account',
    );
    expectOne(
      'SELECT TYPEOF Whom WHEN Contact THEN Name END FROM Task',
      'INVALID_FIELD',
      badPath('Whom'),
      'Whom',
    );
  });

  it('does not allow the TYPEOF field as a relationship path in the same SELECT list', () => {
    // Other relationships, the lookup's Id field and a path in WHERE are fine.
    expectValid(
      "SELECT TYPEOF What WHEN Account THEN Name END, Who.Name, WhatId FROM Task WHERE What.Name != 'x'",
    );
    expectValid('SELECT What.Name, What.Type FROM Task');
    const q = 'SELECT TYPEOF What WHEN Account THEN Name END, What.Name FROM Task';
    expectOne(
      q,
      'MALFORMED_QUERY',
      'Field What is used in TYPEOF and can not also be selected as a relationship: What.Name',
      'What.Name',
    );
    // Before the TYPEOF, in any case, and inside a function.
    const before = 'SELECT toLabel(what.Type), TYPEOF What WHEN Account THEN Name END FROM Task';
    expectOne(
      before,
      'MALFORMED_QUERY',
      'Field What is used in TYPEOF and can not also be selected as a relationship: what.Type',
      'what.Type',
    );
  });
});

describe('semi-joins and anti-joins', () => {
  it('accepts Id or reference fields on both sides', () => {
    expectValid(
      "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won')",
    );
    expectValid('SELECT Id FROM Case WHERE ContactId NOT IN (SELECT Id FROM Contact)');
    expectValid(
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id NOT IN (SELECT AccountId FROM Case)',
    );
  });

  it('allows two sub-selects per WHERE and reports the third', () => {
    const q =
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact) AND Id IN (SELECT AccountId FROM Case) AND Id IN (SELECT AccountId FROM Opportunity)';
    expectOne(
      q,
      'EXCEEDED_MAX_SEMIJOIN_SUBSELECTS',
      'No more than two semi join or anti join sub-selects are allowed in a WHERE clause.',
      'SELECT AccountId FROM Opportunity',
    );
  });

  it('allows sub-selects only at the top level of WHERE', () => {
    const text =
      'Semi join sub-selects are only allowed at the top level WHERE expressions and not in nested WHERE expressions.';
    const underOr =
      "SELECT Id FROM Account WHERE Type = 'Prospect' OR Id IN (SELECT AccountId FROM Contact)";
    expectOne(underOr, 'MALFORMED_QUERY', text, 'SELECT AccountId');
    const inParens =
      "SELECT Id FROM Account WHERE Name != null AND (Type = 'Prospect' OR Id IN (SELECT AccountId FROM Contact))";
    expectOne(inParens, 'MALFORMED_QUERY', text, 'SELECT AccountId');
    const underNot = 'SELECT Id FROM Account WHERE (NOT Id IN (SELECT AccountId FROM Contact))';
    expectOne(underNot, 'MALFORMED_QUERY', text, 'SELECT AccountId');
  });

  it('does not allow a sub-select inside a sub-select', () => {
    const q =
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Id IN (SELECT ContactId FROM Case))';
    expectOne(
      q,
      'MALFORMED_QUERY',
      'Nesting of semi join sub-selects is not supported',
      'SELECT ContactId',
    );
  });

  it('does not allow ORDER BY, LIMIT or OFFSET in a sub-select', () => {
    expectValid(
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email != null) ORDER BY Name LIMIT 10 OFFSET 5',
    );
    const offset =
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact OFFSET 3) LIMIT 5';
    expectOne(
      offset,
      'MALFORMED_QUERY',
      'OFFSET is not allowed in a semi join or anti join sub-select.',
      '3)',
    );
    const orderBy =
      'SELECT Id FROM Account WHERE Id NOT IN (SELECT AccountId FROM Contact ORDER BY LastName)';
    expectOne(
      orderBy,
      'MALFORMED_QUERY',
      'ORDER BY is not allowed in a semi join or anti join sub-select.',
      'LastName',
    );
    const limit = 'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact LIMIT 10)';
    expectOne(
      limit,
      'MALFORMED_QUERY',
      'LIMIT is not allowed in a semi join or anti join sub-select.',
      '10',
    );
  });

  it('requires an Id or reference field of the outer object on the left', () => {
    expectOne(
      'SELECT Id FROM Account WHERE Name IN (SELECT AccountId FROM Contact)',
      'INVALID_FIELD',
      "The left operand of a semi join or anti join must be an Id or reference field of the outer object: 'Name'",
      'Name IN',
    );
    expectOne(
      'SELECT Id FROM Contact WHERE Account.OwnerId IN (SELECT Id FROM User)',
      'INVALID_FIELD',
      "The left operand of a semi join or anti join must be an Id or reference field of the outer object: 'Account.OwnerId'",
      'Account.OwnerId',
    );
  });

  it('requires exactly one Id or reference field of a matching object in the sub-select', () => {
    expectOne(
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId, Id FROM Contact)',
      'MALFORMED_QUERY',
      'A semi join or anti join sub-select must select exactly one Id or reference field.',
      'Id FROM Contact',
    );
    expectOne(
      'SELECT Id FROM Account WHERE Id IN (SELECT Name FROM Contact)',
      'INVALID_FIELD',
      "A semi join or anti join sub-select must select an Id or reference field: 'Name'",
      'Name FROM Contact',
    );
    expectOne(
      'SELECT Id FROM Account WHERE Id IN (SELECT Id FROM Contact)',
      'INVALID_FIELD',
      "The sub-select field 'Id' refers to Contact, but 'Id' holds ids of Account.",
      'Id FROM Contact',
    );
  });

  it('checks the sub-select against its own object', () => {
    expectOne(
      'SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contakt)',
      'INVALID_TYPE',
      notSupported('Contakt'),
      'Contakt',
    );
    expectOne(
      "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Industry = 'x')",
      'INVALID_FIELD',
      noSuchColumn('Industry', 'Contact'),
      'Industry',
    );
  });
});

describe('literal and field types', () => {
  const typeMessage = (field: string, type: string, tail = '') =>
    `value of filter criterion for field '${field}' must be of type ${type}${tail}`;
  const NO_QUOTES = ' and should not be enclosed in quotes';
  const QUOTES = ' and should be enclosed in quotes';

  it('accepts values of the field type', () => {
    expectValid(
      "SELECT Id FROM Opportunity WHERE Name = 'x' AND Amount > 100.5 AND Amount < USD5000 AND CloseDate >= 2024-01-01 AND IsWon = true AND CreatedDate < 2024-01-01T10:00:00Z AND CloseDate = LAST_N_DAYS:30 AND CreatedDate = THIS_QUARTER AND AccountId != null",
    );
    expectValid(
      "SELECT Id FROM Account WHERE Industry IN ('Energy', 'Utilities') AND NumberOfEmployees NOT IN (1, 2)",
    );
  });

  it('reports a quoted date or datetime', () => {
    const q = "SELECT Id FROM Opportunity WHERE CloseDate = '2024-01-01'";
    expectOne(q, 'INVALID_FIELD', typeMessage('CloseDate', 'date', NO_QUOTES), "'2024");
    const dt = "SELECT Id FROM Account WHERE CreatedDate > '2024-01-01T00:00:00Z'";
    expectOne(dt, 'INVALID_FIELD', typeMessage('CreatedDate', 'dateTime', NO_QUOTES), "'2024");
  });

  it('reports a date for a datetime and a datetime for a date', () => {
    expectOne(
      'SELECT Id FROM Account WHERE CreatedDate > 2024-01-01',
      'INVALID_FIELD',
      typeMessage('CreatedDate', 'dateTime'),
      '2024',
    );
    expectOne(
      'SELECT Id FROM Opportunity WHERE CloseDate = 2024-01-01T00:00:00Z',
      'INVALID_FIELD',
      typeMessage('CloseDate', 'date'),
      '2024',
    );
  });

  it('reports strings for numbers and booleans, and numbers for strings', () => {
    expectOne(
      "SELECT Id FROM Opportunity WHERE Amount > '100'",
      'INVALID_FIELD',
      typeMessage('Amount', 'double', NO_QUOTES),
      "'100'",
    );
    expectOne(
      "SELECT Id FROM Account WHERE NumberOfEmployees = '5'",
      'INVALID_FIELD',
      typeMessage('NumberOfEmployees', 'int', NO_QUOTES),
      "'5'",
    );
    expectOne(
      "SELECT Id FROM Opportunity WHERE IsWon = 'true'",
      'INVALID_FIELD',
      typeMessage('IsWon', 'boolean', NO_QUOTES),
      "'true'",
    );
    expectOne(
      'SELECT Id FROM Account WHERE Name = 5',
      'INVALID_FIELD',
      typeMessage('Name', 'string', QUOTES),
      '5',
    );
    expectOne(
      "SELECT Id FROM Account WHERE Industry IN ('Energy', 5)",
      'INVALID_FIELD',
      typeMessage('Industry', 'string', QUOTES),
      '5)',
    );
  });

  it('reports a date literal on a field that is not a date', () => {
    expectOne(
      'SELECT Id FROM Account WHERE Name = TODAY',
      'INVALID_FIELD',
      typeMessage('Name', 'string', QUOTES),
      'TODAY',
    );
    expectOne(
      'SELECT Id FROM Opportunity WHERE Amount = LAST_N_DAYS:3',
      'INVALID_FIELD',
      typeMessage('Amount', 'double'),
      'LAST_N_DAYS',
    );
  });

  it('allows LIKE only on strings and INCLUDES/EXCLUDES only on multi-select picklists', () => {
    expectValid("SELECT Id FROM Account WHERE Name LIKE 'Acme%'");
    expectValid("SELECT Id FROM Contact WHERE Interests__c INCLUDES ('Hiking;Cycling', 'Reading')");
    expectValid("SELECT Id FROM Contact WHERE Interests__c EXCLUDES ('Travel')");
    expectOne(
      "SELECT Id FROM Opportunity WHERE Amount LIKE '1%'",
      'INVALID_FIELD',
      'LIKE operator only valid on string field: Amount',
      'LIKE',
    );
    expectOne(
      "SELECT Id FROM Contact WHERE LeadSource INCLUDES ('Web')",
      'INVALID_FIELD',
      'includes or excludes operator only valid on multipicklist field: LeadSource',
      'INCLUDES',
    );
  });

  it('leaves bind variables to the parser', () => {
    const q = 'SELECT Id FROM Account WHERE Name = :name';
    expectOne(q, 'MALFORMED_QUERY', 'Bind variables only allowed in Apex code', ':name');
  });
});

describe('filtering and sorting', () => {
  it('reports fields that cannot be filtered', () => {
    expectOne(
      "SELECT Id FROM Account WHERE Description = 'x'",
      'INVALID_FIELD',
      "field 'Description' can not be filtered in a query call",
      'Description',
    );
    expectOne(
      "SELECT Id FROM Contact WHERE (Name != null AND SSN__c = '1')",
      'INVALID_FIELD',
      "field 'SSN__c' can not be filtered in a query call",
      'SSN__c',
    );
  });

  it('reports fields that cannot be sorted', () => {
    expectOne(
      'SELECT Id FROM Contact ORDER BY Interests__c',
      'INVALID_FIELD',
      "field 'Interests__c' can not be sorted in a query call",
      'Interests__c',
    );
    expectValid('SELECT Id FROM Contact ORDER BY Account.Name NULLS LAST, CreatedDate DESC');
  });
});

describe('aggregates and GROUP BY', () => {
  it('accepts grouped and aggregated values', () => {
    expectValid('SELECT LeadSource, COUNT(Id) FROM Lead GROUP BY LeadSource');
    expectValid(
      'SELECT Account.Industry, CALENDAR_YEAR(CloseDate) yr, COUNT(Id), SUM(Amount) total FROM Opportunity WHERE IsWon = true GROUP BY Account.Industry, CALENDAR_YEAR(CloseDate)',
    );
    expectValid(
      'SELECT AccountId, Account.Name, COUNT(Id) cnt FROM Contact GROUP BY AccountId, Account.Name HAVING COUNT(Id) > 5 ORDER BY COUNT(Id) DESC',
    );
    expectValid(
      'SELECT Owner.Name, StageName, SUM(Amount) amt FROM Opportunity GROUP BY ROLLUP(Owner.Name, StageName)',
    );
    expectValid(
      "SELECT COUNT() FROM Contact WHERE Account.Owner.Profile.Name = 'System Administrator'",
    );
    expectValid('SELECT COUNT() FROM Account LIMIT 5');
    expectValid(
      'SELECT MAX(CloseDate), MIN(Name), AVG(Amount), COUNT_DISTINCT(AccountId) FROM Opportunity',
    );
  });

  it('reports a value that is neither grouped nor aggregated', () => {
    const q = 'SELECT Account.Name, COUNT(Id) FROM Contact';
    expectOne(q, 'MALFORMED_QUERY', 'Field must be grouped or aggregated: Name', 'Account.Name');
    expectOne(
      'SELECT LeadSource, Name, COUNT(Id) FROM Lead GROUP BY LeadSource',
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: Name',
      'Name,',
    );
    expectOne(
      'SELECT CALENDAR_YEAR(CloseDate), COUNT(Id) FROM Opportunity',
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: CloseDate',
      'CALENDAR_YEAR',
    );
    expectOne(
      'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry ORDER BY Name',
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: Name',
      'Name',
    );
    expectOne(
      "SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry HAVING Type = 'x'",
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: Type',
      'Type',
    );
  });

  it('requires a date function in SELECT to be grouped as the same expression', () => {
    expectValid(
      'SELECT CALENDAR_YEAR(CreatedDate) FROM Opportunity GROUP BY CALENDAR_YEAR(CreatedDate)',
    );
    expectValid(
      'SELECT FORMAT(CALENDAR_YEAR(CloseDate)) yr, COUNT(Id) FROM Opportunity GROUP BY CALENDAR_YEAR(CloseDate)',
    );
    // Elsewhere a date function needs no grouping.
    expectValid(
      'SELECT Id FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) = 2024 ORDER BY CALENDAR_YEAR(CloseDate)',
    );
    const text = 'Field must be grouped or aggregated: CreatedDate';
    const q = 'SELECT CALENDAR_YEAR(CreatedDate) FROM Opportunity';
    expectOne(q, 'MALFORMED_QUERY', text, 'CALENDAR_YEAR');
    expectOne(
      'SELECT Name, HOUR_IN_DAY(convertTimezone(CreatedDate)) FROM Opportunity',
      'MALFORMED_QUERY',
      text,
      'HOUR_IN_DAY',
    );
    // Grouping the field, or another date function of it, is not the same expression.
    expectOne(
      'SELECT CALENDAR_YEAR(CloseDate) FROM Opportunity GROUP BY CloseDate',
      'MALFORMED_QUERY',
      'Field must be grouped or aggregated: CloseDate',
      'CALENDAR_YEAR',
    );
    expectOne(
      'SELECT CALENDAR_MONTH(CreatedDate), COUNT(Id) FROM Opportunity GROUP BY CALENDAR_YEAR(CreatedDate)',
      'MALFORMED_QUERY',
      text,
      'CALENDAR_MONTH',
    );
  });

  it('reports a grouped field that is also aggregated', () => {
    expectOne(
      'SELECT Id, COUNT(Id) FROM Account GROUP BY Id',
      'MALFORMED_QUERY',
      'Grouped field should not be aggregated: Id',
      'Id)',
    );
    expectOne(
      'SELECT COUNT(Id) FROM Account GROUP BY COUNT(Industry)',
      'MALFORMED_QUERY',
      'Grouped field should not be aggregated: Industry',
      'COUNT',
      { nth: 2 },
    );
  });

  it('reports fields that cannot be grouped or aggregated', () => {
    expectOne(
      'SELECT CreatedDate, COUNT(Id) FROM Account GROUP BY CreatedDate',
      'INVALID_FIELD',
      "field 'CreatedDate' can not be grouped in a query call",
      'CreatedDate',
      { nth: 2 },
    );
    expectOne(
      'SELECT SUM(Name) FROM Account',
      'INVALID_FIELD',
      'field Name does not support aggregate operator SUM',
      'Name',
    );
    expectOne(
      'SELECT MAX(Description) FROM Account',
      'INVALID_FIELD',
      'field Description does not support aggregate operator MAX',
      'Description',
    );
  });

  it('requires COUNT() alone and GROUP BY with LIMIT on aggregates', () => {
    expectOne(
      'SELECT COUNT(), Name FROM Account',
      'MALFORMED_QUERY',
      'COUNT() must be the only element in the SELECT list.',
      'COUNT',
    );
    expectOne(
      'SELECT MAX(CreatedDate) FROM Account LIMIT 1',
      'MALFORMED_QUERY',
      'A query with an aggregate function and a LIMIT clause must also have a GROUP BY clause.',
      '1',
    );
    expectValid('SELECT Industry, MAX(CreatedDate) FROM Account GROUP BY Industry LIMIT 1');
  });

  it('allows at most three ROLLUP or CUBE fields', () => {
    expectValid(
      'SELECT Industry, Type, Name, COUNT(Id) FROM Account GROUP BY CUBE(Industry, Type, Name)',
    );
    expectOne(
      'SELECT Industry, Type, Name, Phone, COUNT(Id) FROM Account GROUP BY ROLLUP(Industry, Type, Name, Phone)',
      'MALFORMED_QUERY',
      'GROUP BY ROLLUP can have at most 3 fields.',
      'Phone)',
    );
  });

  it('does not allow aggregates in WHERE', () => {
    expectOne(
      'SELECT Id FROM Account WHERE COUNT(Id) > 1',
      'MALFORMED_QUERY',
      'Aggregate function COUNT is not allowed in the WHERE clause; use HAVING.',
      'COUNT',
    );
  });

  it('does not allow convertCurrency() in WHERE or HAVING', () => {
    expectValid(
      'SELECT Id, convertCurrency(Amount) amt FROM Opportunity WHERE Amount > 100 ORDER BY convertCurrency(Amount)',
    );
    expectOne(
      'SELECT Id FROM Opportunity WHERE convertCurrency(Amount) > 100',
      'MALFORMED_QUERY',
      'convertCurrency() can not be used in the WHERE clause of a query call',
      'convertCurrency',
    );
    expectOne(
      'SELECT Id FROM Opportunity WHERE FORMAT(convertCurrency(Amount)) = null',
      'MALFORMED_QUERY',
      'convertCurrency() can not be used in the WHERE clause of a query call',
      'convertCurrency',
    );
    expectOne(
      'SELECT StageName, SUM(Amount) FROM Opportunity GROUP BY StageName HAVING SUM(convertCurrency(Amount)) > 100',
      'MALFORMED_QUERY',
      'convertCurrency() can not be used in the HAVING clause of a query call',
      'convertCurrency',
    );
  });
});

describe('SELECT list rules', () => {
  it('reports a field selected twice, also through FIELDS()', () => {
    expectOne(
      'SELECT Id, Name, id FROM Account',
      'MALFORMED_QUERY',
      'duplicate field selected: id',
      'id',
    );
    expectOne(
      'SELECT Account.Name, account.name FROM Contact',
      'MALFORMED_QUERY',
      'duplicate field selected: account.name',
      'account.name',
    );
    expectOne(
      'SELECT Id, FIELDS(STANDARD) FROM Account',
      'MALFORMED_QUERY',
      'duplicate field selected: Id',
      'FIELDS',
    );
    expectOne(
      'SELECT FIELDS(CUSTOM), External_ID__c FROM Account LIMIT 10',
      'MALFORMED_QUERY',
      'duplicate field selected: External_ID__c',
      'External_ID__c',
    );
    // Aliased values may repeat a field.
    expectValid('SELECT Industry, toLabel(Industry) industryLabel FROM Account');
    expectValid('SELECT Id, FIELDS(CUSTOM) FROM Account LIMIT 10');
  });

  it('needs LIMIT 200 or less for FIELDS(ALL) and FIELDS(CUSTOM), and API 51', () => {
    expectValid('SELECT FIELDS(ALL) FROM Account LIMIT 200');
    expectValid('SELECT FIELDS(STANDARD) FROM Account');
    expectValid('SELECT Name, (SELECT FIELDS(STANDARD) FROM Contacts) FROM Account LIMIT 20');
    const text = 'The SOQL FIELDS function must have a LIMIT of at most 200';
    expectOne('SELECT FIELDS(ALL) FROM Account', 'MALFORMED_QUERY', text, 'FIELDS');
    expectOne('SELECT FIELDS(CUSTOM) FROM Account LIMIT 201', 'MALFORMED_QUERY', text, 'FIELDS');
    expectOne(
      'SELECT FIELDS(STANDARD) FROM Account',
      'UNSUPPORTED_API_VERSION',
      'The SOQL FIELDS function is not supported in this version of the API',
      'FIELDS',
      { apiVersion: '50.0' },
    );
  });

  it('rejects dotted and reserved-word aliases', () => {
    expectOne(
      'SELECT FORMAT(AnnualRevenue) Account.X__cFormatted FROM Account',
      'MALFORMED_QUERY',
      'invalid alias: Account.X__cFormatted',
      'Account.X',
    );
    expectOne(
      'SELECT COUNT(Id) Like FROM Account',
      'MALFORMED_QUERY',
      "unexpected token: 'Like'",
      'Like',
    );
    expectValid('SELECT COUNT(Id) total FROM Account');
  });

  it('reports unknown functions', () => {
    expectOne('SELECT FOO(Name) FROM Account', 'MALFORMED_QUERY', 'Unknown function: FOO', 'FOO');
    expectValid(
      "SELECT toLabel(Industry), FORMAT(AnnualRevenue), convertCurrency(AnnualRevenue) rev FROM Account WHERE DISTANCE(BillingAddress, GEOLOCATION(37.7, -122.4), 'mi') < 20",
    );
  });

  it('allows OFFSET up to 2000', () => {
    expectValid('SELECT Name FROM Account ORDER BY Name LIMIT 10 OFFSET 2000');
    const q = 'SELECT Name FROM Account ORDER BY Name LIMIT 10 OFFSET 2500';
    expectOne(q, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000', '2500');
  });
});

describe('results', () => {
  it('accepts the reference relationship queries, nesting as the API version allows', () => {
    const queries = referenceRelationshipQueries();
    expect(queries).toHaveLength(40);
    for (const query of queries) expectValid(query);
    const nested = queries.filter((q) => /\(SELECT[^()]*\(SELECT/.test(q));
    expect(nested.length).toBe(3);
    for (const query of nested) {
      const result = check(query, { apiVersion: '57.0' });
      expect(
        result.diagnostics.map((d) => d.errorCode),
        query,
      ).toEqual(['MALFORMED_QUERY']);
    }
  });

  it('lists syntax diagnostics first, then semantic ones in source order', () => {
    const q = "SELECT Nme, Foo FROM Account WHERE Name = 'x' AND Type = 'y' OR Id = null";
    expect(check(q).diagnostics).toEqual([
      {
        errorCode: 'MALFORMED_QUERY',
        message: "unexpected token: 'OR'",
        line: 1,
        column: col(q, 'OR'),
      },
      { errorCode: 'INVALID_FIELD', message: noSuchColumn('Nme', 'Account'), line: 1, column: 8 },
      { errorCode: 'INVALID_FIELD', message: noSuchColumn('Foo', 'Account'), line: 1, column: 13 },
    ]);
  });

  it('reports line and column on multi-line queries', () => {
    const q = 'SELECT Id,\n       Name\nFROM Account\nWHERE Industri = null';
    expect(check(q)).toEqual({
      ok: false,
      diagnostics: [
        {
          errorCode: 'INVALID_FIELD',
          message: noSuchColumn('Industri', 'Account'),
          line: 4,
          column: 7,
        },
      ],
    });
  });

  it('takes a parse result and returns ranges', () => {
    const q = 'SELECT Nme FROM Account';
    expect(validateSoql(parseSoql(q), catalog)).toEqual([
      {
        errorCode: 'INVALID_FIELD',
        message: noSuchColumn('Nme', 'Account'),
        range: { start: 7, end: 10 },
        severity: 'error',
      },
    ]);
  });

  it('checks a partial query without throwing', () => {
    for (const q of [
      'SELECT Account. FROM Contact',
      'SELECT Id, FROM',
      'SELECT (SELECT FROM',
      'SELECT Id FROM Account WHERE',
    ]) {
      const result = check(q);
      expect(result.ok).toBe(false);
      expect(result.diagnostics.every((d) => d.line === 1 && d.column >= 1)).toBe(true);
    }
  });
});

describe('speed', () => {
  it('validates a query against 1,500 objects x 300 fields in well under a millisecond', () => {
    const base = loadFixtureDescribes();
    const account = base.find((d) => d.name === 'Account')!;
    const text = account.fields.find((f) => f.name === 'Name')!;
    const lookup = account.fields.find((f) => f.name === 'ParentId')!;
    const objects: SObjectDescribe[] = [...base];
    for (let i = 0; i < 1500; i++) {
      const fields: FieldDescribe[] = [account.fields.find((f) => f.name === 'Id')!];
      for (let j = 0; j < 300; j++) fields.push({ ...text, name: `F${j}__c`, custom: true });
      fields.push({
        ...lookup,
        name: 'Acc__c',
        referenceTo: ['Account'],
        relationshipName: 'Acc__r',
      });
      const children = [
        {
          childSObject: `Obj${(i + 1) % 1500}__c`,
          field: 'Acc__c',
          relationshipName: 'Next__r',
          cascadeDelete: false,
        },
      ];
      objects.push({ ...account, name: `Obj${i}__c`, fields, childRelationships: children });
    }
    const big = createDescribeCatalog(objects);
    const q =
      "SELECT Id, F1__c, F2__c, Acc__r.Name, Acc__r.Owner.Name, (SELECT Id, F9__c FROM Next__r) FROM Obj700__c WHERE F3__c = 'x' AND Acc__c IN (SELECT Id FROM Account WHERE Industry = 'Energy') ORDER BY F4__c LIMIT 10";
    const parsed = parseSoql(q);
    expect(validateSoql(parsed, big)).toEqual([]);
    const times: number[] = [];
    for (let i = 0; i < 300; i++) {
      const started = performance.now();
      validateSoql(parsed, big);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]!).toBeLessThan(0.5);
  });
});
