/** A small real tmpfs (root only; CI runs as root): a disk that really fills up. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk { path: string; fill(): void; unfill(): void; unmount(): void }

export function mountTmpfs(sizeKb: number): SmallDisk {
  if (process.getuid?.() !== 0) throw new Error('a full-disk test mounts a small tmpfs and needs root (CI runs as root): run the tests as root');
  const path = mkdtempSync(join(tmpdir(), 'amr-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'tmpfs', path]);
  return {
    path,
    /** Take every free block with one file (its bytes up to the failure stay written). */
    fill() {
      const chunk = Buffer.alloc(4096, 0x61);
      for (let i = 0; ; i++) {
        try { writeFileSync(join(path, `.filler-${i}`), chunk); } catch { break; }
      }
    },
    /** Free what fill() took. */
    unfill() {
      for (const f of readdirSync(path)) if (f.startsWith('.filler-')) rmSync(join(path, f), { force: true });
    },
    unmount() {
      try { execFileSync('umount', ['-l', path]); } catch { /* not mounted */ }
      rmSync(path, { recursive: true, force: true });
    },
  };
}
