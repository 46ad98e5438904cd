import { appVersion } from '../studio';
import { dbTestCommand, orgTestCommand, profilesListCommand } from './connections';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, ProblemsFound, UsageError } from './errors';
import type { CliIo, Command } from './io';
import { startCommand } from './start';
import { soqlCheckCommand, soqlFormatCommand, soqlToSqlCommand } from './soql';
import {
  mappingApplyCommand,
  mappingDdlCommand,
  mappingExportCommand,
  mappingValidateCommand,
} from './mapping';
import { dbStartCommand } from './db';
import { localOrgCommand, localOrgFaultCommand } from './local-org';
import { syncCommand } from './sync';
import {
  triggerLogIgnoreCommand,
  triggerLogListCommand,
  triggerLogRetryCommand,
} from './trigger-log';
import { demoCommand } from './demo';

export { UsageError, ProblemsFound, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './errors';
export type { CliIo, Command } from './io';
export * from './options';

/** Every command of `connect-studio`; later commands register here. */
export const commands: Command[] = [
  startCommand,
  orgTestCommand,
  dbTestCommand,
  profilesListCommand,
  soqlCheckCommand,
  soqlFormatCommand,
  soqlToSqlCommand,
  mappingValidateCommand,
  mappingDdlCommand,
  mappingApplyCommand,
  mappingExportCommand,
  dbStartCommand,
  localOrgCommand,
  localOrgFaultCommand,
  syncCommand,
  triggerLogListCommand,
  triggerLogRetryCommand,
  triggerLogIgnoreCommand,
  demoCommand,
];

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return `Connect Studio ${appVersion()}: map and debug Salesforce <-> Postgres sync.

Usage: connect-studio <command> [options]

Commands:
${lines.join('\n')}

  connect-studio <command> --help   options of one command
  connect-studio --version          the version

Exit codes: 0 success, 1 the command found problems, 2 bad usage.
`;
}

/** Runs one command line; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout(usage());
      return EXIT_OK;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.stdout(appVersion() + '\n');
      return EXIT_OK;
    }
    const command = findCommand(argv);
    const rest = argv.slice(command.path.length);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(command.help + '\n');
      return EXIT_OK;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`connect-studio: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ProblemsFound) {
      io.stderr(`connect-studio: ${error.message}\n`);
      return EXIT_PROBLEMS;
    }
    const reason = error instanceof Error ? error.message : String(error);
    io.stderr(`connect-studio: ${reason}\n`);
    return EXIT_PROBLEMS;
  }
}

function findCommand(argv: string[]): Command {
  const match = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (match) return match;
  const group = commands.filter((c) => c.path[0] === argv[0]);
  if (group.length > 0) {
    throw new UsageError(
      `"${argv.slice(0, 2).join(' ')}" is not a command; try ${group.map((c) => c.path.join(' ')).join(', ')}`,
    );
  }
  throw new UsageError(`Unknown command "${argv[0]}"; run connect-studio --help for the list`);
}
