// Shared by soql-compile-sqlite.test.ts and soql-compile-postgres.test.ts: one small related
// data set over the fixture org (parent chains, empty lookups, children, picklists,
// multi-select picklists, a deleted row per object where it matters), the SOQL queries run on
// both engines (many of soql.md §5's relationship queries, plus aggregates, date literals with a
// fixed `now`, semi/anti-joins and null ordering), and the exact result each must give.

import Database from 'better-sqlite3';
import {
  createDescribeCatalog,
  type DescribeCatalog,
  type FieldDescribe,
  type SObjectDescribe,
} from '../../src-shared/salesforce';
import { orgPhysicalSchema } from '../../src-main/local-org';
import { sqliteColumnType, type JsonObject, type QueryResult } from '../../src-shared/soql';
import { loadFixtureDescribes, loadFixtureGlobal } from '../support/describes';

export const API = '59.0';
/** Thursday 2024-06-13, noon UTC: THIS_WEEK is Sun 06-09 … Sat 06-15, THIS_QUARTER is Q2. */
export const NOW = new Date('2024-06-13T12:00:00.000Z');

// ---------------------------------------------------------------------------------------------
// Ids: prefix + our pod + counter, then the checksum suffix (salesforce-rest.md §4.1, §4.3).

function checksum(id15: string): string {
  const map = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += map[bits];
  }
  return id15 + suffix;
}

function sfId(prefix: string, n: number): string {
  return checksum(`${prefix}5g0${String(n).padStart(9, '0')}`);
}

const ids = {
  U1: sfId('005', 1),
  U2: sfId('005', 2),
  U3: sfId('005', 3),
  U4: sfId('005', 4),
  G1: sfId('00G', 1),
  PROFILE: sfId('00e', 1),
  A1: sfId('001', 1),
  A2: sfId('001', 2),
  A3: sfId('001', 3),
  A4: sfId('001', 4),
  A5: sfId('001', 5),
  A6: sfId('001', 6),
  C1: sfId('003', 1),
  C2: sfId('003', 2),
  C3: sfId('003', 3),
  C4: sfId('003', 4),
  C5: sfId('003', 5),
  C6: sfId('003', 6),
  O1: sfId('006', 1),
  O2: sfId('006', 2),
  O3: sfId('006', 3),
  O4: sfId('006', 4),
  O5: sfId('006', 5),
  O6: sfId('006', 6),
  PB1: sfId('01s', 1),
  PB2: sfId('01s', 2),
  P1: sfId('01t', 1),
  P2: sfId('01t', 2),
  P3: sfId('01t', 3),
  E1: sfId('01u', 1),
  E2: sfId('01u', 2),
  E3: sfId('01u', 3),
  E4: sfId('01u', 4),
  L1: sfId('00k', 1),
  L2: sfId('00k', 2),
  L3: sfId('00k', 3),
  L4: sfId('00k', 4),
  K1: sfId('500', 1),
  K2: sfId('500', 2),
  K3: sfId('500', 3),
  K4: sfId('500', 4),
  K5: sfId('500', 5),
  LD1: sfId('00Q', 1),
  LD2: sfId('00Q', 2),
  LD3: sfId('00Q', 3),
  LD4: sfId('00Q', 4),
  T1: sfId('00T', 1),
  T2: sfId('00T', 2),
  T3: sfId('00T', 3),
  T4: sfId('00T', 4),
  T5: sfId('00T', 5),
  T6: sfId('00T', 6),
  EV1: sfId('00U', 1),
  EV2: sfId('00U', 2),
  EV3: sfId('00U', 3),
  CA1: sfId('701', 1),
  CA2: sfId('701', 2),
  CA3: sfId('701', 3),
  M1: sfId('00v', 1),
  M2: sfId('00v', 2),
  M3: sfId('00v', 3),
  M4: sfId('00v', 4),
  CT1: sfId('800', 1),
  PA1: sfId('a00', 1),
  PA2: sfId('a00', 2),
  PA3: sfId('a00', 3),
  CH1: sfId('a01', 1),
  CH2: sfId('a01', 2),
  CH3: sfId('a01', 3),
  CH4: sfId('a01', 4),
  CH5: sfId('a01', 5),
  CH6: sfId('a01', 6),
  CH7: sfId('a01', 7),
  CH8: sfId('a01', 8),
  CH9: sfId('a01', 9),
  D1: sfId('a02', 1),
};
export const ID = ids;

// ---------------------------------------------------------------------------------------------
// Data, by field API name. Datetimes in UTC ISO form; absent fields are null.

export type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

const user = (id: string, first: string, last: string, extra: Row = {}): Row => ({
  Id: id,
  FirstName: first,
  LastName: last,
  Name: `${first} ${last}`,
  Username: `${first.toLowerCase()}@example.test`,
  Email: `${first.toLowerCase()}@example.test`,
  Alias: first.toLowerCase(),
  IsActive: true,
  ProfileId: ids.PROFILE,
  TimeZoneSidKey: 'Europe/London',
  LocaleSidKey: 'en_GB',
  EmailEncodingKey: 'UTF-8',
  LanguageLocaleKey: 'en_US',
  ...extra,
});

const person = (id: string, first: string, last: string, extra: Row = {}): Row => ({
  Id: id,
  FirstName: first,
  LastName: last,
  Name: `${first} ${last}`,
  ...extra,
});

export const DATA: Record<string, Row[]> = {
  User: [
    user(ids.U1, 'Alice', 'Admin'),
    user(ids.U2, 'Bob', 'Boss', { ManagerId: ids.U1, Title: 'Sales Director' }),
    user(ids.U3, 'Carol', 'Rep', { ManagerId: ids.U2 }),
    user(ids.U4, 'Dave', 'Gone', { ManagerId: ids.U2, IsActive: false }),
  ],
  Account: [
    {
      Id: ids.A1,
      Name: 'Acme Holdings',
      Type: 'Customer - Direct',
      Industry: 'Energy',
      AnnualRevenue: 5000000,
      NumberOfEmployees: 120,
      OwnerId: ids.U3,
      BillingStreet: '1 Main St',
      BillingCity: 'Toronto',
      BillingCountry: 'Canada',
      CreatedDate: '2024-01-10T09:00:00.000Z',
    },
    {
      Id: ids.A2,
      Name: 'Acme Subsidiary',
      ParentId: ids.A1,
      Type: 'Customer - Channel',
      Industry: 'Utilities',
      AnnualRevenue: 750000,
      OwnerId: ids.U2,
    },
    {
      Id: ids.A3,
      Name: 'Globex',
      ParentId: ids.A2,
      Type: 'Prospect',
      Industry: 'Retail',
      OwnerId: ids.U1,
    },
    { Id: ids.A4, Name: 'Initech', ParentId: ids.A3, OwnerId: ids.U3 },
    { Id: ids.A5, Name: 'Deleted Corp', Industry: 'Energy', OwnerId: ids.U3, IsDeleted: true },
    {
      Id: ids.A6,
      Name: 'umbrella',
      Type: 'Customer - Direct',
      Industry: 'Energy',
      OwnerId: ids.U4,
    },
  ],
  Contact: [
    person(ids.C1, 'Ann', 'Able', {
      AccountId: ids.A1,
      Email: 'ann@acme.test',
      LeadSource: 'Web',
      MailingCountry: 'Canada',
      Interests__c: 'Hiking;Reading',
      Birthdate: '1990-05-17',
      Title: 'CEO',
      OwnerId: ids.U3,
    }),
    person(ids.C2, 'Ben', 'Baker', {
      AccountId: ids.A1,
      Email: 'ben@acme.test',
      LeadSource: 'Phone Inquiry',
      Interests__c: 'Cycling',
      ReportsToId: ids.C1,
      MailingCountry: 'USA',
      Title: '100% Sales',
    }),
    person(ids.C3, 'Cat', 'Cole', {
      AccountId: ids.A2,
      Email: 'cat@sub.test',
      LeadSource: 'Web',
      Interests__c: 'Hiking;Cycling;Travel',
      MailingCountry: 'canada',
      Title: '100 Sales',
    }),
    person(ids.C4, 'Dan', 'Dorsey'),
    person(ids.C5, 'Eve', 'Evans', {
      AccountId: ids.A3,
      Email: 'eve@globex.test',
      LeadSource: 'Other',
      Interests__c: 'Cooking',
      Title: '100_Sales',
    }),
    person(ids.C6, 'Fay', 'Gone', { AccountId: ids.A1, LeadSource: 'Web', IsDeleted: true }),
  ],
  Opportunity: [
    {
      Id: ids.O1,
      Name: 'Acme Big Deal',
      AccountId: ids.A1,
      StageName: 'Closed Won',
      Amount: 150000,
      Probability: 100,
      CloseDate: '2024-03-10',
      IsClosed: true,
      IsWon: true,
      OwnerId: ids.U3,
      CampaignId: ids.CA1,
    },
    {
      Id: ids.O2,
      Name: 'Acme Renewal',
      AccountId: ids.A1,
      StageName: 'Prospecting',
      Amount: 20000,
      CloseDate: '2024-06-20',
      IsClosed: false,
      IsWon: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.O3,
      Name: 'Subsidiary Expansion',
      AccountId: ids.A2,
      StageName: 'Closed Won',
      Amount: 50000,
      CloseDate: '2023-11-05',
      IsClosed: true,
      IsWon: true,
      OwnerId: ids.U2,
    },
    {
      Id: ids.O4,
      Name: 'Globex Pilot',
      AccountId: ids.A3,
      StageName: 'Closed Lost',
      Amount: null,
      CloseDate: '2024-06-01',
      IsClosed: true,
      IsWon: false,
      OwnerId: ids.U1,
    },
    {
      Id: ids.O5,
      Name: 'Orphan Deal',
      StageName: 'Qualification',
      Amount: 1000,
      CloseDate: '2024-07-15',
      IsClosed: false,
      IsWon: false,
      OwnerId: ids.U2,
    },
    {
      Id: ids.O6,
      Name: 'Acme Expansion',
      AccountId: ids.A1,
      StageName: 'Closed Won',
      Amount: 30000,
      CloseDate: '2024-05-02',
      IsClosed: true,
      IsWon: true,
      OwnerId: ids.U2,
    },
  ],
  Pricebook2: [
    { Id: ids.PB1, Name: 'Standard Price Book', IsStandard: true, IsActive: true },
    { Id: ids.PB2, Name: 'Partner Book', IsStandard: false, IsActive: true },
  ],
  Product2: [
    { Id: ids.P1, Name: 'Widget', ProductCode: 'W-1', Family: 'Hardware', IsActive: true },
    { Id: ids.P2, Name: 'Gizmo Service', ProductCode: 'G-1', Family: 'Services', IsActive: true },
    { Id: ids.P3, Name: 'Old Part', ProductCode: 'O-1', Family: 'Hardware', IsActive: false },
  ],
  PricebookEntry: [
    {
      Id: ids.E1,
      Name: 'Widget',
      Pricebook2Id: ids.PB1,
      Product2Id: ids.P1,
      UnitPrice: 100,
      IsActive: true,
    },
    {
      Id: ids.E2,
      Name: 'Gizmo Service',
      Pricebook2Id: ids.PB1,
      Product2Id: ids.P2,
      UnitPrice: 500,
      IsActive: true,
    },
    {
      Id: ids.E3,
      Name: 'Widget',
      Pricebook2Id: ids.PB2,
      Product2Id: ids.P1,
      UnitPrice: 90,
      IsActive: false,
    },
    {
      Id: ids.E4,
      Name: 'Old Part',
      Pricebook2Id: ids.PB1,
      Product2Id: ids.P3,
      UnitPrice: 10,
      IsActive: true,
    },
  ],
  OpportunityLineItem: [
    {
      Id: ids.L1,
      OpportunityId: ids.O1,
      PricebookEntryId: ids.E1,
      Product2Id: ids.P1,
      Quantity: 10,
      UnitPrice: 100,
      TotalPrice: 1000,
    },
    {
      Id: ids.L2,
      OpportunityId: ids.O1,
      PricebookEntryId: ids.E2,
      Product2Id: ids.P2,
      Quantity: 30,
      UnitPrice: 500,
      TotalPrice: 15000,
    },
    {
      Id: ids.L3,
      OpportunityId: ids.O3,
      PricebookEntryId: ids.E1,
      Product2Id: ids.P1,
      Quantity: 5,
      UnitPrice: 100,
      TotalPrice: 500,
    },
    {
      Id: ids.L4,
      OpportunityId: ids.O2,
      PricebookEntryId: ids.E2,
      Product2Id: ids.P2,
      Quantity: 1,
      UnitPrice: 500,
      TotalPrice: 500,
    },
  ],
  Case: [
    {
      Id: ids.K1,
      CaseNumber: '00001001',
      AccountId: ids.A1,
      ContactId: ids.C1,
      Status: 'New',
      Priority: 'High',
      Subject: 'Broken widget',
      OwnerId: ids.U3,
      IsClosed: false,
      CreatedDate: '2024-06-12T09:00:00.000Z',
    },
    {
      Id: ids.K2,
      CaseNumber: '00001002',
      AccountId: ids.A4,
      ContactId: ids.C5,
      ParentId: ids.K1,
      Status: 'New',
      Subject: 'Deep chain',
      OwnerId: ids.G1,
      IsClosed: false,
      CreatedDate: '2024-06-10T15:00:00.000Z',
    },
    {
      Id: ids.K3,
      CaseNumber: '00001003',
      ContactId: ids.C4,
      ParentId: ids.K1,
      Status: 'Closed',
      Subject: 'No account',
      OwnerId: ids.U2,
      IsClosed: true,
      CreatedDate: '2024-05-20T08:00:00.000Z',
    },
    {
      Id: ids.K4,
      CaseNumber: '00001004',
      AccountId: ids.A2,
      Status: 'Working',
      Subject: 'Billing question',
      OwnerId: ids.U1,
      IsClosed: false,
      CreatedDate: '2024-06-01T00:00:00.000Z',
    },
    {
      Id: ids.K5,
      CaseNumber: '00001005',
      Status: 'New',
      Subject: 'Anonymous',
      OwnerId: ids.U3,
      IsClosed: false,
      CreatedDate: '2024-06-13T11:00:00.000Z',
    },
  ],
  Lead: [
    person(ids.LD1, 'Lou', 'Lead', {
      Company: 'Leadco',
      Status: 'Working - Contacted',
      LeadSource: 'Web',
      IsConverted: false,
      OwnerId: ids.U3,
    }),
    person(ids.LD2, 'Max', 'Convert', {
      Company: 'Convertco',
      Status: 'Closed - Converted',
      LeadSource: 'Trade Show',
      IsConverted: true,
      ConvertedDate: '2024-06-01',
      ConvertedAccountId: ids.A3,
      ConvertedOpportunityId: ids.O4,
    }),
    person(ids.LD3, 'Old', 'Convert', {
      Company: 'Oldco',
      Status: 'Closed - Converted',
      LeadSource: 'Other',
      IsConverted: true,
      ConvertedDate: '2024-01-02',
      ConvertedAccountId: ids.A1,
    }),
    person(ids.LD4, 'Nia', 'New', {
      Company: 'Newco',
      Status: 'Closed - Converted',
      LeadSource: 'Web',
      IsConverted: true,
      ConvertedDate: '2024-06-12',
      ConvertedAccountId: ids.A6,
    }),
  ],
  Task: [
    {
      Id: ids.T1,
      Subject: 'Call',
      WhoId: ids.C1,
      WhatId: ids.A1,
      ActivityDate: '2024-06-12',
      Status: 'Not Started',
      Priority: 'Normal',
      IsClosed: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.T2,
      Subject: 'Send Quote',
      WhoId: ids.LD1,
      WhatId: ids.O1,
      ActivityDate: '2024-06-14',
      Status: 'Not Started',
      Priority: 'Normal',
      IsClosed: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.T3,
      Subject: 'Other',
      WhatId: ids.K1,
      ActivityDate: '2024-06-20',
      Status: 'Completed',
      Priority: 'Normal',
      IsClosed: true,
      OwnerId: ids.U2,
    },
    {
      Id: ids.T4,
      Subject: 'Send Letter',
      WhoId: ids.C3,
      WhatId: ids.CT1,
      ActivityDate: '2024-06-10',
      Status: 'In Progress',
      Priority: 'High',
      IsClosed: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.T5,
      Subject: 'Call',
      WhoId: ids.C1,
      Status: 'Not Started',
      Priority: 'Low',
      IsClosed: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.T6,
      Subject: 'Follow up',
      WhoId: ids.C5,
      WhatId: ids.K2,
      ActivityDate: '2024-06-14',
      Status: 'Not Started',
      Priority: 'Normal',
      IsClosed: false,
      OwnerId: ids.U1,
    },
  ],
  Event: [
    {
      Id: ids.EV1,
      Subject: 'Meeting',
      WhoId: ids.C2,
      WhatId: ids.A1,
      ActivityDate: '2024-06-13',
      StartDateTime: '2024-06-13T15:30:00.000Z',
      EndDateTime: '2024-06-13T16:30:00.000Z',
      DurationInMinutes: 60,
      IsAllDayEvent: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.EV2,
      Subject: 'Call',
      WhoId: ids.LD1,
      StartDateTime: '2024-06-01T08:00:00.000Z',
      DurationInMinutes: 15,
      IsAllDayEvent: false,
      OwnerId: ids.U3,
    },
    {
      Id: ids.EV3,
      Subject: 'Other',
      WhatId: ids.O2,
      StartDateTime: '2024-06-20T10:00:00.000Z',
      DurationInMinutes: 30,
      IsAllDayEvent: false,
      OwnerId: ids.U2,
    },
  ],
  Campaign: [
    {
      Id: ids.CA1,
      Name: 'Summer Expo',
      Type: 'Trade Show',
      Status: 'In Progress',
      IsActive: true,
      StartDate: '2024-06-01',
      OwnerId: ids.U1,
    },
    {
      Id: ids.CA2,
      Name: 'Expo Follow-up',
      ParentId: ids.CA1,
      Type: 'Email',
      Status: 'Planned',
      IsActive: true,
      OwnerId: ids.U1,
    },
    {
      Id: ids.CA3,
      Name: 'Old Webinar',
      Type: 'Webinar',
      Status: 'Completed',
      IsActive: false,
      OwnerId: ids.U1,
    },
  ],
  CampaignMember: [
    { Id: ids.M1, CampaignId: ids.CA1, LeadId: ids.LD1, Status: 'Sent' },
    { Id: ids.M2, CampaignId: ids.CA1, ContactId: ids.C1, Status: 'Responded' },
    { Id: ids.M3, CampaignId: ids.CA2, ContactId: ids.C4, Status: 'Sent' },
    { Id: ids.M4, CampaignId: ids.CA3, LeadId: ids.LD2, Status: 'Responded' },
  ],
  Parent__c: [
    { Id: ids.PA1, Name: 'Parent One', Status__c: 'Active', Account__c: ids.A1, OwnerId: ids.U3 },
    { Id: ids.PA2, Name: 'Parent Two', Status__c: 'Inactive', OwnerId: ids.G1 },
    { Id: ids.PA3, Name: 'Parent Three', Status__c: 'Active', Account__c: ids.A3, OwnerId: ids.U1 },
  ],
  Child__c: [
    { Id: ids.CH1, Name: 'Child A', Amount__c: 1500, Parent__c: ids.PA1, Contact__c: ids.C1 },
    { Id: ids.CH2, Name: 'Child B', Amount__c: 50, Parent__c: ids.PA1 },
    { Id: ids.CH3, Name: 'Child C', Amount__c: 250, Parent__c: ids.PA2, Contact__c: ids.C2 },
    { Id: ids.CH4, Name: 'Child D', Amount__c: 120, Parent__c: ids.PA3, Contact__c: ids.C4 },
    { Id: ids.CH5, Name: 'Child E', Amount__c: 700, Parent__c: ids.PA1, Contact__c: ids.C3 },
    { Id: ids.CH6, Name: 'Child F', Amount__c: 101, Parent__c: ids.PA1 },
    { Id: ids.CH7, Name: 'Child G', Amount__c: 300, Parent__c: ids.PA1, Contact__c: ids.C2 },
    { Id: ids.CH8, Name: 'Child H', Amount__c: 999.5, Parent__c: ids.PA1, Contact__c: ids.C5 },
    { Id: ids.CH9, Name: 'Child I', Amount__c: 2000, Parent__c: ids.PA1, IsDeleted: true },
  ],
  Document__c: [{ Id: ids.D1, Name: 'Spec', Body__c: 'aGVsbG8=', OwnerId: ids.U1 }],
};

/** Every row gets the system fields a real record has. */
export function fullRow(describe: SObjectDescribe, row: Row): Row {
  const full: Row = {};
  for (const field of describe.fields) {
    if (field.type === 'address' || field.type === 'location') continue;
    let value: Value = row[field.name] ?? null;
    if (value === null) {
      if (field.type === 'boolean') value = false;
      else if (
        field.name === 'CreatedDate' ||
        field.name === 'LastModifiedDate' ||
        field.name === 'SystemModstamp'
      ) {
        value = '2024-01-01T00:00:00.000Z';
      }
    }
    full[field.name] = value;
  }
  return full;
}

// ---------------------------------------------------------------------------------------------
// The catalog: the fixture org, with Case.Status labels that differ from their values so that
// toLabel() has something to show.

export function testCatalog(): DescribeCatalog {
  const describes = loadFixtureDescribes().map((d) => {
    if (d.name !== 'Case') return d;
    const relabel: Record<string, string> = { New: 'Brand New', Working: 'In Work' };
    return {
      ...d,
      fields: d.fields.map((f) =>
        f.name === 'Status'
          ? {
              ...f,
              picklistValues: f.picklistValues.map((p) => ({
                ...p,
                label: relabel[p.value] ?? p.label,
              })),
            }
          : f,
      ),
    };
  });
  return createDescribeCatalog(describes, loadFixtureGlobal());
}

/** The objects that get a table: every described fixture object. */
export function storedDescribes(catalog: DescribeCatalog): SObjectDescribe[] {
  return catalog
    .objects()
    .map((o) => catalog.describe(o.name))
    .filter((d): d is SObjectDescribe => d !== undefined);
}

export function storedFields(describe: SObjectDescribe): FieldDescribe[] {
  return describe.fields.filter((f) => f.type !== 'address' && f.type !== 'location');
}

/**
 * The local org's layout, as the SQLite tests store it: one table per object named like the
 * object, one column per field named like the field, Id in "Id". Not Heroku Connect's.
 */
/** The local org's own layout: one table per object, columns named like the fields. */
export const localOrgSchema = orgPhysicalSchema;

// ---------------------------------------------------------------------------------------------
// Expected results.

const url = (type: string, id: string) => `/services/data/v${API}/sobjects/${type}/${id}`;

export function rec(type: string, id: string, fields: JsonObject = {}): JsonObject {
  return { attributes: { type, url: url(type, id) }, ...fields };
}

export function sub(records: JsonObject[]): JsonObject {
  return { totalSize: records.length, done: true, records };
}

export function agg(fields: JsonObject): JsonObject {
  return { attributes: { type: 'AggregateResult' }, ...fields };
}

function result(records: JsonObject[]): QueryResult {
  return { totalSize: records.length, done: true, records };
}

const acct = (id: string, name: string) => rec('Account', id, { Name: name });
const named = (type: string, id: string, name: string) => rec(type, id, { Name: name });

export interface SoqlCase {
  name: string;
  soql: string;
  /** The whole result, compared with toEqual (key order checked separately). */
  expected?: QueryResult;
  /** For results too wide to spell out (FIELDS()). */
  check?: (result: QueryResult) => void;
  /** Rows come in no defined order: compare as sets. */
  unordered?: boolean;
  includeDeleted?: boolean;
}

export const CASES: SoqlCase[] = [
  // --- soql.md §5 relationship queries ------------------------------------------------------
  {
    name: '§5.1 parent filter (case-insensitive) drops orphans',
    soql: "SELECT Id, LastName, Account.Name FROM Contact WHERE Account.Industry = 'energy' ORDER BY LastName",
    expected: result([
      rec('Contact', ids.C1, {
        Id: ids.C1,
        LastName: 'Able',
        Account: acct(ids.A1, 'Acme Holdings'),
      }),
      rec('Contact', ids.C2, {
        Id: ids.C2,
        LastName: 'Baker',
        Account: acct(ids.A1, 'Acme Holdings'),
      }),
    ]),
  },
  {
    name: '§5.2 three hops, each may be null',
    soql: 'SELECT Id, Name, Account.Owner.Manager.Name FROM Opportunity ORDER BY Name',
    expected: result(
      [
        [ids.O1, 'Acme Big Deal', ids.A1, ids.U3, ids.U2, 'Bob Boss'],
        [ids.O6, 'Acme Expansion', ids.A1, ids.U3, ids.U2, 'Bob Boss'],
        [ids.O2, 'Acme Renewal', ids.A1, ids.U3, ids.U2, 'Bob Boss'],
        [ids.O4, 'Globex Pilot', ids.A3, ids.U1, null, null],
        [ids.O5, 'Orphan Deal', null, null, null, null],
        [ids.O3, 'Subsidiary Expansion', ids.A2, ids.U2, ids.U1, 'Alice Admin'],
      ].map(([id, name, account, owner, manager, managerName]) =>
        rec('Opportunity', id!, {
          Id: id!,
          Name: name!,
          Account: account
            ? rec('Account', account, {
                Owner: rec('User', owner!, {
                  Manager: manager ? named('User', manager, managerName!) : null,
                }),
              })
            : null,
        }),
      ),
    ),
  },
  {
    name: '§5.3 four hops (five levels)',
    soql: 'SELECT Id, Subject, Account.Parent.Parent.Parent.Name FROM Case ORDER BY Subject',
    expected: result([
      rec('Case', ids.K5, { Id: ids.K5, Subject: 'Anonymous', Account: null }),
      rec('Case', ids.K4, {
        Id: ids.K4,
        Subject: 'Billing question',
        Account: rec('Account', ids.A2, { Parent: rec('Account', ids.A1, { Parent: null }) }),
      }),
      rec('Case', ids.K1, {
        Id: ids.K1,
        Subject: 'Broken widget',
        Account: rec('Account', ids.A1, { Parent: null }),
      }),
      rec('Case', ids.K2, {
        Id: ids.K2,
        Subject: 'Deep chain',
        Account: rec('Account', ids.A4, {
          Parent: rec('Account', ids.A3, {
            Parent: rec('Account', ids.A2, { Parent: acct(ids.A1, 'Acme Holdings') }),
          }),
        }),
      }),
      rec('Case', ids.K3, { Id: ids.K3, Subject: 'No account', Account: null }),
    ]),
  },
  {
    name: '§5.4 child subquery, null when no children',
    soql: "SELECT Name, (SELECT LastName, Email FROM Contacts ORDER BY LastName) FROM Account WHERE Type = 'Customer - Direct' ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Contacts: sub([
          rec('Contact', ids.C1, { LastName: 'Able', Email: 'ann@acme.test' }),
          rec('Contact', ids.C2, { LastName: 'Baker', Email: 'ben@acme.test' }),
        ]),
      }),
      rec('Account', ids.A6, { Name: 'umbrella', Contacts: null }),
    ]),
  },
  {
    name: '§5.5 two child subqueries with their own WHERE and ORDER BY',
    soql:
      'SELECT Name, (SELECT Name, StageName, Amount FROM Opportunities WHERE IsClosed = false ORDER BY Name), ' +
      '(SELECT CaseNumber, Status FROM Cases ORDER BY CaseNumber) FROM Account ORDER BY Name LIMIT 50',
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Opportunities: sub([
          rec('Opportunity', ids.O2, {
            Name: 'Acme Renewal',
            StageName: 'Prospecting',
            Amount: 20000,
          }),
        ]),
        Cases: sub([rec('Case', ids.K1, { CaseNumber: '00001001', Status: 'New' })]),
      }),
      rec('Account', ids.A2, {
        Name: 'Acme Subsidiary',
        Opportunities: null,
        Cases: sub([rec('Case', ids.K4, { CaseNumber: '00001004', Status: 'Working' })]),
      }),
      rec('Account', ids.A3, { Name: 'Globex', Opportunities: null, Cases: null }),
      rec('Account', ids.A4, {
        Name: 'Initech',
        Opportunities: null,
        Cases: sub([rec('Case', ids.K2, { CaseNumber: '00001002', Status: 'New' })]),
      }),
      rec('Account', ids.A6, { Name: 'umbrella', Opportunities: null, Cases: null }),
    ]),
  },
  {
    name: '§5.6 two paths through one relationship merge into one object',
    soql:
      'SELECT Id, Name, Parent__r.Name, Parent__r.Account__r.Name FROM Child__c ' +
      "WHERE Parent__r.Status__c = 'Active' AND (Amount__c >= 700 OR Name = 'Child D') ORDER BY Name",
    expected: result(
      [
        [ids.CH1, 'Child A', ids.PA1, 'Parent One', ids.A1, 'Acme Holdings'],
        [ids.CH4, 'Child D', ids.PA3, 'Parent Three', ids.A3, 'Globex'],
        [ids.CH5, 'Child E', ids.PA1, 'Parent One', ids.A1, 'Acme Holdings'],
        [ids.CH8, 'Child H', ids.PA1, 'Parent One', ids.A1, 'Acme Holdings'],
      ].map(([id, name, parent, parentName, account, accountName]) =>
        rec('Child__c', id!, {
          Id: id!,
          Name: name!,
          Parent__r: rec('Parent__c', parent!, {
            Name: parentName!,
            Account__r: acct(account!, accountName!),
          }),
        }),
      ),
    ),
  },
  {
    name: '§5.7 child subquery with WHERE, ORDER BY DESC and LIMIT',
    soql:
      'SELECT Name, (SELECT Name, Amount__c FROM Children__r WHERE Amount__c > 100 ' +
      'ORDER BY Amount__c DESC LIMIT 3) FROM Parent__c ORDER BY Name',
    expected: result([
      rec('Parent__c', ids.PA1, {
        Name: 'Parent One',
        Children__r: sub([
          rec('Child__c', ids.CH1, { Name: 'Child A', Amount__c: 1500 }),
          rec('Child__c', ids.CH8, { Name: 'Child H', Amount__c: 999.5 }),
          rec('Child__c', ids.CH5, { Name: 'Child E', Amount__c: 700 }),
        ]),
      }),
      rec('Parent__c', ids.PA3, {
        Name: 'Parent Three',
        Children__r: sub([rec('Child__c', ids.CH4, { Name: 'Child D', Amount__c: 120 })]),
      }),
      rec('Parent__c', ids.PA2, {
        Name: 'Parent Two',
        Children__r: sub([rec('Child__c', ids.CH3, { Name: 'Child C', Amount__c: 250 })]),
      }),
    ]),
  },
  {
    name: '§5.8 semi-join: each account once',
    soql: "SELECT Id, Name FROM Account WHERE Id IN (SELECT AccountId FROM Opportunity WHERE StageName = 'Closed Won') ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, { Id: ids.A1, Name: 'Acme Holdings' }),
      rec('Account', ids.A2, { Id: ids.A2, Name: 'Acme Subsidiary' }),
    ]),
  },
  {
    name: '§5.9 anti-join ignores children with an empty lookup',
    soql: 'SELECT Id, Name FROM Account WHERE Id NOT IN (SELECT AccountId FROM Case WHERE IsClosed = false) ORDER BY Name',
    expected: result([
      rec('Account', ids.A3, { Id: ids.A3, Name: 'Globex' }),
      rec('Account', ids.A6, { Id: ids.A6, Name: 'umbrella' }),
    ]),
  },
  {
    name: '§5.10 semi-join with a child subquery',
    soql:
      'SELECT Name, (SELECT Name FROM Opportunities ORDER BY Name) FROM Account ' +
      "WHERE Id IN (SELECT AccountId FROM Contact WHERE LeadSource = 'Web') ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Opportunities: sub([
          named('Opportunity', ids.O1, 'Acme Big Deal'),
          named('Opportunity', ids.O6, 'Acme Expansion'),
          named('Opportunity', ids.O2, 'Acme Renewal'),
        ]),
      }),
      rec('Account', ids.A2, {
        Name: 'Acme Subsidiary',
        Opportunities: sub([named('Opportunity', ids.O3, 'Subsidiary Expansion')]),
      }),
    ]),
  },
  {
    name: '§5.11 semi-join on a reference field',
    soql: "SELECT Id, Subject FROM Case WHERE ContactId IN (SELECT Id FROM Contact WHERE MailingCountry = 'Canada') ORDER BY Subject",
    expected: result([rec('Case', ids.K1, { Id: ids.K1, Subject: 'Broken widget' })]),
  },
  {
    name: '§5.12 semi-join on a custom master-detail (deleted child ignored)',
    soql: 'SELECT Id, Name FROM Parent__c WHERE Id IN (SELECT Parent__c FROM Child__c WHERE Amount__c > 1000) ORDER BY Name',
    expected: result([rec('Parent__c', ids.PA1, { Id: ids.PA1, Name: 'Parent One' })]),
  },
  {
    name: '§5.13 TYPEOF What with ELSE (Case via its name field; Contract by key prefix)',
    soql:
      'SELECT Id, Subject, TYPEOF What WHEN Account THEN Name, Industry WHEN Opportunity THEN Name, StageName ' +
      'ELSE Name END FROM Task WHERE ActivityDate = THIS_WEEK ORDER BY Subject',
    expected: result([
      rec('Task', ids.T1, {
        Id: ids.T1,
        Subject: 'Call',
        What: rec('Account', ids.A1, { Name: 'Acme Holdings', Industry: 'Energy' }),
      }),
      rec('Task', ids.T6, {
        Id: ids.T6,
        Subject: 'Follow up',
        What: rec('Case', ids.K2, { Name: '00001002' }),
      }),
      rec('Task', ids.T4, {
        Id: ids.T4,
        Subject: 'Send Letter',
        What: rec('Contract', ids.CT1, { Name: null }),
      }),
      rec('Task', ids.T2, {
        Id: ids.T2,
        Subject: 'Send Quote',
        What: rec('Opportunity', ids.O1, { Name: 'Acme Big Deal', StageName: 'Closed Won' }),
      }),
    ]),
  },
  {
    name: '§5.14 TYPEOF Who without ELSE; datetimes in Salesforce form',
    soql:
      'SELECT Subject, StartDateTime, TYPEOF Who WHEN Contact THEN FirstName, LastName WHEN Lead THEN Company, Status END ' +
      'FROM Event ORDER BY StartDateTime',
    expected: result([
      rec('Event', ids.EV2, {
        Subject: 'Call',
        StartDateTime: '2024-06-01T08:00:00.000+0000',
        Who: rec('Lead', ids.LD1, { Company: 'Leadco', Status: 'Working - Contacted' }),
      }),
      rec('Event', ids.EV1, {
        Subject: 'Meeting',
        StartDateTime: '2024-06-13T15:30:00.000+0000',
        Who: rec('Contact', ids.C2, { FirstName: 'Ben', LastName: 'Baker' }),
      }),
      rec('Event', ids.EV3, {
        Subject: 'Other',
        StartDateTime: '2024-06-20T10:00:00.000+0000',
        Who: null,
      }),
    ]),
  },
  {
    name: '§5.15 polymorphic Who.Name/Who.Type, filtered on the type',
    soql: "SELECT Id, Subject, Who.Name, Who.Type, What.Name FROM Task WHERE Who.Type = 'Lead'",
    expected: result([
      rec('Task', ids.T2, {
        Id: ids.T2,
        Subject: 'Send Quote',
        Who: rec('Lead', ids.LD1, { Name: 'Lou Lead', Type: 'Lead' }),
        What: named('Opportunity', ids.O1, 'Acme Big Deal'),
      }),
    ]),
  },
  {
    name: 'polymorphic type compared case-insensitively; default NULLS FIRST',
    soql: "SELECT Subject, What.Name FROM Task WHERE Who.Type = 'contact' ORDER BY Subject, ActivityDate",
    expected: result([
      rec('Task', ids.T5, { Subject: 'Call', What: null }),
      rec('Task', ids.T1, { Subject: 'Call', What: named('Account', ids.A1, 'Acme Holdings') }),
      rec('Task', ids.T6, { Subject: 'Follow up', What: named('Case', ids.K2, '00001002') }),
      rec('Task', ids.T4, {
        Subject: 'Send Letter',
        What: rec('Contract', ids.CT1, { Name: null }),
      }),
    ]),
  },
  {
    name: '§5.16 toLabel, polymorphic Owner (a Group), NULLS LAST on a parent field',
    soql:
      'SELECT Id, CaseNumber, toLabel(Status), Owner.Name, Account.Name, Contact.Email FROM Case ' +
      "WHERE Status = 'New' ORDER BY Account.Name NULLS LAST, CreatedDate DESC",
    expected: result([
      rec('Case', ids.K1, {
        Id: ids.K1,
        CaseNumber: '00001001',
        Status: 'Brand New',
        Owner: named('User', ids.U3, 'Carol Rep'),
        Account: acct(ids.A1, 'Acme Holdings'),
        Contact: rec('Contact', ids.C1, { Email: 'ann@acme.test' }),
      }),
      rec('Case', ids.K2, {
        Id: ids.K2,
        CaseNumber: '00001002',
        Status: 'Brand New',
        Owner: rec('Group', ids.G1, { Name: null }),
        Account: acct(ids.A4, 'Initech'),
        Contact: rec('Contact', ids.C5, { Email: 'eve@globex.test' }),
      }),
      rec('Case', ids.K5, {
        Id: ids.K5,
        CaseNumber: '00001005',
        Status: 'Brand New',
        Owner: named('User', ids.U3, 'Carol Rep'),
        Account: null,
        Contact: null,
      }),
    ]),
  },
  {
    name: '§5.17 LAST_N_DAYS on a date, empty parents',
    soql:
      'SELECT Id, Company, ConvertedAccount.Name, ConvertedOpportunity.Amount FROM Lead ' +
      'WHERE IsConverted = true AND ConvertedDate = LAST_N_DAYS:30 ORDER BY Company',
    expected: result([
      rec('Lead', ids.LD2, {
        Id: ids.LD2,
        Company: 'Convertco',
        ConvertedAccount: acct(ids.A3, 'Globex'),
        ConvertedOpportunity: rec('Opportunity', ids.O4, { Amount: null }),
      }),
      rec('Lead', ids.LD4, {
        Id: ids.LD4,
        Company: 'Newco',
        ConvertedAccount: acct(ids.A6, 'umbrella'),
        ConvertedOpportunity: null,
      }),
    ]),
  },
  {
    name: '§5.18 parent path inside a child subquery',
    soql:
      'SELECT Company, (SELECT Campaign.Name, Status FROM CampaignMembers) FROM Lead ' +
      "WHERE LeadSource IN ('Web', 'Trade Show') ORDER BY Company",
    expected: result([
      rec('Lead', ids.LD2, {
        Company: 'Convertco',
        CampaignMembers: sub([
          rec('CampaignMember', ids.M4, {
            Campaign: named('Campaign', ids.CA3, 'Old Webinar'),
            Status: 'Responded',
          }),
        ]),
      }),
      rec('Lead', ids.LD1, {
        Company: 'Leadco',
        CampaignMembers: sub([
          rec('CampaignMember', ids.M1, {
            Campaign: named('Campaign', ids.CA1, 'Summer Expo'),
            Status: 'Sent',
          }),
        ]),
      }),
      rec('Lead', ids.LD4, { Company: 'Newco', CampaignMembers: null }),
    ]),
  },
  {
    name: '§5.19 several parents, some empty, ordered by a parent field',
    soql:
      'SELECT Campaign.Name, Contact.Account.Name, Lead.Company, Status FROM CampaignMember ' +
      'WHERE Campaign.IsActive = true ORDER BY Status, Campaign.Name',
    expected: result([
      rec('CampaignMember', ids.M2, {
        Campaign: named('Campaign', ids.CA1, 'Summer Expo'),
        Contact: rec('Contact', ids.C1, { Account: acct(ids.A1, 'Acme Holdings') }),
        Lead: null,
        Status: 'Responded',
      }),
      rec('CampaignMember', ids.M3, {
        Campaign: named('Campaign', ids.CA2, 'Expo Follow-up'),
        Contact: rec('Contact', ids.C4, { Account: null }),
        Lead: null,
        Status: 'Sent',
      }),
      rec('CampaignMember', ids.M1, {
        Campaign: named('Campaign', ids.CA1, 'Summer Expo'),
        Contact: null,
        Lead: rec('Lead', ids.LD1, { Company: 'Leadco' }),
        Status: 'Sent',
      }),
    ]),
  },
  {
    name: '§5.20 self lookup and two child subqueries',
    soql:
      'SELECT Name, Parent.Name, (SELECT Name, Status FROM ChildCampaigns), (SELECT Name, Amount FROM Opportunities) ' +
      'FROM Campaign ORDER BY Name',
    expected: result([
      rec('Campaign', ids.CA2, {
        Name: 'Expo Follow-up',
        Parent: named('Campaign', ids.CA1, 'Summer Expo'),
        ChildCampaigns: null,
        Opportunities: null,
      }),
      rec('Campaign', ids.CA3, {
        Name: 'Old Webinar',
        Parent: null,
        ChildCampaigns: null,
        Opportunities: null,
      }),
      rec('Campaign', ids.CA1, {
        Name: 'Summer Expo',
        Parent: null,
        ChildCampaigns: sub([
          rec('Campaign', ids.CA2, { Name: 'Expo Follow-up', Status: 'Planned' }),
        ]),
        Opportunities: sub([rec('Opportunity', ids.O1, { Name: 'Acme Big Deal', Amount: 150000 })]),
      }),
    ]),
  },
  {
    name: '§5.21 several parent chains, filtered by THIS_YEAR on a parent date',
    soql:
      'SELECT Quantity, UnitPrice, TotalPrice, Product2.Name, PricebookEntry.Pricebook2.Name, Opportunity.Account.Name ' +
      'FROM OpportunityLineItem WHERE Opportunity.CloseDate = THIS_YEAR ORDER BY TotalPrice DESC',
    expected: result(
      [
        [ids.L2, 30, 500, 15000, ids.P2, 'Gizmo Service', ids.E2],
        [ids.L1, 10, 100, 1000, ids.P1, 'Widget', ids.E1],
        [ids.L4, 1, 500, 500, ids.P2, 'Gizmo Service', ids.E2],
      ].map(([id, quantity, unit, total, product, productName, entry]) =>
        rec('OpportunityLineItem', id as string, {
          Quantity: quantity as number,
          UnitPrice: unit as number,
          TotalPrice: total as number,
          Product2: named('Product2', product as string, productName as string),
          PricebookEntry: rec('PricebookEntry', entry as string, {
            Pricebook2: named('Pricebook2', ids.PB1, 'Standard Price Book'),
          }),
          Opportunity: rec('Opportunity', id === ids.L4 ? ids.O2 : ids.O1, {
            Account: acct(ids.A1, 'Acme Holdings'),
          }),
        }),
      ),
    ),
  },
  {
    name: '§5.22 semi-join plus child subquery with a two-hop path',
    soql:
      'SELECT Name, Amount, (SELECT Quantity, PricebookEntry.Product2.ProductCode FROM OpportunityLineItems ORDER BY Quantity DESC) ' +
      'FROM Opportunity WHERE Id IN (SELECT OpportunityId FROM OpportunityLineItem WHERE TotalPrice > 10000)',
    expected: result([
      rec('Opportunity', ids.O1, {
        Name: 'Acme Big Deal',
        Amount: 150000,
        OpportunityLineItems: sub([
          rec('OpportunityLineItem', ids.L2, {
            Quantity: 30,
            PricebookEntry: rec('PricebookEntry', ids.E2, {
              Product2: rec('Product2', ids.P2, { ProductCode: 'G-1' }),
            }),
          }),
          rec('OpportunityLineItem', ids.L1, {
            Quantity: 10,
            PricebookEntry: rec('PricebookEntry', ids.E1, {
              Product2: rec('Product2', ids.P1, { ProductCode: 'W-1' }),
            }),
          }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.23 booleans in a child subquery',
    soql:
      'SELECT Name, ProductCode, (SELECT UnitPrice, Pricebook2.Name, IsActive FROM PricebookEntries WHERE IsActive = true ORDER BY UnitPrice) ' +
      "FROM Product2 WHERE Family = 'Hardware' ORDER BY Name",
    expected: result([
      rec('Product2', ids.P3, {
        Name: 'Old Part',
        ProductCode: 'O-1',
        PricebookEntries: sub([
          rec('PricebookEntry', ids.E4, {
            UnitPrice: 10,
            Pricebook2: named('Pricebook2', ids.PB1, 'Standard Price Book'),
            IsActive: true,
          }),
        ]),
      }),
      rec('Product2', ids.P1, {
        Name: 'Widget',
        ProductCode: 'W-1',
        PricebookEntries: sub([
          rec('PricebookEntry', ids.E1, {
            UnitPrice: 100,
            Pricebook2: named('Pricebook2', ids.PB1, 'Standard Price Book'),
            IsActive: true,
          }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.24 two fields of one parent share one object',
    soql:
      'SELECT Id, UnitPrice, Product2.Name, Product2.Family, Pricebook2.IsStandard FROM PricebookEntry ' +
      'WHERE Pricebook2.IsStandard = true AND Product2.IsActive = true ORDER BY UnitPrice',
    expected: result([
      rec('PricebookEntry', ids.E1, {
        Id: ids.E1,
        UnitPrice: 100,
        Product2: rec('Product2', ids.P1, { Name: 'Widget', Family: 'Hardware' }),
        Pricebook2: rec('Pricebook2', ids.PB1, { IsStandard: true }),
      }),
      rec('PricebookEntry', ids.E2, {
        Id: ids.E2,
        UnitPrice: 500,
        Product2: rec('Product2', ids.P2, { Name: 'Gizmo Service', Family: 'Services' }),
        Pricebook2: rec('Pricebook2', ids.PB1, { IsStandard: true }),
      }),
    ]),
  },
  {
    name: '§5.25 self lookups on User, merged',
    soql: 'SELECT Name, Manager.Name, Manager.Manager.Name FROM User WHERE IsActive = true ORDER BY Name',
    expected: result([
      rec('User', ids.U1, { Name: 'Alice Admin', Manager: null }),
      rec('User', ids.U2, {
        Name: 'Bob Boss',
        Manager: rec('User', ids.U1, { Name: 'Alice Admin', Manager: null }),
      }),
      rec('User', ids.U3, {
        Name: 'Carol Rep',
        Manager: rec('User', ids.U2, {
          Name: 'Bob Boss',
          Manager: named('User', ids.U1, 'Alice Admin'),
        }),
      }),
    ]),
  },
  {
    name: '§5.26 ManagedUsers subquery, LIKE filter',
    soql: "SELECT Name, (SELECT Name, Email FROM ManagedUsers ORDER BY Name) FROM User WHERE Title LIKE '%director%'",
    expected: result([
      rec('User', ids.U2, {
        Name: 'Bob Boss',
        ManagedUsers: sub([
          rec('User', ids.U3, { Name: 'Carol Rep', Email: 'carol@example.test' }),
          rec('User', ids.U4, { Name: 'Dave Gone', Email: 'dave@example.test' }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.27 aggregate: grouped parent field by its last segment, alias, expr0',
    soql:
      'SELECT Account.Industry, CALENDAR_YEAR(CloseDate) yr, COUNT(Id), SUM(Amount) total FROM Opportunity ' +
      'WHERE IsWon = true GROUP BY Account.Industry, CALENDAR_YEAR(CloseDate) ORDER BY CALENDAR_YEAR(CloseDate)',
    expected: result([
      agg({ Industry: 'Utilities', yr: 2023, expr0: 1, total: 50000 }),
      agg({ Industry: 'Energy', yr: 2024, expr0: 2, total: 180000 }),
    ]),
  },
  {
    name: '§5.28 GROUP BY with HAVING and ORDER BY an aggregate',
    soql:
      'SELECT AccountId, Account.Name, COUNT(Id) cnt FROM Contact GROUP BY AccountId, Account.Name ' +
      'HAVING COUNT(Id) >= 1 ORDER BY COUNT(Id) DESC, Account.Name NULLS LAST',
    expected: result([
      agg({ AccountId: ids.A1, Name: 'Acme Holdings', cnt: 2 }),
      agg({ AccountId: ids.A2, Name: 'Acme Subsidiary', cnt: 1 }),
      agg({ AccountId: ids.A3, Name: 'Globex', cnt: 1 }),
      agg({ AccountId: null, Name: null, cnt: 1 }),
    ]),
  },
  {
    name: '§5.29 ROLLUP with subtotals, a grand total and GROUPING()',
    soql:
      'SELECT Owner.Name, StageName, SUM(Amount) amt, GROUPING(StageName) sub FROM Opportunity ' +
      'GROUP BY ROLLUP(Owner.Name, StageName) ORDER BY Owner.Name NULLS LAST, StageName NULLS LAST',
    expected: result([
      agg({ Name: 'Alice Admin', StageName: 'Closed Lost', amt: null, sub: 0 }),
      agg({ Name: 'Alice Admin', StageName: null, amt: null, sub: 1 }),
      agg({ Name: 'Bob Boss', StageName: 'Closed Won', amt: 80000, sub: 0 }),
      agg({ Name: 'Bob Boss', StageName: 'Qualification', amt: 1000, sub: 0 }),
      agg({ Name: 'Bob Boss', StageName: null, amt: 81000, sub: 1 }),
      agg({ Name: 'Carol Rep', StageName: 'Closed Won', amt: 150000, sub: 0 }),
      agg({ Name: 'Carol Rep', StageName: 'Prospecting', amt: 20000, sub: 0 }),
      agg({ Name: 'Carol Rep', StageName: null, amt: 170000, sub: 1 }),
      agg({ Name: null, StageName: null, amt: 251000, sub: 1 }),
    ]),
  },
  {
    name: 'CUBE over two booleans (rolled-up booleans read null)',
    soql:
      'SELECT IsWon, IsClosed, COUNT(Id) n FROM Opportunity GROUP BY CUBE(IsWon, IsClosed) ' +
      'ORDER BY IsWon NULLS LAST, IsClosed NULLS LAST',
    expected: result([
      agg({ IsWon: false, IsClosed: false, n: 2 }),
      agg({ IsWon: false, IsClosed: true, n: 1 }),
      agg({ IsWon: false, IsClosed: null, n: 3 }),
      agg({ IsWon: true, IsClosed: true, n: 3 }),
      agg({ IsWon: true, IsClosed: null, n: 3 }),
      agg({ IsWon: null, IsClosed: false, n: 2 }),
      agg({ IsWon: null, IsClosed: true, n: 4 }),
      agg({ IsWon: null, IsClosed: null, n: 6 }),
    ]),
  },
  {
    name: '§5.30 MAX with alias and unaliased COUNT',
    soql: 'SELECT Parent__r.Name, MAX(Amount__c) maxAmt, COUNT(Id) FROM Child__c GROUP BY Parent__r.Name ORDER BY Parent__r.Name',
    expected: result([
      agg({ Name: 'Parent One', maxAmt: 1500, expr0: 6 }),
      agg({ Name: 'Parent Three', maxAmt: 120, expr0: 1 }),
      agg({ Name: 'Parent Two', maxAmt: 250, expr0: 1 }),
    ]),
  },
  {
    name: '§5.31 OFFSET inside a child subquery (outer LIMIT 1)',
    soql:
      'SELECT Name, (SELECT Name, CloseDate FROM Opportunities ORDER BY CloseDate DESC LIMIT 2 OFFSET 1) ' +
      "FROM Account WHERE Name = 'acme holdings' LIMIT 1",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Opportunities: sub([
          rec('Opportunity', ids.O6, { Name: 'Acme Expansion', CloseDate: '2024-05-02' }),
          rec('Opportunity', ids.O1, { Name: 'Acme Big Deal', CloseDate: '2024-03-10' }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.32 Tasks via the polymorphic Who, nulls first in a child ORDER BY',
    soql:
      'SELECT Name, ReportsTo.Name, (SELECT Subject, ActivityDate FROM Tasks WHERE IsClosed = false ORDER BY ActivityDate) ' +
      "FROM Contact WHERE Account.Name LIKE 'Acme%' ORDER BY Name",
    expected: result([
      rec('Contact', ids.C1, {
        Name: 'Ann Able',
        ReportsTo: null,
        Tasks: sub([
          rec('Task', ids.T5, { Subject: 'Call', ActivityDate: null }),
          rec('Task', ids.T1, { Subject: 'Call', ActivityDate: '2024-06-12' }),
        ]),
      }),
      rec('Contact', ids.C2, {
        Name: 'Ben Baker',
        ReportsTo: named('Contact', ids.C1, 'Ann Able'),
        Tasks: null,
      }),
      rec('Contact', ids.C3, {
        Name: 'Cat Cole',
        ReportsTo: null,
        Tasks: sub([rec('Task', ids.T4, { Subject: 'Send Letter', ActivityDate: '2024-06-10' })]),
      }),
    ]),
  },
  {
    name: '§5.33 ParentId = null and the ChildAccounts subquery',
    soql: 'SELECT Name, (SELECT Name, AnnualRevenue FROM ChildAccounts) FROM Account WHERE ParentId = null ORDER BY Name',
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        ChildAccounts: sub([
          rec('Account', ids.A2, { Name: 'Acme Subsidiary', AnnualRevenue: 750000 }),
        ]),
      }),
      rec('Account', ids.A6, { Name: 'umbrella', ChildAccounts: null }),
    ]),
  },
  {
    name: '§5.34 COUNT() through two hops',
    soql: "SELECT COUNT() FROM Contact WHERE Account.Owner.Name = 'Carol Rep'",
    expected: { totalSize: 2, done: true, records: [] },
  },
  {
    name: '§5.35 nested child subqueries (API 58+)',
    soql:
      'SELECT Name, (SELECT Name, StageName, (SELECT Quantity, Product2.Name FROM OpportunityLineItems ORDER BY Quantity) ' +
      "FROM Opportunities ORDER BY Name) FROM Account WHERE Industry = 'Energy' ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Opportunities: sub([
          rec('Opportunity', ids.O1, {
            Name: 'Acme Big Deal',
            StageName: 'Closed Won',
            OpportunityLineItems: sub([
              rec('OpportunityLineItem', ids.L1, {
                Quantity: 10,
                Product2: named('Product2', ids.P1, 'Widget'),
              }),
              rec('OpportunityLineItem', ids.L2, {
                Quantity: 30,
                Product2: named('Product2', ids.P2, 'Gizmo Service'),
              }),
            ]),
          }),
          rec('Opportunity', ids.O6, {
            Name: 'Acme Expansion',
            StageName: 'Closed Won',
            OpportunityLineItems: null,
          }),
          rec('Opportunity', ids.O2, {
            Name: 'Acme Renewal',
            StageName: 'Prospecting',
            OpportunityLineItems: sub([
              rec('OpportunityLineItem', ids.L4, {
                Quantity: 1,
                Product2: named('Product2', ids.P2, 'Gizmo Service'),
              }),
            ]),
          }),
        ]),
      }),
      rec('Account', ids.A6, { Name: 'umbrella', Opportunities: null }),
    ]),
  },
  {
    name: '§5.36 custom relationships nested',
    soql:
      'SELECT Name, (SELECT Name, (SELECT Name, Amount__c FROM Children__r ORDER BY Name) FROM Parents__r ORDER BY Name) ' +
      "FROM Account WHERE Name LIKE 'Acme%' OR Name = 'Globex' ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Parents__r: sub([
          rec('Parent__c', ids.PA1, {
            Name: 'Parent One',
            Children__r: sub(
              [
                [ids.CH1, 'Child A', 1500],
                [ids.CH2, 'Child B', 50],
                [ids.CH5, 'Child E', 700],
                [ids.CH6, 'Child F', 101],
                [ids.CH7, 'Child G', 300],
                [ids.CH8, 'Child H', 999.5],
              ].map(([id, name, amount]) =>
                rec('Child__c', id as string, { Name: name!, Amount__c: amount! }),
              ),
            ),
          }),
        ]),
      }),
      rec('Account', ids.A2, { Name: 'Acme Subsidiary', Parents__r: null }),
      rec('Account', ids.A3, {
        Name: 'Globex',
        Parents__r: sub([
          rec('Parent__c', ids.PA3, {
            Name: 'Parent Three',
            Children__r: sub([rec('Child__c', ids.CH4, { Name: 'Child D', Amount__c: 120 })]),
          }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.37 five levels: Account → Contacts → Cases → Cases → Tasks',
    soql:
      'SELECT Name, (SELECT LastName, (SELECT CaseNumber, (SELECT CaseNumber, (SELECT Subject FROM Tasks) FROM Cases ORDER BY CaseNumber) ' +
      "FROM Cases) FROM Contacts ORDER BY LastName) FROM Account WHERE Name = 'Acme Holdings' LIMIT 10",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Contacts: sub([
          rec('Contact', ids.C1, {
            LastName: 'Able',
            Cases: sub([
              rec('Case', ids.K1, {
                CaseNumber: '00001001',
                Cases: sub([
                  rec('Case', ids.K2, {
                    CaseNumber: '00001002',
                    Tasks: sub([rec('Task', ids.T6, { Subject: 'Follow up' })]),
                  }),
                  rec('Case', ids.K3, { CaseNumber: '00001003', Tasks: null }),
                ]),
              }),
            ]),
          }),
          rec('Contact', ids.C2, { LastName: 'Baker', Cases: null }),
        ]),
      }),
    ]),
  },
  {
    name: '§5.38 parenthesised OR, AND chain and NOT LIKE',
    soql:
      "SELECT Id, Name FROM Opportunity WHERE (Account.Industry = 'Energy' OR Account.Industry = 'Utilities') " +
      "AND (NOT StageName LIKE 'Closed%') AND Owner.IsActive = true ORDER BY Name",
    expected: result([rec('Opportunity', ids.O2, { Id: ids.O2, Name: 'Acme Renewal' })]),
  },
  {
    name: '§5.39 FIELDS(STANDARD) in a subquery',
    soql: "SELECT Name, (SELECT FIELDS(STANDARD) FROM Contacts ORDER BY LastName) FROM Account WHERE Name = 'Globex' LIMIT 20",
    check: (r) => {
      const account = r.records[0]!;
      const contacts = account.Contacts as { records: JsonObject[] };
      const contact = contacts.records[0]!;
      const standard = loadFixtureDescribes()
        .find((d) => d.name === 'Contact')!
        .fields.filter((f) => !f.custom && f.type !== 'location')
        .map((f) => f.name);
      if (JSON.stringify(Object.keys(contact)) !== JSON.stringify(['attributes', ...standard])) {
        throw new Error(`FIELDS(STANDARD) keys: ${Object.keys(contact).join(', ')}`);
      }
      const expected = {
        Id: ids.C5,
        IsDeleted: false,
        AccountId: ids.A3,
        LastName: 'Evans',
        Name: 'Eve Evans',
        MailingAddress: null,
        Email: 'eve@globex.test',
        ReportsToId: null,
        CreatedDate: '2024-01-01T00:00:00.000+0000',
        DoNotCall: false,
      };
      for (const [key, value] of Object.entries(expected)) {
        if (JSON.stringify(contact[key]) !== JSON.stringify(value)) {
          throw new Error(`FIELDS(STANDARD) ${key}: ${JSON.stringify(contact[key])}`);
        }
      }
    },
  },
  {
    name: '§5.40 mixed custom and standard hops, convertCurrency passes the value through',
    soql:
      'SELECT Name, Contact__r.Account.Name, Parent__r.Account__r.Owner.Name, convertCurrency(Amount__c) FROM Child__c ' +
      'WHERE Contact__r.Email != null ORDER BY Parent__r.Name, Name',
    expected: result(
      [
        [ids.CH1, 'Child A', ids.C1, ids.A1, 'Acme Holdings', ids.PA1, 1500],
        [ids.CH5, 'Child E', ids.C3, ids.A2, 'Acme Subsidiary', ids.PA1, 700],
        [ids.CH7, 'Child G', ids.C2, ids.A1, 'Acme Holdings', ids.PA1, 300],
        [ids.CH8, 'Child H', ids.C5, ids.A3, 'Globex', ids.PA1, 999.5],
        [ids.CH3, 'Child C', ids.C2, ids.A1, 'Acme Holdings', ids.PA2, 250],
      ].map(([id, name, contact, account, accountName, parent, amount]) =>
        rec('Child__c', id as string, {
          Name: name!,
          Contact__r: rec('Contact', contact as string, {
            Account: acct(account as string, accountName as string),
          }),
          Parent__r: rec('Parent__c', parent as string, {
            Account__r:
              parent === ids.PA1
                ? rec('Account', ids.A1, { Owner: named('User', ids.U3, 'Carol Rep') })
                : null,
          }),
          Amount__c: amount!,
        }),
      ),
    ),
  },

  // --- operators ------------------------------------------------------------------------------
  {
    name: "INCLUDES: ';' means AND inside one value, case-insensitive",
    soql: "SELECT LastName FROM Contact WHERE Interests__c INCLUDES ('hiking;cycling', 'Cooking') ORDER BY LastName",
    expected: result([
      rec('Contact', ids.C3, { LastName: 'Cole' }),
      rec('Contact', ids.C5, { LastName: 'Evans' }),
    ]),
  },
  {
    name: 'EXCLUDES keeps empty multi-select values',
    soql: "SELECT LastName, Interests__c FROM Contact WHERE Interests__c EXCLUDES ('Hiking') ORDER BY LastName",
    expected: result([
      rec('Contact', ids.C2, { LastName: 'Baker', Interests__c: 'Cycling' }),
      rec('Contact', ids.C4, { LastName: 'Dorsey', Interests__c: null }),
      rec('Contact', ids.C5, { LastName: 'Evans', Interests__c: 'Cooking' }),
    ]),
  },
  {
    name: 'LIKE: escaped % is literal',
    soql: "SELECT LastName FROM Contact WHERE Title LIKE '100\\%%'",
    expected: result([rec('Contact', ids.C2, { LastName: 'Baker' })]),
  },
  {
    name: 'LIKE: _ matches one character',
    soql: "SELECT LastName FROM Contact WHERE Title LIKE '100_sales' ORDER BY LastName",
    expected: result([
      rec('Contact', ids.C3, { LastName: 'Cole' }),
      rec('Contact', ids.C5, { LastName: 'Evans' }),
    ]),
  },
  {
    name: 'LIKE: escaped _ is literal',
    soql: "SELECT LastName FROM Contact WHERE Title LIKE '100\\_Sales'",
    expected: result([rec('Contact', ids.C5, { LastName: 'Evans' })]),
  },
  {
    name: '!= keeps null values',
    soql: "SELECT Name FROM Account WHERE Industry != 'Energy' ORDER BY Name",
    expected: result([
      acct(ids.A2, 'Acme Subsidiary'),
      acct(ids.A3, 'Globex'),
      acct(ids.A4, 'Initech'),
    ]),
  },
  {
    name: 'NOT IN keeps null values',
    soql: "SELECT Name FROM Account WHERE Industry NOT IN ('Energy', 'retail') ORDER BY Name",
    expected: result([acct(ids.A2, 'Acme Subsidiary'), acct(ids.A4, 'Initech')]),
  },
  {
    name: 'NOT (=) is true for a null field',
    soql: "SELECT Name FROM Account WHERE NOT Industry = 'Energy' ORDER BY Name",
    expected: result([
      acct(ids.A2, 'Acme Subsidiary'),
      acct(ids.A3, 'Globex'),
      acct(ids.A4, 'Initech'),
    ]),
  },
  {
    name: 'IN with null',
    soql: "SELECT Name FROM Account WHERE Industry IN ('Retail', null) ORDER BY Name",
    expected: result([acct(ids.A3, 'Globex'), acct(ids.A4, 'Initech')]),
  },
  {
    name: 'numbers and < <= > >=',
    soql: 'SELECT Name FROM Child__c WHERE Amount__c > 101 AND Amount__c <= 700 AND Amount__c >= 120 AND Amount__c < 999.5 ORDER BY Amount__c',
    expected: result([
      named('Child__c', ids.CH4, 'Child D'),
      named('Child__c', ids.CH3, 'Child C'),
      named('Child__c', ids.CH7, 'Child G'),
      named('Child__c', ids.CH5, 'Child E'),
    ]),
  },
  {
    name: 'a 15-character Id finds the 18-character one',
    soql: `SELECT Name FROM Account WHERE Id = '${ids.A1.slice(0, 15)}'`,
    expected: result([acct(ids.A1, 'Acme Holdings')]),
  },
  {
    name: 'toLabel() in WHERE compares labels',
    soql: "SELECT CaseNumber FROM Case WHERE toLabel(Status) = 'brand new' ORDER BY CaseNumber",
    expected: result(
      [ids.K1, ids.K2, ids.K5].map((id, i) =>
        rec('Case', id, { CaseNumber: `0000100${[1, 2, 5][i]}` }),
      ),
    ),
  },
  {
    name: 'toLabel() with LIKE matches labels',
    soql: "SELECT CaseNumber FROM Case WHERE toLabel(Status) LIKE 'in %'",
    expected: result([rec('Case', ids.K4, { CaseNumber: '00001004' })]),
  },
  {
    name: 'toLabel() on a grouped picklist',
    soql: 'SELECT toLabel(Status), COUNT(Id) FROM Case GROUP BY Status ORDER BY Status',
    expected: result([
      agg({ Status: 'Closed', expr0: 1 }),
      agg({ Status: 'Brand New', expr0: 3 }),
      agg({ Status: 'In Work', expr0: 1 }),
    ]),
  },
  {
    name: 'TYPEOF inside a child subquery',
    soql:
      'SELECT Name, (SELECT Subject, TYPEOF Who WHEN Contact THEN LastName WHEN Lead THEN Company END FROM Tasks ' +
      "ORDER BY Subject) FROM Account WHERE Name = 'Acme Holdings'",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Tasks: sub([
          rec('Task', ids.T1, {
            Subject: 'Call',
            Who: rec('Contact', ids.C1, { LastName: 'Able' }),
          }),
        ]),
      }),
    ]),
  },
  {
    name: 'polymorphic Owner.Type found by key prefix (no Group table)',
    soql: "SELECT CaseNumber FROM Case WHERE Owner.Type = 'Group'",
    expected: result([rec('Case', ids.K2, { CaseNumber: '00001002' })]),
  },
  {
    name: 'FROM alias prefixes',
    soql: "SELECT c.LastName, c.Account.Name FROM Contact c WHERE c.Account.Name = 'Globex'",
    expected: result([
      rec('Contact', ids.C5, { LastName: 'Evans', Account: acct(ids.A3, 'Globex') }),
    ]),
  },
  {
    name: 'address compound from its components',
    soql: "SELECT Name, BillingAddress FROM Account WHERE Name LIKE 'Acme%' ORDER BY Name",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        BillingAddress: {
          city: 'Toronto',
          country: 'Canada',
          countryCode: null,
          geocodeAccuracy: null,
          latitude: null,
          longitude: null,
          postalCode: null,
          state: null,
          stateCode: null,
          street: '1 Main St',
        },
      }),
      rec('Account', ids.A2, { Name: 'Acme Subsidiary', BillingAddress: null }),
    ]),
  },
  {
    name: 'base64 fields print their blob URL',
    soql: 'SELECT Name, Body__c FROM Document__c',
    expected: result([
      rec('Document__c', ids.D1, {
        Name: 'Spec',
        Body__c: `/services/data/v${API}/sobjects/Document__c/${ids.D1}/Body__c`,
      }),
    ]),
  },
  {
    name: 'values in JSON form: int, currency (FORMAT passes it through), datetime, empty lookup',
    soql:
      'SELECT Name, NumberOfEmployees, FORMAT(AnnualRevenue), CreatedDate, Primary_Contact__c FROM Account ' +
      "WHERE Name = 'Acme Holdings'",
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        NumberOfEmployees: 120,
        AnnualRevenue: 5000000,
        CreatedDate: '2024-01-10T09:00:00.000+0000',
        Primary_Contact__c: null,
      }),
    ]),
  },
  {
    name: 'values in JSON form: date, boolean, multi-select',
    soql: "SELECT Birthdate, DoNotCall, Interests__c FROM Contact WHERE LastName = 'Able'",
    expected: result([
      rec('Contact', ids.C1, {
        Birthdate: '1990-05-17',
        DoNotCall: false,
        Interests__c: 'Hiking;Reading',
      }),
    ]),
  },

  // --- ordering and paging --------------------------------------------------------------------
  {
    name: 'ORDER BY DESC NULLS LAST, case-insensitive text',
    soql: 'SELECT Name FROM Account ORDER BY Industry DESC NULLS LAST, Name',
    expected: result([
      acct(ids.A2, 'Acme Subsidiary'),
      acct(ids.A3, 'Globex'),
      acct(ids.A1, 'Acme Holdings'),
      acct(ids.A6, 'umbrella'),
      acct(ids.A4, 'Initech'),
    ]),
  },
  {
    name: 'ORDER BY default: ascending, nulls first',
    soql: 'SELECT Name FROM Account ORDER BY Industry, Name',
    expected: result([
      acct(ids.A4, 'Initech'),
      acct(ids.A1, 'Acme Holdings'),
      acct(ids.A6, 'umbrella'),
      acct(ids.A3, 'Globex'),
      acct(ids.A2, 'Acme Subsidiary'),
    ]),
  },
  {
    name: 'ORDER BY DESC with no NULLS: nulls still first',
    soql: 'SELECT Name FROM Opportunity WHERE CloseDate > 2024-01-01 ORDER BY Amount DESC',
    expected: result([
      named('Opportunity', ids.O4, 'Globex Pilot'),
      named('Opportunity', ids.O1, 'Acme Big Deal'),
      named('Opportunity', ids.O6, 'Acme Expansion'),
      named('Opportunity', ids.O2, 'Acme Renewal'),
      named('Opportunity', ids.O5, 'Orphan Deal'),
    ]),
  },
  {
    name: 'LIMIT and OFFSET',
    soql: 'SELECT Name FROM Account ORDER BY Name LIMIT 2 OFFSET 1',
    expected: result([acct(ids.A2, 'Acme Subsidiary'), acct(ids.A3, 'Globex')]),
  },
  {
    name: 'OFFSET without LIMIT',
    soql: 'SELECT Name FROM Account ORDER BY Name OFFSET 3',
    expected: result([acct(ids.A4, 'Initech'), acct(ids.A6, 'umbrella')]),
  },
  {
    name: 'rows without ORDER BY (compared as a set)',
    soql: 'SELECT Name, Status__c FROM Parent__c',
    unordered: true,
    expected: result([
      rec('Parent__c', ids.PA1, { Name: 'Parent One', Status__c: 'Active' }),
      rec('Parent__c', ids.PA2, { Name: 'Parent Two', Status__c: 'Inactive' }),
      rec('Parent__c', ids.PA3, { Name: 'Parent Three', Status__c: 'Active' }),
    ]),
  },

  // --- date literals (now = 2024-06-13T12:00Z) ------------------------------------------------
  ...dateCases(),

  // --- aggregates -----------------------------------------------------------------------------
  {
    name: 'aggregates without GROUP BY',
    soql: 'SELECT COUNT(Id), COUNT_DISTINCT(AccountId), MIN(CloseDate), MAX(Amount), AVG(Amount), SUM(Amount) total FROM Opportunity',
    expected: result([
      agg({ expr0: 6, expr1: 3, expr2: '2023-11-05', expr3: 150000, expr4: 50200, total: 251000 }),
    ]),
  },
  {
    name: 'MIN of a datetime prints in Salesforce form',
    soql: 'SELECT MIN(CreatedDate) earliest, MAX(CreatedDate) latest FROM Case',
    expected: result([
      agg({ earliest: '2024-05-20T08:00:00.000+0000', latest: '2024-06-13T11:00:00.000+0000' }),
    ]),
  },
  {
    name: 'date functions grouped',
    soql:
      'SELECT CALENDAR_MONTH(CloseDate) m, COUNT(Id) n FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) = 2024 ' +
      'GROUP BY CALENDAR_MONTH(CloseDate) ORDER BY CALENDAR_MONTH(CloseDate)',
    expected: result([
      agg({ m: 3, n: 1 }),
      agg({ m: 5, n: 1 }),
      agg({ m: 6, n: 2 }),
      agg({ m: 7, n: 1 }),
    ]),
  },
  {
    name: 'DAY_IN_WEEK, HOUR_IN_DAY and DAY_ONLY on a datetime',
    soql:
      'SELECT DAY_IN_WEEK(StartDateTime) d, HOUR_IN_DAY(StartDateTime) h, DAY_ONLY(StartDateTime) day FROM Event ' +
      'GROUP BY DAY_IN_WEEK(StartDateTime), HOUR_IN_DAY(StartDateTime), DAY_ONLY(StartDateTime) ORDER BY DAY_ONLY(StartDateTime)',
    expected: result([
      agg({ d: 7, h: 8, day: '2024-06-01' }),
      agg({ d: 5, h: 15, day: '2024-06-13' }),
      agg({ d: 5, h: 10, day: '2024-06-20' }),
    ]),
  },
  {
    name: 'the other date functions, unaliased: expr0…',
    soql:
      'SELECT CALENDAR_QUARTER(CloseDate), WEEK_IN_MONTH(CloseDate), WEEK_IN_YEAR(CloseDate), DAY_IN_YEAR(CloseDate), ' +
      "DAY_IN_MONTH(CloseDate), FISCAL_YEAR(CloseDate) FROM Opportunity WHERE Name = 'Acme Renewal' " +
      'GROUP BY CALENDAR_QUARTER(CloseDate), WEEK_IN_MONTH(CloseDate), WEEK_IN_YEAR(CloseDate), DAY_IN_YEAR(CloseDate), ' +
      'DAY_IN_MONTH(CloseDate), FISCAL_YEAR(CloseDate)',
    expected: result([agg({ expr0: 2, expr1: 3, expr2: 25, expr3: 172, expr4: 20, expr5: 2024 })]),
  },
  {
    name: 'COUNT() skips deleted rows',
    soql: 'SELECT COUNT() FROM Account',
    expected: { totalSize: 5, done: true, records: [] },
  },
  {
    name: 'COUNT() with queryAll includes deleted rows',
    soql: 'SELECT COUNT() FROM Account',
    includeDeleted: true,
    expected: { totalSize: 6, done: true, records: [] },
  },
  {
    name: 'queryAll returns deleted children too',
    soql: "SELECT Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Name = 'Acme Holdings'",
    includeDeleted: true,
    expected: result([
      rec('Account', ids.A1, {
        Name: 'Acme Holdings',
        Contacts: sub([
          rec('Contact', ids.C1, { LastName: 'Able' }),
          rec('Contact', ids.C2, { LastName: 'Baker' }),
          rec('Contact', ids.C6, { LastName: 'Gone' }),
        ]),
      }),
    ]),
  },
];

function dateCases(): SoqlCase[] {
  const opportunities = (names: [string, string][]) =>
    result(names.map(([id, name]) => named('Opportunity', id, name)));
  const cases = (numbers: [string, string][]) =>
    result(numbers.map(([id, n]) => rec('Case', id, { CaseNumber: n })));
  return [
    {
      name: 'THIS_QUARTER on a date',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate = THIS_QUARTER ORDER BY Name',
      expected: opportunities([
        [ids.O6, 'Acme Expansion'],
        [ids.O2, 'Acme Renewal'],
        [ids.O4, 'Globex Pilot'],
      ]),
    },
    {
      name: '> THIS_QUARTER means after its end',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate > THIS_QUARTER',
      expected: opportunities([[ids.O5, 'Orphan Deal']]),
    },
    {
      name: '< THIS_YEAR means before its start',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate < THIS_YEAR',
      expected: opportunities([[ids.O3, 'Subsidiary Expansion']]),
    },
    {
      name: 'NEXT_N_DAYS:7 starts tomorrow',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:7',
      expected: opportunities([[ids.O2, 'Acme Renewal']]),
    },
    {
      name: 'LAST_N_MONTHS:3 stops before this month',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate = LAST_N_MONTHS:3 ORDER BY CloseDate',
      expected: opportunities([
        [ids.O1, 'Acme Big Deal'],
        [ids.O6, 'Acme Expansion'],
      ]),
    },
    {
      name: 'date literals in an IN list',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate IN (LAST_YEAR, NEXT_MONTH) ORDER BY Name',
      expected: opportunities([
        [ids.O5, 'Orphan Deal'],
        [ids.O3, 'Subsidiary Expansion'],
      ]),
    },
    {
      name: '<= and >= with a date literal',
      soql: 'SELECT Name FROM Opportunity WHERE CloseDate >= LAST_MONTH AND CloseDate <= THIS_MONTH ORDER BY Name',
      expected: opportunities([
        [ids.O6, 'Acme Expansion'],
        [ids.O2, 'Acme Renewal'],
        [ids.O4, 'Globex Pilot'],
      ]),
    },
    {
      name: 'TODAY on a datetime',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate = TODAY',
      expected: cases([[ids.K5, '00001005']]),
    },
    {
      name: 'YESTERDAY on a datetime',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate = YESTERDAY',
      expected: cases([[ids.K1, '00001001']]),
    },
    {
      name: 'LAST_N_DAYS:3 on a datetime includes today',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate = LAST_N_DAYS:3 ORDER BY CaseNumber',
      expected: cases([
        [ids.K1, '00001001'],
        [ids.K2, '00001002'],
        [ids.K5, '00001005'],
      ]),
    },
    {
      name: 'THIS_WEEK != excludes the week',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate != THIS_WEEK ORDER BY CaseNumber',
      expected: cases([
        [ids.K3, '00001003'],
        [ids.K4, '00001004'],
      ]),
    },
    {
      name: 'datetime value literal in UTC',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate > 2024-06-10T12:00:00Z ORDER BY CaseNumber',
      expected: cases([
        [ids.K1, '00001001'],
        [ids.K2, '00001002'],
        [ids.K5, '00001005'],
      ]),
    },
    {
      name: 'datetime value literal with an offset',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate < 2024-06-01T01:00:00+02:00',
      expected: cases([[ids.K3, '00001003']]),
    },
    {
      name: 'exact datetime equality',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate = 2024-06-01T00:00:00.000Z',
      expected: cases([[ids.K4, '00001004']]),
    },
    {
      name: 'N_DAYS_AGO and THIS_FISCAL_YEAR',
      soql: 'SELECT CaseNumber FROM Case WHERE CreatedDate = N_DAYS_AGO:3 AND CreatedDate = THIS_FISCAL_YEAR',
      expected: cases([[ids.K2, '00001002']]),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Building the two databases.

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The local org's layout in SQLite (see localOrgSchema), filled with DATA. */
export function createSqliteOrg(catalog: DescribeCatalog): Database.Database {
  const db = new Database(':memory:');
  for (const describe of storedDescribes(catalog)) {
    const fields = storedFields(describe);
    db.exec(
      `CREATE TABLE ${q(describe.name)} (${fields.map((f) => `${q(f.name)} ${sqliteColumnType(f.type)}`).join(', ')})`,
    );
    const insert = db.prepare(
      `INSERT INTO ${q(describe.name)} (${fields.map((f) => q(f.name)).join(', ')}) ` +
        `VALUES (${fields.map(() => '?').join(', ')})`,
    );
    for (const row of DATA[describe.name] ?? []) {
      const full = fullRow(describe, row);
      insert.run(
        fields.map((f) =>
          typeof full[f.name] === 'boolean' ? (full[f.name] ? 1 : 0) : full[f.name],
        ),
      );
    }
  }
  return db;
}

function postgresType(field: FieldDescribe): string {
  switch (field.type) {
    case 'id':
    case 'reference':
      return 'varchar(18)';
    case 'boolean':
      return 'boolean';
    case 'int':
      return 'integer';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double precision';
    case 'date':
      return 'date';
    case 'datetime':
      return 'timestamp without time zone';
    case 'time':
      return 'time without time zone';
    case 'multipicklist':
      return 'varchar(4099)';
    case 'textarea':
      return field.length > 255 ? 'text' : 'varchar(255)';
    case 'base64':
      return 'text';
    default:
      return `varchar(${Math.max(field.length, 18)})`;
  }
}

/**
 * Heroku Connect's layout, written by hand (heroku-connect.md §1.1-1.2, §6.3): schema
 * `salesforce`, lower-cased names, `id` serial key, `sfid`, `_hc_lastop`, `_hc_err`.
 */
export function postgresSetup(catalog: DescribeCatalog): {
  statements: string[];
  inserts: { sql: string; params: unknown[] }[];
  mappings: { objectName: string; fields: string[] }[];
} {
  const statements = ['DROP SCHEMA IF EXISTS salesforce CASCADE', 'CREATE SCHEMA salesforce'];
  const inserts: { sql: string; params: unknown[] }[] = [];
  const mappings: { objectName: string; fields: string[] }[] = [];
  for (const describe of storedDescribes(catalog)) {
    const fields = storedFields(describe);
    const table = `salesforce.${q(describe.name.toLowerCase())}`;
    const columns = fields.map((f) =>
      f.name === 'Id' ? 'sfid varchar(18) UNIQUE' : `${q(f.name.toLowerCase())} ${postgresType(f)}`,
    );
    statements.push(
      `CREATE TABLE ${table} (id serial PRIMARY KEY, ${columns.join(', ')}, _hc_lastop varchar(32), _hc_err text)`,
    );
    const names = fields.map((f) => (f.name === 'Id' ? 'sfid' : q(f.name.toLowerCase())));
    for (const row of DATA[describe.name] ?? []) {
      const full = fullRow(describe, row);
      inserts.push({
        sql: `INSERT INTO ${table} (${names.join(', ')}, _hc_lastop) VALUES (${names.map((_n, i) => `$${i + 1}`).join(', ')}, 'SYNCED')`,
        params: fields.map((f) => full[f.name]),
      });
    }
    mappings.push({ objectName: describe.name, fields: fields.map((f) => f.name) });
  }
  return { statements, inserts, mappings };
}

/** Records in a stable order, for queries without ORDER BY. */
export function sortedRecords(result: QueryResult): QueryResult {
  const records = [...result.records].sort((a, b) =>
    JSON.stringify(a).localeCompare(JSON.stringify(b)),
  );
  return { ...result, records };
}
