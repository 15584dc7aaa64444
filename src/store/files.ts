// Durable file primitives: atomic replace (temp file, fsync, rename, fsync dir) and directory fsync.
import fs from 'node:fs'
import { dirname } from 'node:path'

/** Store files are private to their owner (SPEC.md 3.10). */
export const FILE_MODE = 0o600
export const DIR_MODE = 0o700

/** Make a rename or a newly created file in DIR durable. */
export function fsyncDir (dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Replace PATH with CHUNKS so that a crash at any point leaves either the old file or the new one:
 * write `<path>.tmp`, fsync it, rename it over PATH, fsync the directory.
 */
export function writeFileAtomic (path: string, chunks: Uint8Array[]): void {
  const tmp = `${path}.tmp`
  const fd = fs.openSync(tmp, 'w', FILE_MODE)
  try {
    for (const chunk of chunks) {
      let off = 0
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off)
    }
    fs.fsyncSync(fd)
  } catch (err) {
    fs.closeSync(fd)
    fs.rmSync(tmp, { force: true })
    throw err
  }
  fs.closeSync(fd)
  fs.renameSync(tmp, path)
  fsyncDir(dirname(path))
}

/** Creates DIR (and parents) with mode 0700; tightens an existing one we own that is wider. */
export function ensurePrivateDir (dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE })
  const st = fs.statSync(dir)
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(dir, DIR_MODE)
}

/** Read a whole file, or undefined if it does not exist. */
export function readIfExists (path: string): Buffer | undefined {
  try {
    return fs.readFileSync(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
