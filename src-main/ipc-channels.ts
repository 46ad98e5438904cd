/** The two IPC channels between preload and main; method names travel inside them. */
export const IPC_CALL = 'connect-studio:call';
export const IPC_EVENT = 'connect-studio:event';
