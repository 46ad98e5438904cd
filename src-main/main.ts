import { app, BrowserWindow, ipcMain, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';
import type { SecretBox } from './cache';
import { SecretUnreadableError } from './cache';
import { contentSecurityPolicy } from './host';
import { IPC_CALL, IPC_EVENT } from './ipc-channels';
import { createStudio, type Studio } from './studio';

// The Electron shell: one window, one IPC channel into the same router the web host uses.

if (process.env.CONNECT_STUDIO_HOME) app.setPath('userData', process.env.CONNECT_STUDIO_HOME);

const safeStorageBox: SecretBox = {
  kind: 'safeStorage',
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (sealed) => {
    try {
      return safeStorage.decryptString(sealed);
    } catch (error) {
      throw new SecretUnreadableError(
        `the OS keychain could not decrypt it (${(error as Error).message})`,
      );
    }
  },
};

let studio: Studio | undefined;

function rendererEntry(): { url?: string; file: string } {
  const file = join(__dirname, '../renderer/index.html');
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  return devUrl ? { url: devUrl, file } : { file };
}

function createWindow(current: Studio): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    title: 'Connect Studio',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());

  // Navigation away from the app and new windows are refused; links open in the browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });

  const unsubscribe = current.events.subscribe((envelope) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT, envelope);
  });
  win.on('closed', unsubscribe);

  const entry = rendererEntry();
  if (entry.url) void win.loadURL(entry.url);
  else void win.loadFile(entry.file);
  return win;
}

void app.whenReady().then(() => {
  const secretBox = safeStorage.isEncryptionAvailable() ? safeStorageBox : undefined;
  studio = createStudio({ userDataDir: app.getPath('userData'), host: 'electron', secretBox });
  const current = studio;
  // OAuth sign-in opens the org's page in the user's browser, which comes back to a loopback port.
  current.connections.openExternal = (url) => void shell.openExternal(url);

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy(0).replace(/ ws:\/\/[^ ;]+/g, '')],
      },
    });
  });

  ipcMain.handle(IPC_CALL, async (event, method: unknown, params: unknown) => {
    // Only our own page may call; a frame from elsewhere gets nothing.
    const url = event.senderFrame?.url ?? '';
    if (
      !url.startsWith('file://') &&
      !(process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL))
    ) {
      throw new Error('refused: not the studio page');
    }
    const outcome = await current.router.call(String(method), params);
    if (outcome.ok) return outcome.result;
    // Errors crossing IPC lose their fields; send the body and let the renderer rebuild it.
    return Promise.reject(
      Object.assign(new Error(JSON.stringify(outcome.error)), { apiError: true }),
    );
  });

  createWindow(current);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(current);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// The studio may have started the local org and an embedded Postgres server: stop them before
// the process goes, so the database shuts down cleanly.
let closing = false;
app.on('will-quit', (event) => {
  if (!studio || closing) return;
  closing = true;
  event.preventDefault();
  void studio.close().finally(() => app.exit(0));
});
