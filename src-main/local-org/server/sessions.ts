// Session tokens of the local org, kept in the store's database so a restart on the same file
// keeps them valid. Every token stays valid until the admin expires it: jsforce answers a 401 by
// logging in again and replaying the request, so a token that lapsed on its own would make it
// loop (salesforce-rest.md §1.5). One fixed "direct" token per org is what the CLI prints for
// clients that skip login.

import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { OrgIdentity } from '../store/types';

export type SessionKind = 'soap' | 'oauth' | 'direct';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<orgId15>!<random>` like a real session id; letters and digits only, so it is XML-safe. */
function newToken(orgId: string): string {
  const bytes = randomBytes(96);
  let random = 'AQ';
  for (const byte of bytes) random += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length];
  return `${orgId.slice(0, 15)}!${random}`;
}

export class Sessions {
  private readonly insertToken: Database.Statement;
  private readonly findLive: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly identity: OrgIdentity,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS "_http_sessions" (
      "token" TEXT PRIMARY KEY,
      "user_id" TEXT NOT NULL,
      "kind" TEXT NOT NULL,
      "issued_at" TEXT NOT NULL,
      "expired_at" TEXT
    )`);
    this.insertToken = db.prepare(
      'INSERT INTO "_http_sessions" ("token", "user_id", "kind", "issued_at") VALUES (?, ?, ?, ?)',
    );
    this.findLive = db.prepare(
      'SELECT "user_id" AS userId FROM "_http_sessions" WHERE "token" = ? AND "expired_at" IS NULL',
    );
  }

  /** A new token for the org's user. */
  issue(kind: SessionKind): string {
    const token = newToken(this.identity.orgId);
    this.insertToken.run(token, this.identity.userId, kind, new Date().toISOString());
    return token;
  }

  /** The user of a live token; undefined when unknown, revoked or expired. */
  userOf(token: string): string | undefined {
    const row = this.findLive.get(token) as { userId: string } | undefined;
    return row?.userId;
  }

  /** Ends one session (logout, OAuth revoke). False when it was not live. */
  revoke(token: string): boolean {
    const result = this.db
      .prepare(
        'UPDATE "_http_sessions" SET "expired_at" = ? WHERE "token" = ? AND "expired_at" IS NULL',
      )
      .run(new Date().toISOString(), token);
    return result.changes > 0;
  }

  /** Expires every live session, the direct token included; how many there were. */
  expireAll(): number {
    return this.db
      .prepare('UPDATE "_http_sessions" SET "expired_at" = ? WHERE "expired_at" IS NULL')
      .run(new Date().toISOString()).changes;
  }

  /**
   * The org's fixed access token for clients that skip login: the stored one while it is live,
   * else (first start, or after the admin expired it) a new one, stored for later starts.
   */
  directToken(): string {
    const row = this.db
      .prepare(
        `SELECT "token" FROM "_http_sessions" WHERE "kind" = 'direct' AND "expired_at" IS NULL
         ORDER BY "issued_at" DESC LIMIT 1`,
      )
      .get() as { token: string } | undefined;
    return row?.token ?? this.issue('direct');
  }
}
