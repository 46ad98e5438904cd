/** Where a command writes: stdout for results (JSON when asked), stderr for one-line reasons. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  /** Words that select it, e.g. ['org', 'test']. */
  path: string[];
  summary: string;
  help: string;
  run(args: string[], io: CliIo): Promise<number>;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(JSON.stringify(value) + '\n');
}
