import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 where nothing listens: bound by the OS to prove it free, then released.
 * Connections to it are refused (ECONNREFUSED).
 */
export function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
