import { afterAll } from 'vitest';
import { clearProxyVariables } from './proxy';
import { removeTempDirs } from './temp';

// Every server these tests talk to is on 127.0.0.1. jsforce reads the proxy variables once,
// when it is first loaded, and would send even local requests through a proxy: clear them
// before any test file imports it.
clearProxyVariables();

afterAll(() => removeTempDirs());
