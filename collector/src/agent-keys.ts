/**
 * Agent keys at rest. The protocol signs with HMAC-SHA256, so verifying needs the key itself:
 * storing only a hash would not do. Keys are therefore sealed (AES-256-GCM) with a master key
 * kept outside the database, in a key file created 0600: a copy or dump of the database alone
 * (backup, pg_dump, a stolen collector.db) lets nobody sign messages as an agent. The key file:
 * `--key-file` / AMR_COLLECTOR_KEY_FILE, else beside an SQLite database (`collector.db.key`), else
 * `collector.key` in the collector's data folder. Several collectors sharing one PostgreSQL need
 * the same key file (copy it like a TLS key). Keys stored in plain text by older versions are
 * sealed on the next start. A lost key file means every agent must be rekeyed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Db } from './db/types.js';

export class KeyFileError extends Error {}

const PREFIX = 'aes1:';
const b64 = (b: Buffer) => b.toString('base64url');

export interface KeyBox {
  file: string;
  seal(plain: string): string;
  open(stored: string): string;
}

function box(file: string, master: Buffer): KeyBox {
  return {
    file,
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', master, iv);
      const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `${PREFIX}${b64(iv)}:${b64(c.getAuthTag())}:${b64(ct)}`;
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored; // not yet sealed (older version); sealed on the next start
      const [iv, tag, ct] = stored.slice(PREFIX.length).split(':').map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
      try {
        const d = createDecipheriv('aes-256-gcm', master, iv);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
      } catch {
        throw new KeyFileError(`an agent key does not open with ${file}: this is not the key file the keys were sealed with`);
      }
    },
  };
}

/** Where the key file of a database is when nobody says. */
export function defaultKeyFile(db: Db): string {
  if (process.env.AMR_COLLECTOR_KEY_FILE) return process.env.AMR_COLLECTOR_KEY_FILE;
  if (db.label.startsWith('sqlite:') && db.label !== 'sqlite::memory:') return `${db.label.slice('sqlite:'.length)}.key`;
  const dir = process.getuid?.() === 0 ? '/var/lib/amr-collector' : join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'amr-collector');
  return join(dir, `collector-${createHash('sha256').update(db.label).digest('hex').slice(0, 12)}.key`);
}

const boxes = new WeakMap<Db, KeyBox>();

/**
 * The key box of a database: loads the key file (or creates it, 0600, when the database holds no
 * sealed key yet) and seals any key still stored in plain text.
 */
export async function agentKeyBox(db: Db, file?: string): Promise<KeyBox> {
  const known = boxes.get(db);
  if (known && (!file || known.file === file)) return known;
  if (db.label === 'sqlite::memory:' && !file) {
    const b = box('(memory)', randomBytes(32));
    boxes.set(db, b);
    return b;
  }
  const path = file ?? defaultKeyFile(db);
  let master: Buffer;
  if (existsSync(path)) {
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(path, 0o600);
    master = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
    if (master.length !== 32) throw new KeyFileError(`${path} is not an amr-collector key file (expected 32 bytes, base64url)`);
  } else {
    const sealed = await db.get(`SELECT agent_id FROM agents WHERE agent_key LIKE '${PREFIX}%'`);
    if (sealed) throw new KeyFileError(`the agent keys in ${db.label} are sealed with a key file that is not at ${path}: restore it there (or give --key-file / AMR_COLLECTOR_KEY_FILE), or rekey every agent`);
    master = randomBytes(32);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${b64(master)}\n`);
    } finally {
      closeSync(fd);
    }
  }
  const b = box(path, master);
  const plain = await db.all<{ agent_id: string; agent_key: string }>(`SELECT agent_id, agent_key FROM agents WHERE agent_key NOT LIKE '${PREFIX}%'`);
  for (const r of plain) await db.run('UPDATE agents SET agent_key = ? WHERE agent_id = ? AND agent_key = ?', [b.seal(r.agent_key), r.agent_id, r.agent_key]);
  boxes.set(db, b);
  return b;
}
