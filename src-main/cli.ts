import { runCli } from './commands';

// The `connect-studio` command line: the same services as the app, without a window.
void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
}).then((code) => {
  // Exit once output is flushed, even if a client library keeps a socket alive.
  process.stdout.write('', () => process.exit(code));
});
