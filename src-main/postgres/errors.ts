import type { Explained } from '../salesforce';

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
}

/** Postgres and network failures, in words a user can act on. */
export function explainPostgresError(error: unknown, url: URL): Explained {
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const where = `${url.hostname}:${url.port || '5432'}`;
  const user = decodeURIComponent(url.username) || 'the default user';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user;
  switch (code) {
    case '28P01':
      return {
        message: `The database refused the password for ${user}.`,
        hint: 'Check the user and password in the URL (special characters must be %-encoded).',
      };
    case '28000':
      return {
        message: `The server at ${where} does not accept ${user} from this machine (${message}).`,
        hint: 'Ask the database owner to allow this user and host (pg_hba.conf), or use another user.',
      };
    case '3D000':
      return {
        message: `Database "${database}" does not exist on ${where}.`,
        hint: `Create it (createdb ${database}) or fix the database name at the end of the URL.`,
      };
    case 'ECONNREFUSED':
      return {
        message: `Nothing is listening at ${where} (connection refused).`,
        hint: 'Is the server running, and are the host and port in the URL right?',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        message: `Cannot find the host ${url.hostname}.`,
        hint: 'Check the host name in the URL.',
      };
    case 'ETIMEDOUT':
      return {
        message: `No answer from ${where} in time.`,
        hint: 'Check the network path (VPN, firewall) to the database.',
      };
  }
  if (/timeout/i.test(message)) {
    return {
      message: `No answer from ${where} in time.`,
      hint: 'Check the network path (VPN, firewall) to the database.',
    };
  }
  if (/ssl|tls|certificate/i.test(message)) {
    return {
      message: `The TLS connection to ${where} failed: ${message}.`,
      hint:
        'Set sslmode in the URL: ?sslmode=require for hosted databases (Heroku needs it), ' +
        '?sslmode=disable for a local server without TLS.',
    };
  }
  return { message };
}
