// Small durable-file helpers: atomic replace (temp + fsync + rename + dir fsync) and private dirs.
import { closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, statSync, chmodSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, basename, join } from 'node:path'

/** Creates DIR (and parents) with mode 0700; tightens an existing one we own that is wider. */
export function ensurePrivateDir (dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const st = statSync(dir)
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, 0o700)
}

/** fsync a directory so a rename inside it survives a crash. */
export function fsyncDir (dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, constants.O_RDONLY)
    fsyncSync(fd)
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/**
 * Writes DATA to PATH atomically with mode 0600: a crash leaves either the old file or the new
 * one, never a torn mix.
 */
export function writeFileAtomic (path: string, data: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600)
  try {
    let off = 0
    while (off < data.length) off += writeSync(fd, data, off, data.length - off)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    try { unlinkSync(tmp) } catch {}
    throw err
  }
  closeSync(fd)
  renameSync(tmp, path)
  fsyncDir(dirname(path))
}
