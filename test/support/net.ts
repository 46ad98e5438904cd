import { freePort } from '../../src-main/postgres';

/**
 * A port on 127.0.0.1 where nothing listens: the OS hands out a free one and it is released
 * at once, so connections to it are refused (ECONNREFUSED).
 */
export const closedPort = freePort;
