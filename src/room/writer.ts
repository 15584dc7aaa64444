// The room service's writes: accepted and sent messages are journaled in batches and shown once
// written; a lone message on an idle member is written at once; chain keys are derived ahead
// when the member is idle. Ordering and durability rules are in docs/PROTOCOL.md ("Accepted messages").
import type { RoomTables, SqlStatement } from '../store/index.js'

export interface BatchWriterComponents<Shown> {
  tables: Pick<RoomTables, 'commit'>
  /** Shows one message (emits it); runs once its batch is in the journal. */
  show: (m: Shown) => void
  log: (message: string) => void
}

export interface BatchWriterOptions {
  /** fdatasync within this long, shared by the batches of that time (a power cut loses at most this much). */
  durableWithinMs: number
  /** A writer that flushed longer ago than this is idle: an urgent write runs at once. */
  idleFlushMs: number
  /** Chains a flush used derive their next message key this long after it. */
  prepareAfterMs: number
}

/** A chain whose next message key can be derived ahead (sender-keys.ts). */
export interface Preparable { prepareNext: () => void }

export class BatchWriter<Shown> {
  readonly #c: BatchWriterComponents<Shown>
  readonly #o: BatchWriterOptions
  readonly #jobs: Array<() => void> = []
  readonly #pending: SqlStatement[] = []
  readonly #pendingShow: Shown[] = []
  readonly #pendingAfter: Array<() => void> = []
  readonly #prepare = new Set<Preparable>()
  /** Rows built once per flush, however many messages touched them (a chain's state). */
  readonly #states = new Map<object, () => SqlStatement[]>()
  #prepareTimer: NodeJS.Timeout | undefined
  #flushScheduled = false
  #flushSoon = false
  #lastFlushAt = -Infinity
  #lastFlush: Promise<void> = Promise.resolve()

  constructor (components: BatchWriterComponents<Shown>, options: BatchWriterOptions) {
    this.#c = components
    this.#o = options
  }

  /**
   * Work that builds what the next flush writes and shows, run at the start of that flush (so a
   * relay forwards before spending time on its own copy). URGENT: see #schedule.
   */
  later (job: () => void, urgent = false): void {
    this.#jobs.push(job)
    this.#schedule(urgent)
  }

  /**
   * The next batch also writes what BUILD returns, called once at that flush however often this
   * is called for KEY meanwhile: a chain that accepted a hundred messages is written once.
   */
  state (key: object, build: () => SqlStatement[]): void {
    this.#states.set(key, build)
    this.#schedule()
  }

  /** Statements for the next batch, messages to show once it is written, work for once it is durable. */
  queue (statements: SqlStatement[], show: Shown[] = [], after?: () => void): void {
    this.#pending.push(...statements)
    this.#pendingShow.push(...show)
    if (after !== undefined) this.#pendingAfter.push(after)
    this.#schedule()
  }

  /** Statements queued and not yet written, handed to the caller (who writes them first). */
  takePending (): SqlStatement[] {
    const out = this.#pending.splice(0)
    for (const build of this.#states.values()) out.push(...build())
    this.#states.clear()
    return out
  }

  /** Derive CHAIN's next message key prepareAfterMs after the next flush. */
  prepare (chain: Preparable): void {
    this.#prepare.add(chain)
  }

  /**
   * The next flush runs after this I/O phase (setImmediate), so a burst of messages is written
   * and shown as one batch. An URGENT write when we have been idle for idleFlushMs runs as the
   * next microtask instead: a lone message is shown without waiting for the rest of the phase.
   */
  #schedule (urgent = false): void {
    if (urgent && !this.#flushSoon && performance.now() - this.#lastFlushAt > this.#o.idleFlushMs) {
      this.#flushSoon = true
      queueMicrotask(() => { this.#flushSoon = false; void this.flush() })
      return
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true
      setImmediate(() => { void this.flush() })
    }
  }

  /**
   * Writes queued rows and chain states as one batch, then shows its messages: once the journal
   * record is written (before this returns) a kill -9 loses nothing that was shown, and --exec
   * never sees a message twice. The fdatasync runs off the event loop within durableWithinMs,
   * shared by the batches of that time; a batch with work for after it (receipts: a receipt
   * tells the sender we keep it) or NOW asks for it at once, and that work runs once it is done.
   */
  async flush (options: { now?: boolean } = {}): Promise<void> {
    this.#lastFlushAt = performance.now()
    try {
      for (const job of this.#jobs.splice(0)) job() // what they queue joins this batch
    } finally {
      this.#flushScheduled = false
    }
    const statements = this.#pending.splice(0)
    for (const build of this.#states.values()) statements.push(...build())
    this.#states.clear()
    const shows = this.#pendingShow.splice(0)
    const afters = this.#pendingAfter.splice(0)
    let durable: Promise<void>
    try {
      durable = this.#c.tables.commit(statements, options.now === true || afters.length > 0 ? 0 : this.#o.durableWithinMs)
    } catch (err) {
      this.#c.log(`could not store ${shows.length} message(s): ${(err as Error).message}`)
      return await this.#lastFlush
    }
    for (const m of shows) this.#c.show(m)
    if (this.#prepare.size > 0 && this.#prepareTimer === undefined) {
      // after the members we just forwarded or published to had the CPU (on a shared box they
      // are still working on the message when this flush ends)
      this.#prepareTimer = setTimeout(() => {
        this.#prepareTimer = undefined
        for (const chain of this.#prepare) chain.prepareNext()
        this.#prepare.clear()
      }, this.#o.prepareAfterMs)
      this.#prepareTimer.unref()
    }
    const done = durable.then(() => { for (const f of afters) f() }, (err: Error) => {
      this.#c.log(`could not make ${shows.length} message(s) durable: ${err.message}`)
    })
    const previous = this.#lastFlush
    this.#lastFlush = (async () => { await previous; await done })()
    await this.#lastFlush
  }

  /** Writes STATEMENTS and everything queued at once, durably; nothing is derived ahead any more. */
  async close (statements: SqlStatement[]): Promise<void> {
    this.#pending.push(...statements)
    await this.flush({ now: true })
    clearTimeout(this.#prepareTimer)
    this.#prepareTimer = undefined
    this.#prepare.clear()
  }
}
