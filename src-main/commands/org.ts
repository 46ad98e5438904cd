// The org a command names, turned into what the command needs: a Salesforce target to sign in
// to, or describes (from a folder, or fetched from a live org for just the objects the work
// reaches). soql and mapping commands share this so an org means the same thing everywhere.
import type { DescribeCatalog } from '../../src-shared/salesforce';
import {
  DescribeSourceError,
  LiveDescribes,
  connectToSalesforce,
  explainSalesforceError,
  loadDescribeDir,
  targetOrigin,
  type SalesforceTarget,
} from '../salesforce';
import { ProblemsFound, UsageError } from './errors';
import type { CliIo } from './io';
import { resolveOrgSelection, type OrgSelection, type ParsedValues } from './options';
import { openStudioForCli } from './studio-for-cli';

/** Names the ways to give an org, for a usage error that says what the org is for. */
export function noOrgMessage(purpose: string): string {
  return (
    `Name the org ${purpose}: --describe DIR (offline), --org NAME, ` +
    '--instance-url and --access-token, or --login-url/--username/--password'
  );
}

export function requireOrg(values: ParsedValues, io: CliIo, purpose: string): OrgSelection {
  const selection = resolveOrgSelection(values, io.env);
  if (!selection) throw new UsageError(noOrgMessage(purpose));
  return selection;
}

/**
 * Where describes come from: `describeFor(work)` returns a catalog holding all that `work`
 * reaches, and what `work` returned on that catalog.
 */
export interface DescribeProvider {
  describeFor<T>(
    work: (catalog: DescribeCatalog) => T,
  ): Promise<{ catalog: DescribeCatalog; result: T }>;
  /** The API version of a live org's connection; undefined for a describe folder. */
  apiVersion?: string;
}

/** Describes for the org a command names; failures become one-line reasons. */
export async function openDescribes(
  selection: OrgSelection,
  values: ParsedValues,
  io: CliIo,
): Promise<DescribeProvider> {
  if (selection.kind === 'describe') {
    let catalog: DescribeCatalog;
    try {
      catalog = loadDescribeDir(selection.dir);
    } catch (error) {
      if (error instanceof DescribeSourceError) {
        throw new UsageError(`--describe: ${error.message}`);
      }
      throw error;
    }
    return { describeFor: (work) => Promise.resolve({ catalog, result: work(catalog) }) };
  }
  const target = salesforceTargetOf(selection, values, io);
  const explained = (error: unknown): Error => {
    if (error instanceof DescribeSourceError) return new ProblemsFound(error.message);
    const { message, hint } = explainSalesforceError(error, targetOrigin(target));
    return new ProblemsFound(hint ? `${message} ${hint}` : message);
  };
  let live: LiveDescribes;
  try {
    live = new LiveDescribes(await connectToSalesforce(target));
  } catch (error) {
    throw explained(error);
  }
  return {
    apiVersion: target.apiVersion,
    async describeFor(work) {
      try {
        return await live.describeFor(work);
      } catch (error) {
        throw explained(error);
      }
    },
  };
}

/** The sign-in details of a live org selection (a saved profile is read from the cache). */
export function salesforceTargetOf(
  selection: Exclude<OrgSelection, { kind: 'describe' }>,
  values: ParsedValues,
  io: CliIo,
): SalesforceTarget {
  switch (selection.kind) {
    case 'token':
      return {
        method: 'token',
        instanceUrl: selection.instanceUrl,
        accessToken: selection.accessToken,
        apiVersion: selection.apiVersion,
      };
    case 'password':
      return {
        method: 'password',
        loginUrl: selection.loginUrl,
        username: selection.username,
        password: selection.password,
        apiVersion: selection.apiVersion,
      };
    case 'profile': {
      const studio = openStudioForCli(values, io.env, 'cli');
      try {
        const profile = studio.profiles.find(selection.name);
        if (!profile || profile.kind !== 'salesforce') {
          throw new UsageError(
            `No Salesforce profile named "${selection.name}"; list them with connect-studio profiles list`,
          );
        }
        return studio.profiles.salesforceTarget(profile.id);
      } finally {
        void studio.close();
      }
    }
  }
}
