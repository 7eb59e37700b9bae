// A full disk, for real: the tests that fill one mount a small tmpfs of their own (as root).
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Fills the file system of `dir` until it refuses a write; the filler's path (delete it for room). */
export function fillFileSystem(dir) {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(1 << 16, 7);
  try { for (;;) writeSync(fd, block); } catch { /* ENOSPC: full */ }
  closeSync(fd);
  return path;
}
