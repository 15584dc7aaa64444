// The single-writer lock `<path>.lock`: created with O_EXCL, holds pid, host and start time.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { hostname } from 'node:os'
import { StoreLockedError } from '../errors.js'
import { FILE_MODE } from './files.js'

interface LockOwner {
  pid: number
  host: string
  /** Process start, ms since epoch: tells a live process from an earlier one that had the same pid. */
  started: number
  /** Random per lock: a released or replaced lock is never mistaken for ours. */
  nonce: string
}

/** An unreadable lock file younger than this may be one being written right now. */
const UNREADABLE_LOCK_GRACE_MS = 5000
/** Tolerance when comparing process start times (process.uptime() is not exact). */
const START_TIME_SLACK_MS = 2000

function processStart (): number {
  return Math.round(Date.now() - process.uptime() * 1000)
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function parseOwner (text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string' &&
        typeof o.started === 'number' && typeof o.nonce === 'string') {
      return o as LockOwner
    }
  } catch {}
  return undefined
}

export class StoreLock {
  private released = false

  private constructor (readonly lockPath: string, private readonly content: string) {}

  /**
   * Take the writer lock of the store at STOREPATH. A lock left by a process that no longer
   * runs on this host is taken over; a live one (or one on another host) → StoreLockedError.
   */
  static acquire (storePath: string): StoreLock {
    const lockPath = `${storePath}.lock`
    const owner: LockOwner = { pid: process.pid, host: hostname(), started: processStart(), nonce: randomBytes(8).toString('hex') }
    const content = JSON.stringify(owner) + '\n'
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fd = fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, FILE_MODE)
        try {
          fs.writeSync(fd, content)
        } finally {
          fs.closeSync(fd)
        }
        return new StoreLock(lockPath, content)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      StoreLock.removeIfStale(storePath, lockPath)
    }
    throw new StoreLockedError(`could not take the lock ${lockPath}: other processes keep taking it`)
  }

  /** Throw StoreLockedError if the lock at LOCKPATH is held; move it away if it is stale. */
  private static removeIfStale (storePath: string, lockPath: string): void {
    let text: string
    let mtimeMs: number
    try {
      text = fs.readFileSync(lockPath, 'utf8')
      mtimeMs = fs.statSync(lockPath).mtimeMs
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return // released meanwhile: try again
      throw err
    }
    const owner = parseOwner(text)
    if (owner === undefined) {
      if (Date.now() - mtimeMs < UNREADABLE_LOCK_GRACE_MS) throw locked(storePath, lockPath, undefined)
    } else if (owner.host !== hostname()) {
      throw locked(storePath, lockPath, owner)
    } else if (owner.pid === process.pid) {
      // Our own pid: this very process holds it, or an earlier process that had our pid (a
      // container restarted as pid 1) left it behind.
      if (Math.abs(owner.started - processStart()) < START_TIME_SLACK_MS) throw locked(storePath, lockPath, owner)
    } else if (isAlive(owner.pid)) {
      throw locked(storePath, lockPath, owner)
    }
    // Stale. Rename it away rather than unlinking, so that of two processes taking over the same
    // stale lock only one succeeds; the other finds the file gone (ENOENT) and tries again.
    const aside = `${lockPath}.stale-${process.pid}`
    try {
      fs.renameSync(lockPath, aside)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    const moved = fs.readFileSync(aside, 'utf8')
    if (moved !== text) {
      // Someone replaced the stale lock with a fresh one between our read and our rename: put it
      // back (link fails if yet another lock appeared) and report it as held.
      try {
        fs.linkSync(aside, lockPath)
      } catch {}
      fs.rmSync(aside, { force: true })
      throw locked(storePath, lockPath, parseOwner(moved))
    }
    fs.rmSync(aside, { force: true })
  }

  /** Remove the lock file if it is still ours. Idempotent; never throws. */
  release (): void {
    if (this.released) return
    this.released = true
    try {
      if (fs.readFileSync(this.lockPath, 'utf8') === this.content) fs.unlinkSync(this.lockPath)
    } catch {}
  }
}

function locked (storePath: string, lockPath: string, owner: LockOwner | undefined): StoreLockedError {
  const who = owner === undefined
    ? 'another process (its lock file is being written)'
    : `process ${owner.pid}${owner.host === hostname() ? '' : ` on host ${owner.host}`}${owner.pid === process.pid ? ' (this process)' : ''}`
  return new StoreLockedError(`the store at ${storePath} is in use by ${who}`, {
    hint: 'another conclave command of this home is still running and does not serve the control socket ' +
      `(a one-shot command); run it again when that one is done. If no conclave process is running, delete ${lockPath}`
  })
}
