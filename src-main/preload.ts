import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ApiError, isApiMethod, type ApiEventEnvelope } from '../src-shared/api';
import { IPC_CALL, IPC_EVENT } from './ipc-channels';

/**
 * The only door from the renderer to the main process: contract methods by name, and events.
 * Anything else (a made-up method name, a Node API) is not reachable from the page.
 */
const bridge = {
  host: 'electron' as const,
  call(method: string, params: unknown): Promise<unknown> {
    if (!isApiMethod(method)) {
      return Promise.reject(
        new ApiError('UNKNOWN_METHOD', `There is no method "${method}".`).toJSON(),
      );
    }
    return ipcRenderer.invoke(IPC_CALL, method, params);
  },
  subscribe(listener: (envelope: ApiEventEnvelope) => void): () => void {
    const handler = (_event: IpcRendererEvent, envelope: ApiEventEnvelope) => listener(envelope);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => ipcRenderer.off(IPC_EVENT, handler);
  },
};

export type ConnectStudioBridge = typeof bridge;

contextBridge.exposeInMainWorld('connectStudio', bridge);
