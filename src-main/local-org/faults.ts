// Failure scenarios on demand (the admin endpoint and `connect-studio local-org fault` set
// them): a sync tool must survive lock errors, 503s, slow or dropped connections, expired
// sessions and an exhausted daily limit, and nobody can make a real org do that at will.
//
// A rule fires for the next `count` matching events, or for a `share` (0–1) of them, or both
// (a share of the next count). Write faults hit each record written through any surface
// (single, collections, composite, Bulk 2.0 rows), so a batch gets per-record failures.

import { seededRandom } from '../../src-shared/random';
import { SalesforceError } from './errors';

export interface FaultRule {
  count?: number;
  share?: number;
}

export interface WriteFaultRule extends FaultRule {
  /** UNABLE_TO_LOCK_ROW, REQUEST_LIMIT_EXCEEDED, … */
  errorCode: string;
  message?: string;
  /** Only writes to this object (case-insensitive); default every object. */
  object?: string;
}

export interface FaultPlan {
  writes?: WriteFaultRule;
  /** Answer API requests with HTTP 503 SERVER_UNAVAILABLE. */
  unavailable?: FaultRule;
  /** Destroy the socket without answering (the client sees ECONNRESET / socket hang up). */
  drop?: FaultRule;
  /** Added before every API request is handled. */
  latencyMs?: number;
  /** Makes `share` draws repeatable: the same seed fails the same events. */
  seed?: number;
}

export interface FaultState {
  plan: FaultPlan;
  /** How many faults of each kind fired since the plan was set. */
  fired: { writes: number; unavailable: number; drop: number };
}

export type RequestFault = { kind: 'none' | 'unavailable' | 'drop'; latencyMs: number };

/** Known texts for the codes a test most often injects; others get a generic message. */
const MESSAGES: Record<string, string> = {
  UNABLE_TO_LOCK_ROW: 'unable to obtain exclusive access to this record or 1 records',
  REQUEST_LIMIT_EXCEEDED: 'TotalRequests Limit exceeded.',
  SERVER_UNAVAILABLE: 'Server unavailable, please try again later.',
};

const STATUS: Record<string, number> = { REQUEST_LIMIT_EXCEEDED: 403 };

class Counter {
  fired = 0;
  constructor(
    private readonly rule: FaultRule | undefined,
    private readonly random: () => number,
  ) {}

  /** Whether this event is hit, consuming one of `count`. */
  hit(): boolean {
    const rule = this.rule;
    if (!rule) return false;
    if (rule.count !== undefined && rule.count - this.consumed <= 0) return false;
    this.consumed++;
    const hit = rule.share === undefined || this.random() < rule.share;
    if (hit) this.fired++;
    return hit;
  }

  private consumed = 0;
}

export class Faults {
  private plan: FaultPlan = {};
  private writes!: Counter;
  private unavailable!: Counter;
  private drop!: Counter;

  constructor(private readonly random: () => number = Math.random) {
    this.set({});
  }

  /** Replaces the plan (an empty plan clears every fault). Throws on a malformed plan. */
  set(plan: FaultPlan): void {
    checkPlan(plan);
    this.plan = plan;
    const random = plan.seed === undefined ? this.random : seededRandom(plan.seed);
    this.writes = new Counter(plan.writes, random);
    this.unavailable = new Counter(plan.unavailable, random);
    this.drop = new Counter(plan.drop, random);
  }

  state(): FaultState {
    return {
      plan: this.plan,
      fired: {
        writes: this.writes.fired,
        unavailable: this.unavailable.fired,
        drop: this.drop.fired,
      },
    };
  }

  /** Called once per API request, before it is handled. */
  onRequest(): RequestFault {
    const latencyMs = this.plan.latencyMs ?? 0;
    if (this.drop.hit()) return { kind: 'drop', latencyMs };
    if (this.unavailable.hit()) return { kind: 'unavailable', latencyMs };
    return { kind: 'none', latencyMs };
  }

  /** Called once per record write; the error to raise instead of writing, if any. */
  onWrite(objectName: string): SalesforceError | undefined {
    const rule = this.plan.writes;
    if (!rule) return undefined;
    if (rule.object && rule.object.toLowerCase() !== objectName.toLowerCase()) return undefined;
    if (!this.writes.hit()) return undefined;
    const message = rule.message ?? MESSAGES[rule.errorCode] ?? `${rule.errorCode} (injected)`;
    return new SalesforceError(rule.errorCode, message, [], STATUS[rule.errorCode] ?? 400);
  }
}

function checkRule(rule: FaultRule | undefined, name: string): void {
  if (!rule) return;
  if (rule.count !== undefined && (!Number.isInteger(rule.count) || rule.count < 0)) {
    throw new Error(`${name}.count must be a whole number of 0 or more, not ${rule.count}`);
  }
  if (rule.share !== undefined && !(rule.share >= 0 && rule.share <= 1)) {
    throw new Error(`${name}.share must be between 0 and 1 (0.1 is 10%), not ${rule.share}`);
  }
  if (rule.count === undefined && rule.share === undefined) {
    throw new Error(`${name} needs a count (the next N) or a share (0–1) of requests`);
  }
}

function checkPlan(plan: FaultPlan): void {
  checkRule(plan.writes, 'writes');
  if (plan.writes && !/^[A-Z_]+$/.test(plan.writes.errorCode ?? '')) {
    throw new Error(
      `writes.errorCode must be a Salesforce status code such as UNABLE_TO_LOCK_ROW, not '${String(plan.writes.errorCode)}'`,
    );
  }
  checkRule(plan.unavailable, 'unavailable');
  checkRule(plan.drop, 'drop');
  if (plan.seed !== undefined && !Number.isInteger(plan.seed)) {
    throw new Error(`seed must be a whole number, not ${plan.seed}`);
  }
  if (plan.latencyMs !== undefined && !(plan.latencyMs >= 0 && plan.latencyMs <= 600_000)) {
    throw new Error(`latencyMs must be between 0 and 600000, not ${plan.latencyMs}`);
  }
}
