#!/usr/bin/env node
'use strict';
// Entry of the `connect-studio` command. The CLI is bundled with the app by electron-vite;
// on a fresh checkout it is built once, on first use.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const cli = join(root, 'out', 'main', 'cli.js');

if (!existsSync(cli)) {
  process.stderr.write('connect-studio: first run, building the app (npm run build)…\n');
  // electron-vite does not export its bin path, so reach it by folder.
  const viteBin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const built = spawnSync(process.execPath, [viteBin, 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0 || !existsSync(cli)) {
    process.stderr.write('connect-studio: the build failed; run `npm run build` to see why\n');
    process.exit(1);
  }
}

require(cli);
