// The append-only journal `<path>.journal`: header, checksummed frames, torn-tail detection, appends.
//
// header (24 bytes) = "CNCLJRNL" · u32 version · u32 generation · u32 reserved (0) · u32 CRC-32 of bytes 0..19
// frame             = "CFRM" · u32 payload length · u32 CRC-32 of (length bytes ‖ payload) · payload
// All integers little-endian. A frame is written with one write(); it is made durable with
// fdatasync() before that write call returns, or later by sync() (group commit).
import fs from 'node:fs'
import { crc32 } from 'node:zlib'
import { CorruptFileError } from '../errors.js'
import {
  FRAME_HEADER_BYTES, FRAME_MAGIC, JOURNAL_HEADER_BYTES, JOURNAL_MAGIC, JOURNAL_SUFFIX, JOURNAL_VERSION,
  LEGACY_JOURNAL_SUFFIX, MAX_FRAME_PAYLOAD_BYTES
} from './constants.js'
import { FILE_MODE, writeFileAtomic } from './files.js'

export interface JournalScan {
  /** CRC-valid payloads, in order. */
  payloads: Buffer[]
  /** Offset just past the last valid frame. */
  validEnd: number
  /** Bytes of a torn last frame after validEnd (a crash during its write); 0 if none. */
  tornBytes: number
}

/** The journal of the store whose snapshot is PATH (constants.ts says why not `<path>-journal`). */
export function journalPathOf (path: string): string {
  return path + JOURNAL_SUFFIX
}

/** Where conclave kept that journal before issue 13. */
export function legacyJournalPathOf (path: string): string {
  return path + LEGACY_JOURNAL_SUFFIX
}

export function encodeJournalHeader (generation: number): Buffer {
  const header = Buffer.alloc(JOURNAL_HEADER_BYTES)
  JOURNAL_MAGIC.copy(header, 0)
  header.writeUInt32LE(JOURNAL_VERSION, 8)
  header.writeUInt32LE(generation, 12)
  header.writeUInt32LE(crc32(header.subarray(0, 20)), 20)
  return header
}

function corrupt (path: string, what: string): CorruptFileError {
  return new CorruptFileError(`the journal ${path} ${what}`, {
    hint: `the snapshot beside it is not affected: move ${path} elsewhere to open the store ` +
      'without the writes made since the last snapshot, or restore both files from a backup'
  })
}

/** Validate the header and return the journal's generation. */
export function readJournalHeader (path: string, bytes: Buffer): number {
  if (bytes.length === 0) throw corrupt(path, 'is empty (zero bytes)')
  if (bytes.length < JOURNAL_MAGIC.length || !bytes.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC)) {
    throw corrupt(path, 'is not a Conclave journal (bad magic)')
  }
  if (bytes.length < JOURNAL_HEADER_BYTES) throw corrupt(path, `has a truncated header (${bytes.length} bytes)`)
  if (bytes.readUInt32LE(20) !== crc32(bytes.subarray(0, 20))) throw corrupt(path, 'has a damaged header (checksum mismatch)')
  const version = bytes.readUInt32LE(8)
  if (version !== JOURNAL_VERSION) {
    throw new CorruptFileError(`the journal ${path} has format version ${version}; this conclave reads version ${JOURNAL_VERSION}`, {
      hint: 'upgrade conclave to a version that knows this store format'
    })
  }
  return bytes.readUInt32LE(12)
}

function frameCrc (bytes: Buffer, pos: number, length: number): number {
  return crc32(bytes.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + length), crc32(bytes.subarray(pos + 4, pos + 8)))
}

/** The payload of the intact frame at POS, or undefined when there is none. */
function frameAt (bytes: Buffer, pos: number): Buffer | undefined {
  if (pos + FRAME_HEADER_BYTES > bytes.length) return undefined
  if (bytes.compare(FRAME_MAGIC, 0, FRAME_MAGIC.length, pos, pos + FRAME_MAGIC.length) !== 0) return undefined
  const length = bytes.readUInt32LE(pos + 4)
  if (length === 0 || length > MAX_FRAME_PAYLOAD_BYTES) return undefined
  if (pos + FRAME_HEADER_BYTES + length > bytes.length) return undefined
  if (bytes.readUInt32LE(pos + 8) !== frameCrc(bytes, pos, length)) return undefined
  return bytes.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + length)
}

/**
 * Walk the frames after the header. The first frame that is not intact ends the walk. If no intact
 * frame starts anywhere after it, it is the torn tail of the last write (the only write a crash can
 * interrupt, since each one is fdatasync'ed before the next begins) and is reported in tornBytes.
 * If an intact frame does follow, the damage is not from a crash: throw CorruptFileError.
 */
export function scanJournalFrames (path: string, bytes: Buffer): JournalScan {
  const payloads: Buffer[] = []
  let pos = JOURNAL_HEADER_BYTES
  while (pos < bytes.length) {
    const payload = frameAt(bytes, pos)
    if (payload === undefined) break
    payloads.push(payload)
    pos += FRAME_HEADER_BYTES + payload.length
  }
  if (pos < bytes.length) {
    for (let p = bytes.indexOf(FRAME_MAGIC, pos + 1); p !== -1; p = bytes.indexOf(FRAME_MAGIC, p + 1)) {
      if (frameAt(bytes, p) !== undefined) {
        throw corrupt(path, `has a damaged record at byte ${pos} (record ${payloads.length + 1}) followed by intact records`)
      }
    }
  }
  return { payloads, validEnd: pos, tornBytes: bytes.length - pos }
}

/** An open journal, positioned for appends. */
export class JournalWriter {
  private constructor (readonly path: string, private fd: number, private end: number) {}

  /** Atomically replace PATH with an empty journal of GENERATION and open it. */
  static create (path: string, generation: number): JournalWriter {
    writeFileAtomic(path, [encodeJournalHeader(generation)])
    return new JournalWriter(path, fs.openSync(path, 'r+', FILE_MODE), JOURNAL_HEADER_BYTES)
  }

  /** Open an existing, scanned journal; a torn tail found by the scan is cut off first. */
  static resume (path: string, scan: JournalScan): JournalWriter {
    const fd = fs.openSync(path, 'r+', FILE_MODE)
    try {
      if (scan.tornBytes > 0) {
        fs.ftruncateSync(fd, scan.validEnd)
        fs.fdatasyncSync(fd)
      }
    } catch (err) {
      fs.closeSync(fd)
      throw err
    }
    return new JournalWriter(path, fd, scan.validEnd)
  }

  /** Bytes in the journal, header included. */
  get size (): number {
    return this.end
  }

  /**
   * Append one frame and make it durable (SYNC false: written, but durable only once a later
   * sync()/syncSync() returns). On failure the journal is cut back to where it was.
   */
  append (payload: Buffer, sync = true): void {
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES)
    FRAME_MAGIC.copy(header, 0)
    header.writeUInt32LE(payload.length, 4)
    header.writeUInt32LE(crc32(payload, crc32(header.subarray(4, 8))), 8)
    const total = FRAME_HEADER_BYTES + payload.length
    try {
      let written = fs.writevSync(this.fd, [header, payload], this.end)
      // A short write (rare: signals, huge frames) continues where it stopped.
      while (written < total) {
        const rest = Buffer.concat([header, payload]).subarray(written)
        written += fs.writeSync(this.fd, rest, 0, rest.length, this.end + written)
      }
      if (sync) fs.fdatasyncSync(this.fd)
    } catch (err) {
      try {
        fs.ftruncateSync(this.fd, this.end)
      } catch {
        // The partial frame stays; it is the torn tail that the next open cuts off.
      }
      throw err
    }
    this.end += total
  }

  /** Callers waiting for the next fdatasync, and the batch whose fdatasync runs now. */
  private waiting: SyncWaiter[] = []
  private inFlight: SyncWaiter[] | undefined
  /** A later fdatasync that WITHINMS callers are waiting for, and when it is due. */
  private timer: NodeJS.Timeout | undefined
  private timerDue = Infinity

  /**
   * Resolves once every frame appended so far is on disk. The fdatasync runs on libuv's thread
   * pool, so the event loop keeps going, and callers that arrive meanwhile share the next one
   * (group commit): at most one fdatasync in flight, one more queued. WITHINMS > 0 lets it wait
   * up to that long for more frames to share it (group commit over time, like Redis's
   * `appendfsync everysec`): the frames are already written, so only a power cut can lose them.
   */
  async sync (withinMs = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject, settled: false })
      if (withinMs <= 0) {
        this.kick()
        return
      }
      const due = Date.now() + withinMs
      if (this.timer !== undefined && this.timerDue <= due) return
      clearTimeout(this.timer)
      this.timerDue = due
      this.timer = setTimeout(() => { this.kick() }, withinMs)
      this.timer.unref() // close() syncs what is left
    })
  }

  private kick (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.timerDue = Infinity
    if (this.inFlight !== undefined || this.waiting.length === 0 || this.fd < 0) return
    const batch = this.waiting
    this.waiting = []
    this.inFlight = batch
    fs.fdatasync(this.fd, (err) => {
      if (this.inFlight === batch) this.inFlight = undefined
      for (const w of batch) settle(w, err ?? undefined)
      this.kick()
    })
  }

  /** Makes everything durable now, synchronously, and settles every waiter (before a close or a snapshot). */
  syncSync (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.timerDue = Infinity
    const waiters = [...(this.inFlight ?? []), ...this.waiting]
    this.inFlight = undefined
    this.waiting = []
    if (waiters.length === 0) return
    let error: Error | undefined
    try {
      fs.fdatasyncSync(this.fd)
    } catch (err) {
      error = err as Error
    }
    for (const w of waiters) settle(w, error)
  }

  close (): void {
    if (this.fd < 0) return
    this.syncSync()
    fs.closeSync(this.fd)
    this.fd = -1
  }
}

interface SyncWaiter { resolve: () => void, reject: (err: Error) => void, settled: boolean }

function settle (w: SyncWaiter, err: Error | undefined): void {
  if (w.settled) return
  w.settled = true
  if (err === undefined) w.resolve()
  else w.reject(err)
}
