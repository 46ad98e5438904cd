import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Encrypts the secrets of connection profiles before they reach the cache. The desktop app
 * uses Electron's safeStorage (the OS keychain); elsewhere a random AES-256-GCM key kept in a
 * file only its owner may read.
 */
export interface SecretBox {
  readonly kind: 'safeStorage' | 'keyFile';
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export class SecretUnreadableError extends Error {
  override readonly name = 'SecretUnreadableError';
}

const MAGIC = Buffer.from('CS1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export class KeyFileSecretBox implements SecretBox {
  readonly kind = 'keyFile' as const;
  private readonly key: Buffer;

  constructor(readonly keyFile: string) {
    this.key = loadOrCreateKey(keyFile);
  }

  encrypt(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): string {
    const head = MAGIC.length;
    if (sealed.length < head + IV_BYTES + TAG_BYTES || !sealed.subarray(0, head).equals(MAGIC)) {
      throw new SecretUnreadableError('the stored secret is not in a format this studio wrote');
    }
    const iv = sealed.subarray(head, head + IV_BYTES);
    const tag = sealed.subarray(head + IV_BYTES, head + IV_BYTES + TAG_BYTES);
    const body = sealed.subarray(head + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(
        `the stored secret cannot be decrypted with the key in ${this.keyFile} (was the key file replaced?)`,
      );
    }
  }
}

function loadOrCreateKey(keyFile: string): Buffer {
  if (existsSync(keyFile)) {
    // Tighten permissions that someone loosened; the key is only as safe as its file.
    if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0) {
      chmodSync(keyFile, 0o600);
    }
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (key.length === KEY_BYTES) return key;
    throw new Error(
      `The secrets key file ${keyFile} is damaged (expected ${KEY_BYTES} bytes of base64). ` +
        'Move it away to create a new one; saved passwords and tokens must then be entered again.',
    );
  }
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  writeFileSync(keyFile, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
