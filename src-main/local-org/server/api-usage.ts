// The org's DailyApiRequests counter: one call per authenticated REST request (a composite or a
// Bulk request counts once), per UTC day, kept in the store's database so a restart on the same
// file does not hand out a fresh allowance. Logins do not count, as on a real org.

import type Database from 'better-sqlite3';

export const DEFAULT_DAILY_API_LIMIT = 15_000;

export interface ApiUsageFigures {
  used: number;
  max: number;
}

export class ApiUsage {
  private readonly readUsed: Database.Statement;
  private readonly bump: Database.Statement;
  private readonly setUsed: Database.Statement;
  private readonly max: number;
  private readonly now: () => Date;

  constructor(db: Database.Database, options: { max?: number; now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
    db.exec(`CREATE TABLE IF NOT EXISTS "_http_api_usage" (
      "day" TEXT PRIMARY KEY,
      "used" INTEGER NOT NULL
    )`);
    db.exec(`CREATE TABLE IF NOT EXISTS "_http_settings" (
      "key" TEXT PRIMARY KEY,
      "value" TEXT NOT NULL
    )`);
    if (options.max !== undefined) {
      if (!Number.isInteger(options.max) || options.max < 1) {
        throw new Error(
          `The daily API limit must be a whole number of 1 or more, not ${options.max}`,
        );
      }
      db.prepare(
        `INSERT INTO "_http_settings" ("key", "value") VALUES ('daily_api_limit', ?)
         ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"`,
      ).run(String(options.max));
      this.max = options.max;
    } else {
      const stored = db
        .prepare(`SELECT "value" FROM "_http_settings" WHERE "key" = 'daily_api_limit'`)
        .get() as { value: string } | undefined;
      this.max = stored ? Number(stored.value) : DEFAULT_DAILY_API_LIMIT;
    }
    this.readUsed = db.prepare('SELECT "used" FROM "_http_api_usage" WHERE "day" = ?');
    this.bump = db.prepare(
      `INSERT INTO "_http_api_usage" ("day", "used") VALUES (?, 1)
       ON CONFLICT ("day") DO UPDATE SET "used" = "used" + 1`,
    );
    this.setUsed = db.prepare(
      `INSERT INTO "_http_api_usage" ("day", "used") VALUES (?, ?)
       ON CONFLICT ("day") DO UPDATE SET "used" = excluded."used"`,
    );
  }

  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  current(): ApiUsageFigures {
    const row = this.readUsed.get(this.today()) as { used: number } | undefined;
    return { used: row?.used ?? 0, max: this.max };
  }

  /** Counts one call; false (and nothing counted) when the day's allowance is used up. */
  count(): boolean {
    if (this.current().used >= this.max) return false;
    this.bump.run(this.today());
    return true;
  }

  /** Admin: the rest of the day's requests fail with REQUEST_LIMIT_EXCEEDED. */
  exhaust(): ApiUsageFigures {
    this.setUsed.run(this.today(), this.max);
    return this.current();
  }

  /** Admin: a fresh allowance for today. */
  reset(): ApiUsageFigures {
    this.setUsed.run(this.today(), 0);
    return this.current();
  }

  /** The `Sforce-Limit-Info` header value. */
  header(): string {
    const { used, max } = this.current();
    return `api-usage=${used}/${max}`;
  }
}
