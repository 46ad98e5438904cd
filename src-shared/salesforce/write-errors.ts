// What a failed write to Salesforce means and what to do about it, in plain words: the
// trigger-log inspector shows this beside the raw `sf_message` (`<CODE>: <message>`, as the sync
// engine and Heroku Connect store it). One entry per errorCode the engine can meet: the org's
// answers (salesforce-rest.md §3.3, the local org's checks), the engine's own codes
// (WAITING_FOR_PARENT, UNKNOWN_ERROR) and its transport failures (timeouts, dropped
// connections). Every fix says where to change something and ends with what to press.

export interface WriteErrorExplanation {
  /** The Salesforce errorCode (`FIELD_CUSTOM_VALIDATION_EXCEPTION`), or UNKNOWN. */
  code: string;
  /** A short headline: "A validation rule refused the record". */
  title: string;
  /** What happened, in a sentence or two. */
  explanation: string;
  /** The likely fix: what to change where, and then "Retry". */
  fix: string;
  /** Fields the message names (API names), when it names any. */
  fields: string[];
  /** Whether retrying unchanged may succeed (locks, limits, sessions). */
  transient: boolean;
}

export interface WriteErrorContext {
  /** The Salesforce object written (`Contact`). */
  objectName?: string;
  /** The trigger-log action (`INSERT`, `UPDATE`, `DELETE`). */
  action?: string;
}

/** What the message says beyond its code, pulled apart for the sentences. */
interface Parsed {
  code: string;
  /** The message without its code. */
  text: string;
  fields: string[];
  /** A field's label when the message starts with one (`Last Name: data value too large …`). */
  label: string | undefined;
  /** A record Id the message names (the duplicate, the missing parent). */
  recordId: string | undefined;
  /** What the write was: "insert", "update", "delete" or "write". */
  verb: string;
  /** "Contact" or "record": after "every", "this", "the". */
  noun: string;
  /** "a Contact", "an Account" or "a record". */
  aNoun: string;
  /** "Contact" or "the object": after "on", "of". */
  where: string;
}

interface Entry {
  title: string;
  explanation: (p: Parsed) => string;
  fix: (p: Parsed) => string;
  transient?: boolean;
}

const RETRY = 'then press Retry.';

/** `A, B and C`; `the field` when there are none. */
function fieldList(p: Parsed, none = 'the field'): string {
  const names = p.fields.length > 0 ? p.fields : p.label ? [p.label] : [];
  if (names.length === 0) return none;
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

/** The Postgres columns of the fields (Heroku Connect's lower-case names), for the fix. */
function columnList(p: Parsed, none = 'the column'): string {
  if (p.fields.length === 0) return p.label ? `the column for ${p.label}` : none;
  const columns = p.fields.map((f) => f.toLowerCase());
  return columns.length === 1
    ? `the ${columns[0]} column`
    : `the ${columns.slice(0, -1).join(', ')} and ${columns.at(-1)!} columns`;
}

/** The message quoted, for entries whose best explanation is the org's own words. */
const quoted = (p: Parsed) => (p.text ? `: "${p.text}".` : '.');

const TRANSIENT_FIX =
  'Nothing needs changing: the engine retries these by itself a few times. If the row stayed ' +
  `FAILED, wait a moment, ${RETRY}`;

const NETWORK: Entry = {
  title: 'The org did not answer',
  explanation: (p) =>
    `The request to Salesforce failed on the way (${p.code}), so the ${p.verb} may or may not have ` +
    'been applied.',
  fix: (p) =>
    p.verb === 'insert'
      ? 'Look for the record in the org first (by its name or external ID): if it is there, put ' +
        "its Id in the row's sfid column in Postgres and press Ignore; if it is not, press Retry."
      : 'An update or delete can safely be sent twice: press Retry.',
  transient: true,
};

const ENTRIES: Record<string, Entry> = {
  REQUIRED_FIELD_MISSING: {
    title: 'A required field is empty',
    explanation: (p) =>
      `Salesforce needs a value for ${fieldList(p, 'a required field')} on every ${p.noun}, and ` +
      `the ${p.verb} sent none.`,
    fix: (p) =>
      `Fill ${columnList(p, 'the empty column')} of the row in Postgres (or map the field if it is not mapped, in ` +
      `Mappings), ${RETRY}`,
  },
  FIELD_CUSTOM_VALIDATION_EXCEPTION: {
    title: 'A validation rule refused the record',
    explanation: (p) =>
      `One of the org's validation rules on ${p.where} rejected the ${p.verb}. The rule's ` +
      `message${quoted(p)}`,
    fix: (p) =>
      `Change the row in Postgres so it meets the rule${p.fields.length > 0 ? ` (${columnList(p)})` : ''}, ` +
      `or ask an admin to change the rule in the org's Setup (Validation Rules of ${p.where}), ${RETRY}`,
  },
  DUPLICATE_VALUE: {
    title: 'Another record already has this unique value',
    explanation: (p) =>
      `${p.fields.length > 0 ? fieldList(p) : 'A field'} must be unique, and ` +
      `${p.recordId ? `record ${p.recordId}` : 'another record'} already has the value this ` +
      `${p.verb} sent. When that record is the one this row created, the write succeeded ` +
      'before and was sent again.',
    fix: (p) =>
      `If ${p.recordId ?? 'the other record'} is this row's own record, put its Id in the row's ` +
      `sfid column in Postgres and press Ignore. Otherwise change ${columnList(p, 'the unique column')} of the row ` +
      `to a value no other record has, ${RETRY}`,
  },
  DUPLICATES_DETECTED: {
    title: 'A duplicate rule blocked the record',
    explanation: (p) =>
      `The org's duplicate rules found ${p.aNoun} that looks like this one and block saving ` +
      `it${quoted(p)}`,
    fix: (p) =>
      'Change the row in Postgres so it no longer matches the existing record (or point it at ' +
      `that record by its sfid), or have an admin relax the duplicate rule of ${p.where} in Setup, ${RETRY}`,
  },
  INVALID_CROSS_REFERENCE_KEY: {
    title: 'A lookup points at a record that does not exist',
    explanation: (p) =>
      `${p.fields.length > 0 ? `The lookup ${fieldList(p)}` : 'A lookup or Id in the write'} ` +
      'names a record that is not in the org (deleted, from another org, or of the wrong type).',
    fix: (p) =>
      `Correct ${columnList(p, 'the lookup column')} of the row in Postgres to an existing ` +
      "record's Id (or use the relationship's external-ID column), " +
      RETRY,
  },
  INVALID_FIELD_FOR_INSERT_UPDATE: {
    title: 'The write sets a field the integration user may not set',
    explanation: (p) =>
      `${fieldList(p, 'A field')} cannot be written on ${p.where}: it is read-only (a formula, ` +
      "an audit field) or hidden from the integration user's profile.",
    fix: (p) =>
      `Either give the user edit access to ${fieldList(p)} in the org (field-level security), or ` +
      'stop writing it: make the mapping read-only for it in Mappings and leave the column ' +
      `unchanged in Postgres, ${RETRY}`,
  },
  INVALID_FIELD: {
    title: 'The write names a field or external ID the org does not know',
    explanation: (p) =>
      `Salesforce could not use ${fieldList(p, 'a field of the write')} on ${p.where}${quoted(p)}`,
    fix: (p) =>
      /foreign key external id/i.test(p.text)
        ? 'The parent named by a relationship external-ID column does not exist: correct that ' +
          `column of the row in Postgres (or send the parent first), ${RETRY}`
        : `If ${fieldList(p)} is gone from the org, remove it from the mapping in Mappings and ` +
          `apply; if it exists, give the integration user access to it in the org, ${RETRY}`,
  },
  STRING_TOO_LONG: {
    title: 'A text value is longer than the field allows',
    explanation: (p) =>
      `The value for ${fieldList(p, 'a text field')} is longer than its maximum length in ` +
      `Salesforce${/max length=(\d+)/.exec(p.text)?.[1] ? ` (${/max length=(\d+)/.exec(p.text)![1]} characters)` : ''}.`,
    fix: (p) =>
      `Shorten ${columnList(p, 'the long value')} of the row in Postgres (or have an admin lengthen the field in ` +
      `the org), ${RETRY}`,
  },
  UNABLE_TO_LOCK_ROW: {
    title: 'The record was locked by another change',
    explanation: () =>
      'Another process in the org (a user, a trigger, another integration) held the record or ' +
      'its parent while this write ran. This passes by itself.',
    fix: () => TRANSIENT_FIX,
    transient: true,
  },
  REQUEST_LIMIT_EXCEEDED: {
    title: "The org's API limit is used up",
    explanation: () =>
      'The org has made as many API requests as its edition allows in 24 hours (or too many ' +
      'long requests at once), so Salesforce refused the write.',
    fix: () =>
      'Wait until the 24-hour count falls (the Sync dashboard shows the usage), or ask Salesforce ' +
      `for a higher limit, ${RETRY}`,
    transient: true,
  },
  INVALID_SESSION_ID: {
    title: 'The sign-in to the org expired',
    explanation: () =>
      "The org no longer accepts the engine's session (it expired or was revoked), so the " +
      'write was not applied.',
    fix: () =>
      'Sign in to the org again in Connections (the engine stops until it can sign in), ' + RETRY,
    transient: true,
  },
  ENTITY_IS_DELETED: {
    title: 'The record is deleted in Salesforce',
    explanation: (p) =>
      `The ${p.verb} reached ${p.aNoun} (or a parent it points at) that has been deleted in ` +
      'the org; it sits in the recycle bin.',
    fix: (p) =>
      p.verb === 'update'
        ? 'Undelete the record in the org and press Retry, or delete the row in Postgres as ' +
          'well and press Ignore.'
        : `Point the row's lookup at a record that exists (in Postgres), or undelete the parent in the org, ${RETRY}`,
  },
  INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: {
    title: 'A picklist value is not one of the allowed values',
    explanation: (p) =>
      `${fieldList(p, 'A picklist field')} is a restricted picklist, and the value sent is not ` +
      'among its values.',
    fix: (p) =>
      `Set ${columnList(p, 'the picklist column')} of the row in Postgres to one of the picklist's values (the Schema ` +
      `workspace lists them), or have an admin add the value in the org, ${RETRY}`,
  },
  MALFORMED_ID: {
    title: 'An Id in the write is not a Salesforce Id',
    explanation: (p) =>
      `${p.fields.length > 0 || p.label ? fieldList(p) : 'A lookup or the sfid'} holds a value ` +
      'that is not a 15- or 18-character Salesforce Id.',
    fix: (p) =>
      `Correct ${columnList(p, 'the Id column')} of the row in Postgres to a real record Id (or ` +
      `clear it), ${RETRY}`,
  },
  INVALID_TYPE_ON_FIELD_IN_RECORD: {
    title: 'A value has the wrong type for its field',
    explanation: (p) =>
      `The value for ${fieldList(p, 'a field')} cannot be read as the field's type in ` +
      'Salesforce (text in a number field, a bad date).',
    fix: (p) => `Correct ${columnList(p, 'the value')} of the row in Postgres, ${RETRY}`,
  },
  NUMBER_OUTSIDE_VALID_RANGE: {
    title: 'A number is too large for its field',
    explanation: (p) =>
      `The value for ${fieldList(p, 'a number field')} has more digits than the field's ` +
      'precision allows.',
    fix: (p) =>
      `Make ${columnList(p, 'the number')} of the row in Postgres smaller (or fewer decimals), ${RETRY}`,
  },
  FIELD_INTEGRITY_EXCEPTION: {
    title: 'A value breaks a field rule of the org',
    explanation: (p) =>
      `Salesforce refused the value for ${fieldList(p, 'a field')}: typically a lookup to the ` +
      'wrong kind of record, or a value a lookup filter or a dependent picklist does not ' +
      `allow${quoted(p)}`,
    fix: (p) => `Correct ${columnList(p, 'the value')} of the row in Postgres, ${RETRY}`,
  },
  FIELD_FILTER_VALIDATION_EXCEPTION: {
    title: 'A lookup filter refused the related record',
    explanation: (p) =>
      `The record a lookup points at does not meet the lookup's filter in the org${quoted(p)}`,
    fix: (p) =>
      `Point ${columnList(p, 'the lookup column')} of the row in Postgres at a record the filter ` +
      `accepts, ${RETRY}`,
  },
  INSUFFICIENT_ACCESS_OR_READONLY: {
    title: 'The integration user may not do this',
    explanation: (p) =>
      `The org's user the sync signs in as lacks the permission to ${p.verb} this ${p.noun} ` +
      '(object permission, sharing, or a read-only record).',
    fix: (p) =>
      `Give that user the ${p.verb} permission on ${p.where} (profile or permission set) and ` +
      `access to the record, ${RETRY}`,
  },
  CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: {
    title: 'An Apex trigger or flow in the org failed',
    explanation: (p) =>
      `Automation the org runs on ${p.where} (an Apex trigger, a flow, a process) threw an ` +
      `error during the ${p.verb}${quoted(p)}`,
    fix: () =>
      'Read the error above: change the row in Postgres so the automation accepts it, or have ' +
      `the org's developers fix the trigger or flow, ${RETRY}`,
  },
  NOT_FOUND: {
    title: 'The record or external-ID field was not found',
    explanation: (p) => `Salesforce could not find what the ${p.verb} named${quoted(p)}`,
    fix: (p) =>
      /external id field/i.test(p.text)
        ? 'The unique identifier of the mapping names a field the org does not have (or the ' +
          `user cannot see): fix the mapping in Mappings and apply, ${RETRY}`
        : "The record is gone from the org: clear the row's sfid in Postgres to create it " +
          'again and press Retry, or press Ignore.',
  },
  INVALID_EMAIL_ADDRESS: {
    title: 'An email address is not valid',
    explanation: (p) => `The value for ${fieldList(p, 'an email field')} is not an email address.`,
    fix: (p) => `Correct ${columnList(p, 'the email column')} of the row in Postgres, ${RETRY}`,
  },
  DELETE_FAILED: {
    title: 'The record cannot be deleted',
    explanation: (p) =>
      `Salesforce keeps the ${p.noun} because other records depend on it${quoted(p)}`,
    fix: () =>
      'Delete or reparent the dependent records first (in Postgres if they are mapped, else in ' +
      `the org), ${RETRY}`,
  },
  MULTIPLE_CHOICES: {
    title: 'The external ID matches several records',
    explanation: (p) =>
      `The upsert's unique identifier matches more than one ${p.noun} in the org, so ` +
      'Salesforce cannot tell which one to update.',
    fix: () =>
      'Remove the duplicates in the org (merge them) so the external ID is unique, ' + RETRY,
  },
  MISSING_ARGUMENT: {
    title: 'The write lacks its key',
    explanation: (p) =>
      `The ${p.verb} did not carry what Salesforce needs to find the record (its Id or the ` +
      `unique identifier's value)${quoted(p)}`,
    fix: () => "Fill the row's sfid or its unique-identifier column in Postgres, " + RETRY,
  },
  INACTIVE_OWNER_OR_USER: {
    title: 'The owner is an inactive user',
    explanation: (p) =>
      `The ${p.noun} is (or would be) owned by a user who is no longer active in the org.`,
    fix: () =>
      "Set the row's owner column in Postgres to an active user's Id (or reactivate the user in " +
      `the org), ${RETRY}`,
  },
  STORAGE_LIMIT_EXCEEDED: {
    title: "The org's data storage is full",
    explanation: () => 'The org has used all its data storage, so it refuses new records.',
    fix: () => `Free storage in the org (delete old records) or buy more, ${RETRY}`,
  },
  SERVER_UNAVAILABLE: {
    title: 'Salesforce was unavailable',
    explanation: () => 'The org answered that it is busy or down for maintenance.',
    fix: () => TRANSIENT_FIX,
    transient: true,
  },
  UNKNOWN_EXCEPTION: {
    title: 'Salesforce failed with an internal error',
    explanation: (p) => `The org hit an internal error while saving${quoted(p)}`,
    fix: () =>
      'This usually passes: press Retry. If it keeps failing, send the message to Salesforce support.',
    transient: true,
  },
  WAITING_FOR_PARENT: {
    title: 'Waiting for the parent record',
    explanation: (p) =>
      `A record this ${p.noun} points at has not reached Salesforce yet, so the engine holds ` +
      `this change back${quoted(p)}`,
    fix: () =>
      'Nothing to do while the parent is being sent. If the parent FAILED, fix and retry the ' +
      `parent's row first, ${RETRY}`,
    transient: true,
  },
  UNKNOWN_ERROR: {
    title: 'Salesforce gave no result for the record',
    explanation: (p) => `The write got no usable answer${quoted(p)}`,
    fix: (p) =>
      p.verb === 'insert'
        ? "Check whether the record exists in the org: if it does, put its Id in the row's sfid " +
          'column in Postgres and press Ignore; otherwise press Retry.'
        : 'Nothing needs changing: press Retry.',
    transient: true,
  },
  JSON_PARSER_ERROR: {
    title: 'Salesforce could not read a value',
    explanation: (p) => `A value in the write is not in the form its field expects${quoted(p)}`,
    fix: () =>
      'Correct the value in the row in Postgres (dates as YYYY-MM-DD, numbers without text), ' +
      RETRY,
  },
  INVALID_TYPE: {
    title: 'The object type was refused',
    explanation: (p) => `Salesforce refused the object type of the write${quoted(p)}`,
    fix: () => `Check the mapping's object name in Mappings and apply, ${RETRY}`,
  },
  REQUEST_RUNNING_TOO_LONG: {
    title: 'The request ran too long',
    explanation: () => 'Salesforce stopped the request because it ran too long.',
    fix: () => TRANSIENT_FIX,
    transient: true,
  },
  QUERY_TIMEOUT: {
    title: 'The org timed out',
    explanation: () => 'The org took too long to process the request.',
    fix: () => TRANSIENT_FIX,
    transient: true,
  },
};

for (const code of [
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
]) {
  ENTRIES[code] = NETWORK;
}

const FALLBACK: Entry = {
  title: 'Salesforce refused the write',
  explanation: (p) =>
    `The org refused the ${p.verb} of this ${p.noun}${p.code !== 'UNKNOWN' ? ` with ${p.code}` : ''}` +
    `${quoted(p)}`,
  fix: () =>
    "Read the org's message above: the fix is usually a value of the row in Postgres (change it " +
    'there) or a setting in the org. Once changed, press Retry; press Ignore to drop the change.',
};

const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RECORD_ID = /\b([a-zA-Z0-9]{3}[0-9][a-zA-Z0-9]{11}(?:[a-zA-Z0-9]{3})?)\b/;

/** Field API names and a label the message names, where Salesforce puts them. */
function fieldsOf(code: string, text: string): { fields: string[]; label: string | undefined } {
  const names: string[] = [];
  const add = (list: string) => {
    for (const name of list.split(',').map((s) => s.trim())) {
      if (API_NAME.test(name) && !names.includes(name)) names.push(name);
    }
  };
  // `Required fields are missing: [LastName, Company]`, `… too long: [Name]`, `fields: [X]`.
  for (const match of text.matchAll(/\[([^\]]*)\]/g)) add(match[1] ?? '');
  const patterns: RegExp[] = [
    /^duplicate value found: ([A-Za-z][A-Za-z0-9_]*) duplicates/i,
    /Unable to create\/update fields: ([A-Za-z0-9_, ]+?)\./i,
    /No such column '([^']+)'/i,
    /for field ([A-Za-z][A-Za-z0-9_]*) in entity/i,
    /external ID field does not exist or is not accessible: ([A-Za-z][A-Za-z0-9_]*)/i,
    /^Field ([A-Za-z][A-Za-z0-9_]*) does not exist/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) add(match[1]);
  }
  // `Last Name: data value too large: …`: the field's label leads (not its API name).
  const labelled =
    /^([^:\n]{1,80}): (?:data value too large|bad value for restricted picklist field|value outside of valid range|id value of incorrect type|invalid email address|value not of required type)/i.exec(
      text,
    );
  let label = labelled?.[1]?.trim();
  if (label && API_NAME.test(label) && names.length === 0 && code !== 'MALFORMED_ID') {
    names.push(label);
    label = undefined;
  }
  return { fields: names, label };
}

const VERBS: Record<string, string> = { INSERT: 'insert', UPDATE: 'update', DELETE: 'delete' };

/**
 * The plain-language explanation of a trigger-log row's `sf_message`; null when there is no
 * message. Unknown codes get a general explanation that quotes the org.
 */
export function explainWriteError(
  message: string | null,
  context: WriteErrorContext = {},
): WriteErrorExplanation | null {
  if (message === null || message.trim() === '') return null;
  const trimmed = message.trim();
  const coded = /^([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/.exec(trimmed);
  const code = coded?.[1] ?? 'UNKNOWN';
  const text = (coded ? (coded[2] ?? '') : trimmed).trim();
  const { fields, label } = fieldsOf(code, text);
  const objectName = context.objectName?.trim() || undefined;
  const parsed: Parsed = {
    code,
    text,
    fields,
    label,
    recordId: RECORD_ID.exec(text)?.[1],
    verb: VERBS[context.action?.toUpperCase() ?? ''] ?? 'write',
    noun: objectName ?? 'record',
    aNoun: objectName ? `${/^[AEIOU]/i.test(objectName) ? 'an' : 'a'} ${objectName}` : 'a record',
    where: objectName ?? 'the object',
  };
  const entry = ENTRIES[code] ?? FALLBACK;
  return {
    code,
    title: entry.title,
    explanation: entry.explanation(parsed),
    fix: entry.fix(parsed),
    fields,
    transient: entry.transient ?? false,
  };
}

/** The errorCodes with an explanation of their own (others get the general one). */
export const EXPLAINED_WRITE_ERROR_CODES: readonly string[] = Object.keys(ENTRIES);
