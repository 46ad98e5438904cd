// Salesforce's errors as the local org raises them: an errorCode from the REST API's catalogue
// (salesforce-rest.md §3.3), the org's message, the fields involved and the HTTP status. The
// HTTP layer turns one into `[{message, errorCode, fields}]`; collections into
// `{statusCode, message, fields}` items; Bulk 2.0 into an `sf__Error` cell.

export class SalesforceError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly fields: readonly string[] = [],
    readonly status = 400,
  ) {
    super(message);
    this.name = errorCode;
  }

  /** The REST body element. */
  toJson(): { message: string; errorCode: string; fields: string[] } {
    return { message: this.message, errorCode: this.errorCode, fields: [...this.fields] };
  }
}

export const notFound = (): SalesforceError =>
  new SalesforceError('NOT_FOUND', 'The requested resource does not exist', [], 404);

/** Anything else thrown inside the org becomes UNKNOWN_EXCEPTION, never a stack trace. */
export function asSalesforceError(error: unknown): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new SalesforceError(
    'UNKNOWN_EXCEPTION',
    `An unexpected error occurred: ${reason}`,
    [],
    500,
  );
}
