// The local org's formula language: the parser (precedence, errors with columns) and the
// compiler to SQLite, whose SQL is run on a real in-memory database holding Account, Contact
// and User rows, directly and as columns of a VIEW, as the store will use it.

import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  compileFormula,
  compileValidationCondition,
  type CompiledFormula,
} from '../../src-main/local-org/formula/compile-sqlite';
import {
  FormulaError,
  parseFormula,
  type FormulaNode,
} from '../../src-main/local-org/formula/parse';
import type {
  OrgField,
  OrgObject,
  OrgSchema,
  RollupSummary,
} from '../../src-main/local-org/schema/model';
import {
  createDescribeCatalog,
  fieldDescribe,
  type FieldDescribe,
  type FieldType,
  type WireFieldDescribe,
} from '../../src-shared/salesforce';

// ---------------------------------------------------------------------------------------------
// A tiny org, built by hand.

interface FieldSpec {
  type: FieldType;
  formula?: string;
  rollup?: RollupSummary;
  stored?: boolean;
  describe?: Partial<FieldDescribe>;
}

function orgField(name: string, spec: FieldSpec): OrgField {
  const base = fieldDescribe(name, spec.type, spec.describe);
  const describe: WireFieldDescribe = {
    ...base,
    type: spec.type,
    soapType: 'xsd:string',
    byteLength: 0,
    digits: 0,
    calculatedFormula: spec.formula ?? null,
    autoNumber: false,
    idLookup: false,
    caseSensitive: false,
    nameField: false,
    namePointing: false,
    relationshipOrder: null,
    polymorphicForeignKey: base.referenceTo.length > 1,
    cascadeDelete: false,
    restrictedDelete: false,
    picklistValues: [],
    restrictedPicklist: false,
    dependentPicklist: false,
    controllerName: null,
    defaultValue: null,
    defaultValueFormula: null,
    permissionable: true,
    htmlFormatted: false,
    encrypted: false,
    deprecatedAndHidden: false,
    writeRequiresMasterRead: false,
    inlineHelpText: null,
    mask: null,
    maskType: null,
    extraTypeInfo: null,
    compoundFieldName: null,
    filteredLookupInfo: null,
    referenceTargetField: null,
    highScaleNumber: false,
    displayLocationInDecimal: false,
    queryByDistance: false,
    searchPrefilterable: false,
  };
  const computed = spec.formula !== undefined || spec.rollup !== undefined;
  return {
    name,
    type: spec.type,
    describe,
    formula: spec.formula ?? null,
    rollup: spec.rollup ?? null,
    stored: spec.stored ?? !computed,
  };
}

function orgObject(name: string, keyPrefix: string, specs: Record<string, FieldSpec>): OrgObject {
  const fields = Object.entries(specs).map(([fieldName, spec]) => orgField(fieldName, spec));
  return {
    name,
    label: name,
    labelPlural: `${name}s`,
    keyPrefix,
    custom: false,
    fields,
    field: (fieldName) => fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase()),
    validationRules: [],
    childRelationships: [],
  };
}

const lookup = (to: string[], relationshipName: string): FieldSpec => ({
  type: 'reference',
  describe: { referenceTo: to, relationshipName },
});

const user = orgObject('User', '005', {
  Id: { type: 'id' },
  Name: { type: 'string' },
  IsActive: { type: 'boolean' },
});
const account = orgObject('Account', '001', {
  Id: { type: 'id' },
  Name: { type: 'string' },
  Industry: { type: 'picklist' },
  AnnualRevenue: { type: 'currency' },
  Discount__c: { type: 'percent' },
  ParentId: lookup(['Account'], 'Parent'),
  OwnerId: lookup(['User'], 'Owner'),
  BillingCity: { type: 'string' },
  BillingAddress: { type: 'address', stored: false },
  Contact_Count__c: {
    type: 'double',
    rollup: {
      operation: 'COUNT',
      childObject: 'Contact',
      relationshipField: 'AccountId',
      field: null,
    },
  },
  // A formula that itself follows a parent path: inlined into Contact formulas, it nests.
  Owner_Label__c: { type: 'string', formula: "Name & ' (' & Owner.Name & ')'" },
  Loop_A__c: { type: 'double', formula: 'Loop_B__c + 1' },
  Loop_B__c: { type: 'double', formula: 'Loop_A__c + 1' },
});
const contact = orgObject('Contact', '003', {
  Id: { type: 'id' },
  FirstName: { type: 'string' },
  LastName: { type: 'string' },
  Email: { type: 'email' },
  Level__c: { type: 'picklist' },
  Birthdate: { type: 'date' },
  LastSeen__c: { type: 'datetime' },
  Score__c: { type: 'double' },
  Do_Not_Call__c: { type: 'boolean' },
  AccountId: lookup(['Account'], 'Account'),
  WhatId: lookup(['Account', 'User'], 'What'),
  Full_Name__c: { type: 'string', formula: "FirstName & ' ' & LastName" },
  Reachable__c: { type: 'boolean', formula: 'NOT(Do_Not_Call__c) && Email <> NULL' },
  Revenue_Band__c: { type: 'double', formula: 'ROUND(Account.AnnualRevenue / 1000, 0)' },
});

const objects = [account, contact, user];
const schema: OrgSchema = {
  objects,
  object: (name) => objects.find((o) => o.name.toLowerCase() === name.toLowerCase()),
  objectByKeyPrefix: (prefix) => objects.find((o) => o.keyPrefix === prefix),
  listedOnly: [],
  catalog: createDescribeCatalog([]),
  describe: () => undefined,
  describeGlobal: () => ({ encoding: 'UTF-8', maxBatchSize: 200, sobjects: [] }),
};

const scopeFor = (object: OrgObject) => ({
  object,
  schema,
  rowAlias: 't',
  tableOf: (name: string) => `"data_${name}"`,
});

// ---------------------------------------------------------------------------------------------
// The database.

const db = new Database(':memory:');
db.exec(`
  CREATE TABLE "data_User" ("Id" TEXT PRIMARY KEY, "Name" TEXT, "IsActive" INTEGER);
  CREATE TABLE "data_Account" ("Id" TEXT PRIMARY KEY, "Name" TEXT, "Industry" TEXT,
    "AnnualRevenue" REAL, "Discount__c" REAL, "ParentId" TEXT, "OwnerId" TEXT,
    "BillingCity" TEXT);
  CREATE TABLE "data_Contact" ("Id" TEXT PRIMARY KEY, "FirstName" TEXT, "LastName" TEXT,
    "Email" TEXT, "Level__c" TEXT, "Birthdate" TEXT, "LastSeen__c" TEXT, "Score__c" REAL,
    "Do_Not_Call__c" INTEGER, "AccountId" TEXT, "WhatId" TEXT);
`);
const insert = (table: string, row: Record<string, unknown>) => {
  const columns = Object.keys(row);
  db.prepare(
    `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) ` +
      `VALUES (${columns.map(() => '?').join(', ')})`,
  ).run(...Object.values(row));
};
insert('data_User', { Id: 'U1', Name: 'Ada Owner', IsActive: 1 });
insert('data_User', { Id: 'U2', Name: 'Bob Parent-Owner', IsActive: 0 });
insert('data_Account', { Id: 'A0', Name: 'Holding', Industry: 'Energy', OwnerId: 'U2' });
insert('data_Account', {
  Id: 'A1',
  Name: 'Acme',
  Industry: 'Banking',
  AnnualRevenue: 5000,
  Discount__c: 15,
  ParentId: 'A0',
  OwnerId: 'U1',
});
insert('data_Account', { Id: 'A2', Name: 'Orphan', Industry: null, AnnualRevenue: null });
insert('data_Contact', {
  Id: 'C1',
  FirstName: 'Grace',
  LastName: 'Hopper',
  Email: 'grace@example.com',
  Level__c: 'Primary',
  Birthdate: '1990-03-01',
  LastSeen__c: '2024-01-01T10:00:00.000Z',
  Score__c: 7,
  Do_Not_Call__c: 1,
  AccountId: 'A1',
});
insert('data_Contact', {
  Id: 'C2',
  FirstName: null,
  LastName: 'Smith',
  Email: '',
  AccountId: 'A2',
});
insert('data_Contact', { Id: 'C3', LastName: "O'Brien", Email: null, Do_Not_Call__c: 0 });

afterAll(() => db.close());

function compile(formula: string, object: OrgObject = contact): CompiledFormula {
  return compileFormula(formula, scopeFor(object));
}

/** The formula's value on one row, read by running its SQL. */
function evaluate(formula: string, id: string, object: OrgObject = contact): unknown {
  const { sql } = compile(formula, object);
  const row = db
    .prepare(`SELECT ${sql} AS "value" FROM "data_${object.name}" t WHERE t."Id" = ?`)
    .get(id) as { value: unknown } | undefined;
  if (row === undefined) throw new Error(`no row ${id}`);
  return row.value;
}

function errorOf(run: () => unknown): FormulaError {
  try {
    run();
  } catch (error) {
    if (error instanceof FormulaError) return error;
    throw error;
  }
  throw new Error('expected a FormulaError');
}

/** A node tree as compact text: (op left right), calls as NAME(args). */
function shape(node: FormulaNode): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'text':
      return JSON.stringify(node.value);
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'field':
      return node.path.join('.');
    case 'unary':
      return `(${node.operator} ${shape(node.operand)})`;
    case 'binary':
      return `(${node.operator} ${shape(node.left)} ${shape(node.right)})`;
    case 'call':
      return `${node.name}(${node.args.map(shape).join(', ')})`;
  }
}

// ---------------------------------------------------------------------------------------------

describe('parseFormula', () => {
  it('follows Salesforce precedence', () => {
    expect(shape(parseFormula('1 + 2 * 3'))).toBe('(+ 1 (* 2 3))');
    expect(shape(parseFormula('(1 + 2) * 3'))).toBe('(* (+ 1 2) 3)');
    expect(shape(parseFormula('10 - 4 - 3'))).toBe('(- (- 10 4) 3)');
    expect(shape(parseFormula('-2 * 3'))).toBe('(* (- 2) 3)');
    expect(shape(parseFormula("A & 'x' = B + 1"))).toBe('(= (& A "x") (+ B 1))');
    expect(shape(parseFormula('a || b && c'))).toBe('(|| a (&& b c))');
    expect(shape(parseFormula('a OR b AND c'))).toBe('(|| a (&& b c))');
    expect(shape(parseFormula('NOT a && !b'))).toBe('(&& (! a) (! b))');
    expect(shape(parseFormula('x <> 1 == y'))).toBe('(= (!= x 1) y)');
    expect(shape(parseFormula('a < b && c >= d'))).toBe('(&& (< a b) (>= c d))');
  });

  it('reads literals, paths, functions and comments case-insensitively', () => {
    expect(shape(parseFormula('if(true, \'it\\\'s\', "say \\"hi\\"")'))).toBe(
      'IF(true, "it\'s", "say \\"hi\\"")',
    );
    expect(shape(parseFormula('and(FALSE, Null = .5) /* note */'))).toBe('AND(false, (= null .5))');
    expect(shape(parseFormula('Account.Owner.Name'))).toBe('Account.Owner.Name');
    expect(shape(parseFormula('today()'))).toBe('TODAY()');
  });

  it('names the problem and its column', () => {
    expect(errorOf(() => parseFormula('Amount__c <')).message).toBe(
      "Formula 'Amount__c <' : expected a value at column 12",
    );
    const cases: Array<[string, number, RegExp]> = [
      [
        'IF(a, b)',
        1,
        /Incorrect number of parameters for function 'IF\(\)'. Expected 3, received 2/,
      ],
      ['1 + FOO(2)', 5, /Unknown function FOO/],
      ["Name = 'abc", 8, /not closed/],
      ['(1 + 2', 7, /expected '\)' to close the '\(' at column 1/],
      ['$User.Id = OwnerId', 1, /global variables/],
      ['1 2', 3, /unexpected '2'/],
      ['Account.', 9, /expected a field name after 'Account.'/],
      ['A.B.C.D.E.F.Name', 1, /more than 5 relationships/],
      ["'a\\q'", 3, /unknown escape/],
      ['1 # 2', 3, /unexpected character '#'/],
      ['12abc', 1, /is not a number/],
      ['LEN(Name', 9, /',' or '\)' in the parameters of LEN\(\)/],
    ];
    for (const [formula, column, pattern] of cases) {
      const error = errorOf(() => parseFormula(formula));
      expect(error.column, formula).toBe(column);
      expect(error.message, formula).toMatch(pattern);
    }
  });

  it('allows five relationship hops', () => {
    expect(shape(parseFormula('A.B.C.D.E.Name'))).toBe('A.B.C.D.E.Name');
  });
});

describe('compileFormula on SQLite', () => {
  it('reads parent fields through correlated subqueries, one and two hops', () => {
    expect(compile('Account.Name').sql).toBe(
      `NULLIF((SELECT p1."Name" FROM "data_Account" p1 WHERE p1."Id" = t."AccountId"), '')`,
    );
    expect(compile('Account.Owner.Name').sql).toBe(
      `NULLIF((SELECT p2."Name" FROM "data_User" p2 WHERE p2."Id" = ` +
        `(SELECT p1."OwnerId" FROM "data_Account" p1 WHERE p1."Id" = t."AccountId")), '')`,
    );
    expect(evaluate('TEXT(Account.Industry)', 'C1')).toBe('Banking');
    expect(evaluate('Account.Owner.Name', 'C1')).toBe('Ada Owner');
    expect(evaluate('account.parent.owner.NAME', 'C1')).toBe('Bob Parent-Owner');
    expect(evaluate('Account.Owner.Name', 'C2')).toBeNull(); // account without owner
    expect(evaluate('Account.Owner.Name', 'C3')).toBeNull(); // no account
    // A missing parent's checkbox reads false, not blank.
    expect(evaluate('Account.Owner.IsActive', 'C1')).toBe(1);
    expect(evaluate('Account.Owner.IsActive', 'C3')).toBe(0);
    expect(compile('Account.Owner.Name').references).toEqual([
      { object: 'Contact', field: 'AccountId' },
      { object: 'Account', field: 'OwnerId' },
      { object: 'User', field: 'Name' },
    ]);
  });

  it('inlines formula fields, including one that follows its own parent path', () => {
    expect(evaluate("Full_Name__c & '!'", 'C1')).toBe('Grace Hopper!');
    expect(evaluate('Account.Owner_Label__c', 'C1')).toBe('Acme (Ada Owner)');
    expect(evaluate('Account.Owner_Label__c', 'C2')).toBe('Orphan ()');
    // An inlined checkbox formula is never blank, even where its inputs are.
    expect(evaluate("IF(Reachable__c, 'yes', 'no')", 'C1')).toBe('no');
    expect(evaluate("IF(Reachable__c, 'yes', 'no')", 'C3')).toBe('no');
    expect(evaluate('Reachable__c = FALSE', 'C2')).toBe(1);
    expect(evaluate('Revenue_Band__c * 2', 'C1')).toBe(10);
    expect(evaluate('ISBLANK(Revenue_Band__c)', 'C3')).toBe(1);
    const compiled = compile('Account.Owner_Label__c & Account.Parent.Owner_Label__c');
    const aliases = compiled.sql.match(/FROM "data_\w+" (p\d+)/g) ?? [];
    expect(new Set(aliases).size).toBe(aliases.length);
    expect(evaluate('Account.Owner_Label__c & Account.Parent.Owner_Label__c', 'C1')).toBe(
      'Acme (Ada Owner)Holding (Bob Parent-Owner)',
    );
  });

  it('evaluates IF, AND, OR and comparisons', () => {
    const formula =
      "IF(AND(Account.AnnualRevenue > 1000, OR(ISPICKVAL(Level__c, 'Primary'), ISBLANK(Email))), " +
      "'big', 'small')";
    expect(evaluate(formula, 'C1')).toBe('big');
    expect(evaluate(formula, 'C2')).toBe('small');
    expect(evaluate('Score__c >= 7 && !Do_Not_Call__c', 'C1')).toBe(0);
    expect(evaluate('Score__c = 7 || Do_Not_Call__c', 'C3')).toBe(0);
    expect(evaluate('NOT(Do_Not_Call__c)', 'C2')).toBe(1); // a blank checkbox is false
    expect(evaluate('Score__c = NULL', 'C3')).toBe(1);
    expect(evaluate('Score__c <> 7', 'C3')).toBe(1);
    expect(evaluate("LastName = 'smith'", 'C2')).toBe(0); // case-sensitive, as Salesforce
  });

  it("treats '' and NULL as blank text", () => {
    expect(evaluate('ISBLANK(Email)', 'C1')).toBe(0);
    expect(evaluate('ISBLANK(Email)', 'C2')).toBe(1); // ''
    expect(evaluate('ISBLANK(Email)', 'C3')).toBe(1); // NULL
    expect(evaluate("ISBLANK('')", 'C1')).toBe(1);
    expect(evaluate("Email = ''", 'C3')).toBe(1);
    expect(evaluate('ISNULL(Email)', 'C3')).toBe(0); // Salesforce: text is never null
    expect(evaluate('ISNULL(Score__c)', 'C3')).toBe(1);
    expect(evaluate("BLANKVALUE(Email, 'none')", 'C2')).toBe('none');
    expect(evaluate("BLANKVALUE(Email, 'none')", 'C1')).toBe('grace@example.com');
    expect(evaluate('BLANKVALUE(Score__c, -1)', 'C3')).toBe(-1);
  });

  it('checks picklist values with ISPICKVAL', () => {
    expect(evaluate("ISPICKVAL(Level__c, 'Primary')", 'C1')).toBe(1);
    expect(evaluate("ISPICKVAL(Level__c, 'primary')", 'C1')).toBe(0);
    expect(evaluate("ISPICKVAL(Level__c, '')", 'C2')).toBe(1);
    expect(evaluate("ISPICKVAL(Account.Industry, 'Banking')", 'C1')).toBe(1);
    expect(evaluate("ISPICKVAL(Account.Industry, 'Banking')", 'C3')).toBe(0);
  });

  it('joins blank text as empty text with &', () => {
    expect(evaluate("FirstName & ' ' & LastName", 'C2')).toBe(' Smith');
    expect(evaluate("FirstName + '-' + LastName", 'C1')).toBe('Grace-Hopper');
    expect(evaluate("FirstName & ''", 'C2')).toBeNull(); // blank text reads as null
    expect(evaluate('Full_Name__c', 'C3')).toBe(" O'Brien");
  });

  it('compares and shifts dates and datetimes', () => {
    expect(evaluate('Birthdate < DATE(2000, 1, 1)', 'C1')).toBe(1);
    expect(evaluate('Birthdate < TODAY()', 'C1')).toBe(1);
    expect(evaluate('Birthdate > TODAY()', 'C2')).toBe(0); // blank: false as a condition
    expect(evaluate('Birthdate + 1', 'C1')).toBe('1990-03-02');
    expect(evaluate('Birthdate - 1', 'C1')).toBe('1990-02-28');
    expect(evaluate('DATE(1990, 4, 1) - Birthdate', 'C1')).toBe(31);
    expect(evaluate('Birthdate + Score__c', 'C2')).toBeNull();
    expect(evaluate('DATE(2023, 2, 29)', 'C1')).toBeNull();
    expect(evaluate('LastSeen__c + 0.5', 'C1')).toBe('2024-01-01T22:00:00.000Z');
    expect(evaluate('TEXT(LastSeen__c)', 'C1')).toBe('2024-01-01 10:00:00Z');
    expect(evaluate('DATEVALUE(LastSeen__c) = DATE(2024, 1, 1)', 'C1')).toBe(1);
    expect(evaluate("DATEVALUE('2024-02-30')", 'C1')).toBeNull();
    expect(evaluate('NOW()', 'C1')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(evaluate('LastSeen__c < NOW()', 'C1')).toBe(1);
    expect(evaluate('TODAY()', 'C1')).toBe(new Date().toISOString().slice(0, 10));
  });

  it('computes numbers and text functions like Salesforce', () => {
    const cases: Array<[string, unknown]> = [
      ['7 / 2', 3.5],
      ['Score__c * 2 + 1', 15],
      ['Account.AnnualRevenue + 1', 5001],
      ['Account.Discount__c', 0.15], // a percent is a fraction in formulas
      ['ABS(-3)', 3],
      ['ROUND(2.5, 0)', 3],
      ['ROUND(-2.5, 0)', -3],
      ['ROUND(1234.5678, 2)', 1234.57],
      ['ROUND(1234, -2)', 1200],
      ['MIN(3, Score__c, 9)', 3],
      ['MAX(Score__c)', 7],
      ["VALUE(' 12.5 ')", 12.5],
      ["VALUE('-3')", -3],
      ["VALUE('1.2.3')", null],
      ["VALUE('abc')", null],
      ['TEXT(12.0)', '12'],
      ['TEXT(Score__c / 2)', '3.5'],
      ['TEXT(Birthdate)', '1990-03-01'],
      ['LEN(LastName)', 6],
      ['LEN(FirstName)', 5],
      ["UPPER('abc') & LOWER('DEF')", 'ABCdef'],
      ["'[' & TRIM('  x  ') & ']'", '[x]'],
      ['LEFT(LastName, 3)', 'Hop'],
      ['RIGHT(LastName, 3)', 'per'],
      ['RIGHT(LastName, 0)', null],
      ['LEFT(LastName, -1)', null],
      ["CONTAINS(Email, '@example')", 1],
      ["CONTAINS(Email, 'EXAMPLE')", 0],
      ["BEGINS(LastName, 'Hop')", 1],
      ["BEGINS(LastName, '')", 1],
    ];
    for (const [formula, expected] of cases) {
      expect(evaluate(formula, 'C1'), formula).toBe(expected);
    }
    expect(evaluate('Account.AnnualRevenue + 1', 'C2')).toBeNull(); // blank stays blank
    expect(evaluate('LEN(FirstName)', 'C2')).toBe(0);
  });

  it('keeps hostile text literals inside their quotes', () => {
    const hostile = [
      `it's`,
      `'); DROP TABLE "data_Account"; --`,
      `"double" and 'single'; SELECT 1;`,
      `back\\slash`,
      `line\nbreak`,
    ];
    for (const value of hostile) {
      const literal = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
      expect(evaluate(literal, 'C1'), value).toBe(value);
      expect(evaluate(`LastName & ${literal}`, 'C3'), value).toBe(`O'Brien${value}`);
      expect(evaluate(`CONTAINS(${literal}, "'")`, 'C1'), value).toBe(value.includes("'") ? 1 : 0);
    }
    expect(evaluate(`"it's" = 'it\\'s'`, 'C1')).toBe(1);
    expect(evaluate(`LastName = "O'Brien"`, 'C3')).toBe(1);
    const count = db.prepare('SELECT count(*) AS n FROM "data_Account"').get() as { n: number };
    expect(count.n).toBe(3);
  });

  it('serves formula columns from a view', () => {
    const columns = {
      Full_Name__c: compile('Full_Name__c'),
      Industry__c: compile('TEXT(Account.Industry)'),
      Owner__c: compile('Account.Owner.Name'),
      Needs_Review__c: compile('ISBLANK(Email) || CONTAINS(LastName, "\'")'),
    };
    const select = Object.entries(columns)
      .map(([name, compiled]) => `${compiled.sql} AS "${name}"`)
      .join(', ');
    db.exec(`CREATE VIEW "view_Contact" AS SELECT t.*, ${select} FROM "data_Contact" t`);
    const rows = db
      .prepare(
        'SELECT "Id", "Full_Name__c", "Industry__c", "Owner__c", "Needs_Review__c" ' +
          'FROM "view_Contact" ORDER BY "Id"',
      )
      .all();
    expect(rows).toEqual([
      {
        Id: 'C1',
        Full_Name__c: 'Grace Hopper',
        Industry__c: 'Banking',
        Owner__c: 'Ada Owner',
        Needs_Review__c: 0,
      },
      { Id: 'C2', Full_Name__c: ' Smith', Industry__c: null, Owner__c: null, Needs_Review__c: 1 },
      { Id: 'C3', Full_Name__c: " O'Brien", Industry__c: null, Owner__c: null, Needs_Review__c: 1 },
    ]);
    expect(columns.Owner__c.type).toBe('text');
    expect(columns.Needs_Review__c.type).toBe('boolean');
  });

  it('gives validation conditions 0 for blank, never NULL', () => {
    const condition = compileValidationCondition('Account.AnnualRevenue < 100', scopeFor(contact));
    const run = (id: string) =>
      (
        db
          .prepare(`SELECT ${condition.sql} AS v FROM "data_Contact" t WHERE t."Id" = ?`)
          .get(id) as { v: unknown }
      ).v;
    expect(run('C1')).toBe(0);
    expect(run('C2')).toBe(0); // revenue blank
    expect(run('C3')).toBe(0); // no account
    expect(
      errorOf(() => compileValidationCondition('Score__c + 1', scopeFor(contact))).message,
    ).toMatch(/must give TRUE or FALSE, but this one gives Number/);
  });

  it('refuses mistyped formulas with Salesforce-like messages', () => {
    const cases: Array<[string, RegExp, number?]> = [
      [
        "Score__c < 'ten'",
        /Incorrect parameter type for operator '<'. Expected Number, received Text at column 10$/,
        10,
      ],
      ["Birthdate = 'x'", /operator '='. Expected Date, received Text/],
      ['Score__c & LastName', /operator '&'. Expected Text, received Number/],
      ['LEN(Score__c)', /function 'LEN\(\)'. Expected Text, received Number/, 5],
      ["ISPICKVAL(LastName, 'x')", /Expected Picklist, received Text/],
      ["Level__c = 'Primary'", /Field Level__c is a picklist field.*ISPICKVAL\(Level__c/],
      ["Account.Industry & 'x'", /Field Account.Industry is a picklist field/],
      ['Level__c', /cannot give a picklist value; wrap it in TEXT\(Level__c\)/],
      ["IF(Score__c > 1, 'a', 2)", /function 'IF\(\)'. Expected Text, received Number/],
      ['IF(Score__c, 1, 2)', /Expected Boolean, received Number/],
      ['Do_Not_Call__c < TRUE', /Expected Number or Text or Date or Date\/Time, received Boolean/],
      ['Birthdate + LastSeen__c', /Expected Number, received Date\/Time/],
      ['TEXT(Do_Not_Call__c)', /function 'TEXT\(\)'.*received Boolean/],
    ];
    for (const [formula, pattern, column] of cases) {
      const error = errorOf(() => compile(formula));
      expect(error.message, formula).toMatch(pattern);
      if (column !== undefined) expect(error.column, formula).toBe(column);
    }
  });

  it('refuses fields it cannot read, saying why', () => {
    const cases: Array<[string, OrgObject, RegExp]> = [
      ['Nope__c', contact, /Field Nope__c does not exist. Check spelling/],
      ['Account.Nope', contact, /Field Nope does not exist on Account/],
      ['AccountId.Name', contact, /Relationship AccountId does not exist on Contact; .*Account\b/],
      ['Acount.Name', contact, /Relationship Acount does not exist on Contact/],
      ['What.Name', contact, /can point at Account or User; .*polymorphic/],
      ['Contact_Count__c > 1', account, /roll-up summary/],
      ['BillingAddress', account, /compound field; .*BillingCity/],
      ['Loop_A__c', account, /cycle: Account.Loop_A__c -> Account.Loop_B__c -> Account.Loop_A__c/],
    ];
    for (const [formula, object, pattern] of cases) {
      expect(errorOf(() => compile(formula, object)).message, formula).toMatch(pattern);
    }
  });
});
