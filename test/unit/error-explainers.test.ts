import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { explainPostgresError } from '../../src-main/postgres';
import { explainSalesforceError } from '../../src-main/salesforce';
import { closedPort } from '../support/net';

/** The error Node itself gives for a refused TCP connection. */
async function refusedConnectionError(): Promise<Error> {
  const port = await closedPort();
  return new Promise((resolveError) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', (error) => resolveError(error));
  });
}

/** Shaped like the errors the libraries throw: an Error with extra fields. */
function errorWith(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('explainSalesforceError', () => {
  const origin = 'https://acme.my.salesforce.com';

  it('ECONNREFUSED: nothing answered at the URL', async () => {
    const real = await refusedConnectionError();
    // jsforce (node-fetch) wraps it in a FetchError that keeps the code.
    const fetchError = errorWith(
      `request to ${origin}/services/data/v62.0/limits failed, reason: ${real.message}`,
      {
        name: 'FetchError',
        type: 'system',
        code: 'ECONNREFUSED',
        errno: 'ECONNREFUSED',
      },
    );
    for (const error of [real, fetchError]) {
      expect(explainSalesforceError(error, origin)).toEqual({
        message: `Nothing answered at ${origin} (connection refused).`,
        hint: expect.stringContaining('Check the URL and port'),
      });
    }
  });

  it('ENOTFOUND / EAI_AGAIN: the host cannot be found', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const error = errorWith(`getaddrinfo ${code} acme.my.salesforce.com`, {
        code,
        hostname: 'acme.my.salesforce.com',
      });
      expect(explainSalesforceError(error, origin)).toEqual({
        message: 'Cannot find the host acme.my.salesforce.com.',
        hint: 'Check the URL for typos. Sandboxes sign in at https://test.salesforce.com.',
      });
    }
  });

  it('INVALID_LOGIN (SOAP fault text) and invalid_grant (OAuth): the password was refused', () => {
    const soap = new Error(
      'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
    );
    const oauth = errorWith('authentication failure', { name: 'invalid_grant' });
    for (const error of [soap, oauth]) {
      const explained = explainSalesforceError(error, 'https://login.salesforce.com');
      expect(explained.message).toBe('Salesforce refused the username or password.');
      expect(explained.hint).toContain('security token');
    }
  });

  it('INVALID_SESSION_ID: the token expired or was revoked', () => {
    // jsforce's HttpApiError: name and errorCode are the Salesforce errorCode.
    const error = errorWith('Session expired or invalid', {
      name: 'INVALID_SESSION_ID',
      errorCode: 'INVALID_SESSION_ID',
    });
    expect(explainSalesforceError(error, origin)).toEqual({
      message: 'The access token was refused: it has expired or was revoked.',
      hint: 'Get a fresh token (for example with `sf org display`) and save the profile again.',
    });
  });

  it('TLS: names the certificate problem, also when it hides in a cause', () => {
    const direct = errorWith('certificate has expired', { code: 'CERT_HAS_EXPIRED' });
    const nested = errorWith('fetch failed', {
      cause: errorWith('unable to verify the first certificate', {
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      }),
    });
    expect(explainSalesforceError(direct, origin)).toEqual({
      message: 'The TLS certificate of acme.my.salesforce.com was not accepted (CERT_HAS_EXPIRED).',
      hint: expect.stringContaining('NODE_EXTRA_CA_CERTS'),
    });
    expect(explainSalesforceError(nested, origin).message).toBe(
      'The TLS certificate of acme.my.salesforce.com was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE).',
    );
  });

  it('timeouts, limits and disabled API access', () => {
    expect(
      explainSalesforceError(errorWith('timed out after 20000 ms', { code: 'ETIMEDOUT' }), origin)
        .message,
    ).toBe(`No answer from ${origin} in time.`);
    expect(
      explainSalesforceError(
        errorWith('TotalRequests Limit exceeded.', { errorCode: 'REQUEST_LIMIT_EXCEEDED' }),
        origin,
      ).message,
    ).toContain('REQUEST_LIMIT_EXCEEDED');
    expect(
      explainSalesforceError(
        errorWith('API is not enabled for this Organization or Partner', {
          errorCode: 'API_DISABLED_FOR_ORG',
        }),
        origin,
      ).message,
    ).toBe('API access is not enabled for this user or org.');
  });

  it('an HTML answer: the URL is not a Salesforce API endpoint', () => {
    const error = errorWith(
      'HTTP response contains html content.\nCheck that the org exists and can be reached.',
      {
        name: 'ERROR_HTTP_404',
        errorCode: 'ERROR_HTTP_404',
      },
    );
    expect(explainSalesforceError(error, 'https://acme.lightning.force.com')).toEqual({
      message:
        'https://acme.lightning.force.com answered, but not the way Salesforce does (ERROR_HTTP_404).',
      hint: expect.stringContaining('not the address of a Lightning page'),
    });
  });

  it('anything else keeps its own message', () => {
    expect(explainSalesforceError(new Error('Something odd'), origin)).toEqual({
      message: 'Something odd',
    });
    expect(explainSalesforceError('plain string', origin)).toEqual({ message: 'plain string' });
  });
});

describe('explainPostgresError', () => {
  const url = new URL('postgres://app%40corp:secret@db.example.com:6543/sales%20db');

  it('28P01: the password was refused, for which user', () => {
    const error = errorWith('password authentication failed for user "app@corp"', {
      code: '28P01',
      severity: 'FATAL',
    });
    expect(explainPostgresError(error, url)).toEqual({
      message: 'The database refused the password for app@corp.',
      hint: 'Check the user and password in the URL (special characters must be %-encoded).',
    });
  });

  it('3D000: the database does not exist, and how to create it', () => {
    const error = errorWith('database "sales db" does not exist', { code: '3D000' });
    expect(explainPostgresError(error, url)).toEqual({
      message: 'Database "sales db" does not exist on db.example.com:6543.',
      hint: 'Create it (createdb sales db) or fix the database name at the end of the URL.',
    });
  });

  it('ECONNREFUSED: nothing is listening, default port 5432', async () => {
    const real = await refusedConnectionError();
    expect(explainPostgresError(real, new URL('postgres://u@localhost/d'))).toEqual({
      message: 'Nothing is listening at localhost:5432 (connection refused).',
      hint: 'Is the server running, and are the host and port in the URL right?',
    });
  });

  it('ENOTFOUND: the host cannot be found', () => {
    expect(
      explainPostgresError(
        errorWith('getaddrinfo ENOTFOUND db.example.com', { code: 'ENOTFOUND' }),
        url,
      ),
    ).toEqual({
      message: 'Cannot find the host db.example.com.',
      hint: 'Check the host name in the URL.',
    });
  });

  it('TLS: suggests the sslmode to set', () => {
    for (const error of [
      new Error('The server does not support SSL connections'),
      errorWith('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    ]) {
      const explained = explainPostgresError(error, url);
      expect(explained.message).toBe(
        `The TLS connection to db.example.com:6543 failed: ${error.message}.`,
      );
      expect(explained.hint).toContain('?sslmode=require');
      expect(explained.hint).toContain('?sslmode=disable');
    }
  });

  it('28000, timeouts, and anything else', () => {
    expect(
      explainPostgresError(
        errorWith('no pg_hba.conf entry for host "10.0.0.1"', { code: '28000' }),
        url,
      ).message,
    ).toBe(
      'The server at db.example.com:6543 does not accept app@corp from this machine (no pg_hba.conf entry for host "10.0.0.1").',
    );
    expect(
      explainPostgresError(new Error('Connection terminated due to connection timeout'), url)
        .message,
    ).toBe('No answer from db.example.com:6543 in time.');
    expect(
      explainPostgresError(errorWith('relation "x" does not exist', { code: '42P01' }), url),
    ).toEqual({
      message: 'relation "x" does not exist',
    });
  });
});
