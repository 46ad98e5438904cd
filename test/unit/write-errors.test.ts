// The plain-language explanations of failed writes: every errorCode the engine can meet (the
// org's answers as the local org and Salesforce word them, the engine's own codes and its
// transport failures), the fields pulled out of the messages, and which ones pass by themselves.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { WriteErrorExplanation as WriteErrorExplanationJson } from '../../src-shared/api';
import {
  EXPLAINED_WRITE_ERROR_CODES,
  explainWriteError,
  type WriteErrorExplanation,
} from '../../src-shared/salesforce';

interface Case {
  message: string;
  context?: { objectName?: string; action?: string };
  code: string;
  fields?: string[];
  transient?: boolean;
  /** Words the explanation must say. */
  says?: string[];
  /** Words the fix must say. */
  fix?: string[];
}

// Messages as the sync engine stores them: `<errorCode>: <message>` (the local org's wording,
// which follows Salesforce's).
const CASES: Case[] = [
  {
    message: 'REQUIRED_FIELD_MISSING: Required fields are missing: [LastName, Company]',
    context: { objectName: 'Lead', action: 'INSERT' },
    code: 'REQUIRED_FIELD_MISSING',
    fields: ['LastName', 'Company'],
    says: ['LastName and Company', 'every Lead', 'the insert'],
    fix: ['lastname and company columns', 'Postgres'],
  },
  {
    message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Amount must not be negative',
    context: { objectName: 'Opportunity', action: 'INSERT' },
    code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
    fields: [],
    says: ['validation rules on Opportunity', '"Amount must not be negative"'],
    fix: ['Postgres', 'Validation Rules of Opportunity'],
  },
  {
    message:
      'DUPLICATE_VALUE: duplicate value found: External_ID__c duplicates value on record with id: 0015g000000000QAAQ',
    context: { objectName: 'Account', action: 'INSERT' },
    code: 'DUPLICATE_VALUE',
    fields: ['External_ID__c'],
    says: ['External_ID__c must be unique', 'record 0015g000000000QAAQ', 'sent again'],
    fix: ['sfid column', 'Ignore', 'external_id__c column'],
  },
  {
    message: 'DUPLICATES_DETECTED: Use one of these records?',
    context: { objectName: 'Account' },
    code: 'DUPLICATES_DETECTED',
    says: ['duplicate rules', 'an Account', '"Use one of these records?"'],
    fix: ['duplicate rule of Account'],
  },
  {
    message: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id',
    context: { objectName: 'Contact', action: 'UPDATE' },
    code: 'INVALID_CROSS_REFERENCE_KEY',
    says: ['not in the org'],
    fix: ['lookup column', 'external-ID column'],
  },
  {
    message:
      'INVALID_FIELD_FOR_INSERT_UPDATE: Unable to create/update fields: Account_Industry__c, CreatedDate. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
    context: { objectName: 'Contact', action: 'UPDATE' },
    code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    fields: ['Account_Industry__c', 'CreatedDate'],
    says: ['Account_Industry__c and CreatedDate cannot be written on Contact'],
    fix: ['field-level security', 'Mappings'],
  },
  {
    message:
      'INVALID_FIELD: Foreign key external ID: acme-9 not found for field External_ID__c in entity Account',
    context: { objectName: 'Contact', action: 'INSERT' },
    code: 'INVALID_FIELD',
    fields: ['External_ID__c'],
    fix: ['relationship external-ID column', 'send the parent first'],
  },
  {
    message: "INVALID_FIELD: No such column 'Fax__c' on sobject of type Contact",
    context: { objectName: 'Contact' },
    code: 'INVALID_FIELD',
    fields: ['Fax__c'],
    fix: ['remove it from the mapping in Mappings'],
  },
  {
    message: `STRING_TOO_LONG: Last Name: data value too large: ${'x'.repeat(90)} (max length=80)`,
    context: { objectName: 'Contact', action: 'UPDATE' },
    code: 'STRING_TOO_LONG',
    fields: [],
    says: ['Last Name', '80 characters'],
    fix: ['Shorten the column for Last Name'],
  },
  {
    message: 'STRING_TOO_LONG: String too long: [Name]',
    code: 'STRING_TOO_LONG',
    fields: ['Name'],
    fix: ['the name column'],
  },
  {
    message: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records',
    code: 'UNABLE_TO_LOCK_ROW',
    transient: true,
    fix: ['retries these by itself'],
  },
  {
    message: 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.',
    code: 'REQUEST_LIMIT_EXCEEDED',
    transient: true,
    says: ['24 hours'],
    fix: ['Sync dashboard'],
  },
  {
    message: 'INVALID_SESSION_ID: Session expired or invalid',
    code: 'INVALID_SESSION_ID',
    transient: true,
    fix: ['Connections'],
  },
  {
    message: 'ENTITY_IS_DELETED: entity is deleted',
    context: { objectName: 'Account', action: 'UPDATE' },
    code: 'ENTITY_IS_DELETED',
    says: ['an Account', 'recycle bin'],
    fix: ['Undelete', 'Ignore'],
  },
  {
    message:
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Lead Source: bad value for restricted picklist field: Carrier pigeon',
    context: { objectName: 'Lead' },
    code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    fields: [],
    says: ['Lead Source is a restricted picklist'],
    fix: ['picklist'],
  },
  {
    message: 'MALFORMED_ID: Account ID: id value of incorrect type: 001XYZ',
    code: 'MALFORMED_ID',
    says: ['Account ID', 'not a 15- or 18-character Salesforce Id'],
  },
  {
    message: 'MALFORMED_ID: malformed id 001XYZ',
    code: 'MALFORMED_ID',
    fields: [],
    says: ['A lookup or the sfid'],
  },
  {
    message: 'INVALID_TYPE_ON_FIELD_IN_RECORD: Amount: value not of required type: lots',
    code: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
    fields: ['Amount'],
    fix: ['the amount column'],
  },
  {
    message:
      'NUMBER_OUTSIDE_VALID_RANGE: Employees: value outside of valid range on numeric field: 99999999999',
    code: 'NUMBER_OUTSIDE_VALID_RANGE',
    fields: ['Employees'],
  },
  {
    message:
      'FIELD_INTEGRITY_EXCEPTION: Parent Account ID: id value of incorrect type: 003000000000001AAA',
    code: 'FIELD_INTEGRITY_EXCEPTION',
    says: ['Parent Account ID'],
  },
  {
    message:
      'INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id: Account records cannot be deleted',
    context: { objectName: 'Account', action: 'DELETE' },
    code: 'INSUFFICIENT_ACCESS_OR_READONLY',
    says: ['to delete this Account'],
    fix: ['delete permission on Account'],
  },
  {
    message:
      'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: ContactTrigger: execution of BeforeInsert caused by: System.NullPointerException',
    context: { objectName: 'Contact', action: 'INSERT' },
    code: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
    says: ['Apex trigger', 'System.NullPointerException'],
    fix: ['trigger or flow'],
  },
  {
    message:
      'NOT_FOUND: Provided external ID field does not exist or is not accessible: Legacy_Key__c',
    code: 'NOT_FOUND',
    fields: ['Legacy_Key__c'],
    fix: ['unique identifier', 'Mappings'],
  },
  {
    message: 'NOT_FOUND: The requested resource does not exist',
    context: { action: 'UPDATE' },
    code: 'NOT_FOUND',
    fix: ["clear the row's sfid"],
  },
  {
    message: 'INVALID_EMAIL_ADDRESS: Email: invalid email address: not-an-email',
    code: 'INVALID_EMAIL_ADDRESS',
    fields: ['Email'],
  },
  {
    message:
      'DELETE_FAILED: Your attempt to delete Account 0015g000000000QAAQ could not be completed because it is associated with 2 Contacts records',
    context: { objectName: 'Account', action: 'DELETE' },
    code: 'DELETE_FAILED',
    says: ['keeps the Account'],
  },
  {
    message: 'MULTIPLE_CHOICES: Multiple records found',
    context: { objectName: 'Contact' },
    code: 'MULTIPLE_CHOICES',
    says: ['more than one Contact'],
  },
  {
    message: 'MISSING_ARGUMENT: Id not specified in an update call',
    code: 'MISSING_ARGUMENT',
    fix: ['sfid'],
  },
  {
    message: 'SERVER_UNAVAILABLE: Server unavailable, please try again later.',
    code: 'SERVER_UNAVAILABLE',
    transient: true,
  },
  {
    message: 'UNKNOWN_EXCEPTION: An unexpected error occurred: boom',
    code: 'UNKNOWN_EXCEPTION',
    transient: true,
  },
  {
    message:
      'WAITING_FOR_PARENT: AccountId points at Account ext-12, which is not in Salesforce yet',
    context: { objectName: 'Contact' },
    code: 'WAITING_FOR_PARENT',
    transient: true,
    says: ['holds this change back'],
  },
  {
    message: 'UNKNOWN_ERROR: Salesforce returned no result for this record',
    context: { action: 'INSERT' },
    code: 'UNKNOWN_ERROR',
    transient: true,
    fix: ['sfid column', 'Ignore'],
  },
  {
    message:
      'REQUEST_TIMEOUT: the create got no answer (Salesforce did not answer within 60000 ms), so Salesforce may have created the record.',
    context: { action: 'INSERT' },
    code: 'REQUEST_TIMEOUT',
    transient: true,
    says: ['may or may not have been applied'],
    fix: ['Look for the record in the org first', 'Ignore'],
  },
  {
    message: 'ECONNRESET: socket hang up',
    context: { action: 'UPDATE' },
    code: 'ECONNRESET',
    transient: true,
    fix: ['safely be sent twice'],
  },
  {
    message: 'INACTIVE_OWNER_OR_USER: owner is inactive, cannot reparent record',
    code: 'INACTIVE_OWNER_OR_USER',
    fix: ['owner column'],
  },
];

/** The codes the issue and the engine name; each must have an explanation of its own. */
const MUST_EXPLAIN = [
  'REQUIRED_FIELD_MISSING',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'DUPLICATE_VALUE',
  'DUPLICATES_DETECTED',
  'INVALID_CROSS_REFERENCE_KEY',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'INVALID_FIELD',
  'STRING_TOO_LONG',
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_LIMIT_EXCEEDED',
  'INVALID_SESSION_ID',
  'ENTITY_IS_DELETED',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'MALFORMED_ID',
  'INVALID_TYPE_ON_FIELD_IN_RECORD',
  'NUMBER_OUTSIDE_VALID_RANGE',
  'FIELD_INTEGRITY_EXCEPTION',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
  'NOT_FOUND',
  // The local org's other write errors, and the engine's own codes.
  'INVALID_EMAIL_ADDRESS',
  'DELETE_FAILED',
  'MULTIPLE_CHOICES',
  'MISSING_ARGUMENT',
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'WAITING_FOR_PARENT',
  'UNKNOWN_ERROR',
  'REQUEST_TIMEOUT',
  'ECONNRESET',
];

const TRANSIENT = new Set([
  'UNABLE_TO_LOCK_ROW',
  'REQUEST_LIMIT_EXCEEDED',
  'INVALID_SESSION_ID',
  'SERVER_UNAVAILABLE',
  'UNKNOWN_EXCEPTION',
  'WAITING_FOR_PARENT',
  'UNKNOWN_ERROR',
  'REQUEST_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'HTTP_502',
  'HTTP_504',
  'QUERY_TIMEOUT',
  'REQUEST_RUNNING_TOO_LONG',
]);

describe('explainWriteError', () => {
  it.each(CASES)('$code: $message', (c) => {
    const explained = explainWriteError(c.message, c.context)!;
    expect(explained.code).toBe(c.code);
    if (c.fields) expect(explained.fields).toEqual(c.fields);
    expect(explained.transient).toBe(c.transient ?? false);
    for (const words of c.says ?? []) expect(explained.explanation).toContain(words);
    for (const words of c.fix ?? []) expect(explained.fix).toContain(words);
    // The contract's shape, as it crosses to the renderer.
    expect(WriteErrorExplanationJson.parse(explained)).toEqual(explained);
  });

  it('has its own explanation for every code the engine can meet, each ending with what to press', () => {
    for (const code of MUST_EXPLAIN) expect(EXPLAINED_WRITE_ERROR_CODES).toContain(code);
    const fallback = explainWriteError('SOMETHING_NEW: a message')!;
    for (const code of EXPLAINED_WRITE_ERROR_CODES) {
      for (const action of ['INSERT', 'UPDATE', 'DELETE', undefined]) {
        const explained = explainWriteError(`${code}: something went wrong`, {
          objectName: 'Account',
          ...(action ? { action } : {}),
        })!;
        expect(explained.code).toBe(code);
        expect(explained.title).not.toBe(fallback.title);
        expect(explained.title.length).toBeGreaterThan(10);
        expect(explained.explanation).toMatch(/^[A-Z].*[.?!"]$/s);
        // Says where and ends with the button to press.
        expect(explained.fix, code).toMatch(/(Retry|Ignore)[^.]*\.( .*)?$/);
        expect(explained.fix).not.toContain('undefined');
        expect(explained.explanation).not.toContain('undefined');
        expect(explained.transient, code).toBe(TRANSIENT.has(code));
      }
    }
  });

  it('reads sentences without an object or action', () => {
    const explained = explainWriteError(
      'REQUIRED_FIELD_MISSING: Required fields are missing: [Name]',
    )!;
    expect(explained.explanation).toBe(
      'Salesforce needs a value for Name on every record, and the write sent none.',
    );
    expect(explained.fix).toBe(
      'Fill the name column of the row in Postgres (or map the field if it is not mapped, in Mappings), then press Retry.',
    );
  });

  it('an unknown code, or a message without one, gets the general explanation quoting the org', () => {
    expect(explainWriteError('SOMETHING_NEW: the org is cross', { objectName: 'Case' })).toEqual({
      code: 'SOMETHING_NEW',
      title: 'Salesforce refused the write',
      explanation: 'The org refused the write of this Case with SOMETHING_NEW: "the org is cross".',
      fix: expect.stringContaining('press Retry'),
      fields: [],
      transient: false,
    });
    expect(explainWriteError('it broke')).toMatchObject({
      code: 'UNKNOWN',
      explanation: 'The org refused the write of this record: "it broke".',
    });
  });

  it('no message, no explanation', () => {
    expect(explainWriteError(null)).toBeNull();
    expect(explainWriteError('  ')).toBeNull();
  });

  it("matches the contract's shape", () => {
    expectTypeOf<WriteErrorExplanation>().toEqualTypeOf<WriteErrorExplanationJson>();
  });
});
