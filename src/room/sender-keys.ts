// Sender chains (Megolm-like): the outbound chain a member encrypts with, the inbound chains it
// decrypts others with; the ratchet, the bounded skipped-key window, and their stored form.
//
// Ratchet (docs/PROTOCOL-messages.md): MK_i = HMAC-SHA256(CK_i, 0x01), CK_{i+1} = HMAC-SHA256(CK_i, 0x02),
// AEAD key ‖ nonce = HKDF-SHA256(ikm = MK_i, salt = empty, info = "conclave message key v1\0", 44).
// A fixed nonce per key is safe because every message key encrypts exactly one message.
import { inspect } from 'node:util'
import type { SenderKey } from '../../topics/envelope.js'
import { AEAD_KEY_LENGTH, AEAD_NONCE_LENGTH, hkdfSha256, hmacSha256, randomBytes, wipe } from '../crypto/index.js'
import { CorruptFileError, MalformedInputError } from '../errors.js'
import { CHAIN_KEY_LENGTH, MESSAGE_KEY_LABEL, ROOM_ID_LENGTH, SENDER_LENGTH, UINT32_MAX } from '../wire/envelope.js'

export { CHAIN_KEY_LENGTH }
/** Skipped message keys an inbound chain keeps for out-of-order arrival (oldest dropped first). */
export const MAX_SKIPPED_KEYS = 1000
/** Largest jump ahead an inbound chain makes for one message (messages skipped in between). */
export const MAX_GAP = 2000
/**
 * Skipped indexes one sender's chain may make us derive, as a budget that refills: a member who
 * jumps MAX_GAP indexes per message makes every receiver derive (and store) that many keys per
 * message; past the budget such messages are refused ('too-far', IGNOREd) until it refills. An
 * honest jump (we were away for a thousand messages) costs it once.
 */
export const GAP_BUDGET = 2 * MAX_GAP
export const GAP_REFILL_PER_SECOND = 100
/** The last usable index; the room rotates chains long before (a new epoch or a new chain). */
export const MAX_CHAIN_INDEX = UINT32_MAX - 1

const MESSAGE_KEY_INFO = new TextEncoder().encode(MESSAGE_KEY_LABEL)
const EMPTY = new Uint8Array(0)
const ONE = Uint8Array.of(0x01)
const TWO = Uint8Array.of(0x02)

const STATE_OUTBOUND_V1 = 0x01
const STATE_INBOUND_V1 = 0x02
const HEADER_STATE_LENGTH = 1 + ROOM_ID_LENGTH + 4 + SENDER_LENGTH

/** One message's AEAD key and nonce, for chain position `index`. Wipe both after use. */
export interface MessageKey { index: number, key: Uint8Array, nonce: Uint8Array }

/**
 * Why an inbound chain has no key for an index: 'replay' — handed out already; 'expired' — below the
 * skipped-key window (handed out or dropped); 'before-start' — earlier than the key we were given;
 * 'too-far' — more than MAX_GAP ahead of the chain, or past MAX_CHAIN_INDEX.
 */
export type MissingKeyReason = 'replay' | 'expired' | 'before-start' | 'too-far'
export type MessageKeyResult = ({ ok: true } & MessageKey) | { ok: false, reason: MissingKeyReason }

export function messageKeySeed (chainKey: Uint8Array): Uint8Array { return hmacSha256(chainKey, ONE) }
export function nextChainKey (chainKey: Uint8Array): Uint8Array { return hmacSha256(chainKey, TWO) }

/** AEAD key ‖ nonce from a message key seed MK_i. */
export function deriveMessageKey (index: number, mk: Uint8Array): MessageKey {
  const okm = hkdfSha256(mk, EMPTY, MESSAGE_KEY_INFO, AEAD_KEY_LENGTH + AEAD_NONCE_LENGTH)
  const out = { index, key: okm.slice(0, AEAD_KEY_LENGTH), nonce: okm.slice(AEAD_KEY_LENGTH) }
  wipe(okm)
  return out
}

/** One ratchet step from CK_i: the message key for index i and CK_{i+1}. */
interface Step { key: MessageKey, chainKey: Uint8Array }

function step (index: number, chainKey: Uint8Array): Step {
  const mk = messageKeySeed(chainKey)
  const key = deriveMessageKey(index, mk)
  wipe(mk)
  return { key, chainKey: nextChainKey(chainKey) }
}

function wipeStep (s: Step | undefined): void {
  if (s !== undefined) { wipe(s.key.key); wipe(s.key.nonce); wipe(s.chainKey) }
}

interface ChainId { roomId: Uint8Array, epoch: number, sender: Uint8Array }
/** The fields of a SenderKey (topics/envelope.proto), with any Uint8Array. */
export interface SenderKeyFields extends ChainId { index: number, chainKey: Uint8Array }

function checkChainId (id: ChainId): void {
  if (!(id.roomId instanceof Uint8Array) || id.roomId.length !== ROOM_ID_LENGTH) throw new MalformedInputError(`"roomId" expected ${ROOM_ID_LENGTH} bytes`)
  if (!(id.sender instanceof Uint8Array) || id.sender.length !== SENDER_LENGTH) throw new MalformedInputError(`"sender" expected ${SENDER_LENGTH} bytes`)
  if (!Number.isInteger(id.epoch) || id.epoch < 0 || id.epoch > UINT32_MAX) throw new MalformedInputError(`"epoch" expected an integer between 0 and ${UINT32_MAX}, got ${String(id.epoch)}`)
}

function checkIndex (index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHAIN_INDEX + 1) throw new MalformedInputError(`"index" expected an integer between 0 and ${MAX_CHAIN_INDEX + 1}, got ${String(index)}`)
}

const short = (b: Uint8Array): string => Buffer.from(b.subarray(0, 4)).toString('hex') + '…'

function describe (cls: string, id: ChainId, extra: string): string {
  return `${cls}(room=${short(id.roomId)}, epoch=${id.epoch}, sender=${short(id.sender)}, ${extra}, <chain key redacted>)`
}

/** Big-endian fixed-layout writer/reader for the stored state. */
class StateWriter {
  readonly bytes: Uint8Array
  readonly #view: DataView
  at = 0
  constructor (length: number) { this.bytes = new Uint8Array(length); this.#view = new DataView(this.bytes.buffer) }
  u8 (v: number): void { this.bytes[this.at++] = v }
  u16 (v: number): void { this.#view.setUint16(this.at, v); this.at += 2 }
  u32 (v: number): void { this.#view.setUint32(this.at, v); this.at += 4 }
  raw (b: Uint8Array): void { this.bytes.set(b, this.at); this.at += b.length }
}

class StateReader {
  readonly #bytes: Uint8Array
  readonly #view: DataView
  at = 0
  constructor (bytes: Uint8Array) { this.#bytes = bytes; this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  #need (n: number): void { if (this.at + n > this.#bytes.length) throw corrupt('truncated') }
  u8 (): number { this.#need(1); return this.#bytes[this.at++]! }
  u16 (): number { this.#need(2); const v = this.#view.getUint16(this.at); this.at += 2; return v }
  u32 (): number { this.#need(4); const v = this.#view.getUint32(this.at); this.at += 4; return v }
  raw (n: number): Uint8Array { this.#need(n); const v = this.#bytes.slice(this.at, this.at + n); this.at += n; return v }
  end (): void { if (this.at !== this.#bytes.length) throw corrupt('trailing bytes') }
}

const corrupt = (why: string): CorruptFileError => new CorruptFileError(`stored sender chain state is not valid: ${why}`)

function writeId (w: StateWriter, type: number, id: ChainId): void {
  w.u8(type); w.raw(id.roomId); w.u32(id.epoch); w.raw(id.sender)
}

function readId (r: StateReader, type: number): ChainId {
  if (r.u8() !== type) throw corrupt('wrong type')
  return { roomId: r.raw(ROOM_ID_LENGTH), epoch: r.u32(), sender: r.raw(SENDER_LENGTH) }
}

/** The chain this member encrypts with in (room, epoch). Persist toState() BEFORE publishing what next() keyed. */
export class OutboundSenderChain {
  readonly roomId: Uint8Array
  readonly epoch: number
  readonly sender: Uint8Array
  #startIndex: number
  #startKey: Uint8Array // CK at #startIndex: the earliest position this chain can still hand out
  #index: number
  #chainKey: Uint8Array // CK at #index
  #prepared: Step | undefined // the step from #index, derived ahead by prepareNext()

  private constructor (id: ChainId, startIndex: number, startKey: Uint8Array, index: number, chainKey: Uint8Array) {
    this.roomId = id.roomId.slice(); this.epoch = id.epoch; this.sender = id.sender.slice()
    this.#startIndex = startIndex; this.#startKey = startKey; this.#index = index; this.#chainKey = chainKey
  }

  /** A new chain with a random CK_0. */
  static create (id: ChainId): OutboundSenderChain {
    checkChainId(id)
    const ck = randomBytes(CHAIN_KEY_LENGTH)
    return new OutboundSenderChain(id, 0, ck, 0, ck.slice())
  }

  /** A chain from a known chain key at `index` (tests, vectors). The caller keeps `chainKey`. */
  static fromChainKey (id: ChainId & { chainKey: Uint8Array, index?: number }): OutboundSenderChain {
    checkChainId(id)
    const index = id.index ?? 0
    checkIndex(index)
    if (!(id.chainKey instanceof Uint8Array) || id.chainKey.length !== CHAIN_KEY_LENGTH) throw new MalformedInputError(`"chainKey" expected ${CHAIN_KEY_LENGTH} bytes`)
    return new OutboundSenderChain(id, index, id.chainKey.slice(), index, id.chainKey.slice())
  }

  /** The index next() hands out next. */
  get index (): number { return this.#index }

  /** The key for the next message, then the chain moves on (the old chain key is wiped). */
  next (): MessageKey {
    if (this.#index > MAX_CHAIN_INDEX) throw new MalformedInputError('the sender chain is exhausted')
    const s = this.#prepared ?? step(this.#index, this.#chainKey)
    this.#prepared = undefined
    wipe(this.#chainKey)
    this.#chainKey = s.chainKey
    this.#index++
    return s.key
  }

  /**
   * Derives the next message's key now, so next() only hands it out: call it when idle, after a
   * send. It holds nothing the chain key does not already give, and changes no stored state.
   */
  prepareNext (): void {
    if (this.#prepared === undefined && this.#index <= MAX_CHAIN_INDEX) this.#prepared = step(this.#index, this.#chainKey)
  }

  /**
   * toState() as it will be N messages from now. Persisted BEFORE those messages are sent, it
   * reserves their indices: after a crash the chain resumes past them, so no message key is ever
   * used twice, and the sender need not write to disk before every message.
   */
  stateAhead (n: number): Uint8Array {
    checkIndex(this.#index + n)
    let ck: Uint8Array = this.#chainKey.slice()
    for (let i = 0; i < n; i++) {
      const next = nextChainKey(ck)
      wipe(ck)
      ck = next
    }
    const ahead = new OutboundSenderChain(this, this.#startIndex, this.#startKey.slice(), this.#index + n, ck)
    const state = ahead.toState()
    ahead.destroy()
    return state
  }

  /**
   * The SenderKey members receive: the chain at its current position, so whoever gets it reads
   * what is sent from now on and nothing before. The chain forgets every earlier key (the start
   * moves here and the old start key is wiped): persist toState() or stateAhead() afterwards.
   */
  exportKey (): SenderKey {
    if (this.#startIndex !== this.#index) {
      wipe(this.#startKey)
      this.#startIndex = this.#index
      this.#startKey = this.#chainKey.slice()
    }
    return { roomId: this.roomId.slice(), epoch: this.epoch, sender: this.sender.slice(), index: this.#startIndex, chainKey: this.#startKey.slice(), signedMs: 0, signature: new Uint8Array(0) }
  }

  /** The index of the earliest key this chain can still hand out (see exportKey). */
  get startIndex (): number { return this.#startIndex }

  /** A SenderKey from the current position (reads nothing sent before now). */
  exportCurrentKey (): SenderKey {
    return { roomId: this.roomId.slice(), epoch: this.epoch, sender: this.sender.slice(), index: this.#index, chainKey: this.#chainKey.slice(), signedMs: 0, signature: new Uint8Array(0) }
  }

  /** type 0x01 ‖ room_id ‖ u32 epoch ‖ sender ‖ u32 start index ‖ start CK ‖ u32 index ‖ CK (all big-endian). */
  toState (): Uint8Array {
    const w = new StateWriter(HEADER_STATE_LENGTH + 4 + CHAIN_KEY_LENGTH + 4 + CHAIN_KEY_LENGTH)
    writeId(w, STATE_OUTBOUND_V1, this)
    w.u32(this.#startIndex); w.raw(this.#startKey); w.u32(this.#index); w.raw(this.#chainKey)
    return w.bytes
  }

  static fromState (bytes: Uint8Array): OutboundSenderChain {
    if (!(bytes instanceof Uint8Array)) throw corrupt('not bytes')
    const r = new StateReader(bytes)
    const id = readId(r, STATE_OUTBOUND_V1)
    const startIndex = r.u32(); const startKey = r.raw(CHAIN_KEY_LENGTH); const index = r.u32(); const ck = r.raw(CHAIN_KEY_LENGTH)
    r.end()
    if (index < startIndex) throw corrupt('index before the start')
    return new OutboundSenderChain(id, startIndex, startKey, index, ck)
  }

  /** Zeroes the chain keys; the object is unusable afterwards. */
  destroy (): void { wipe(this.#startKey); wipe(this.#chainKey); wipeStep(this.#prepared); this.#prepared = undefined }

  toString (): string { return describe('OutboundSenderChain', this, `index=${this.#index}`) }
  toJSON (): string { return this.toString() }
  [inspect.custom] (): string { return this.toString() }
}

/**
 * A received sender chain. keyFor() hands out each index's key at most once; it keeps up to
 * MAX_SKIPPED_KEYS keys of skipped indexes (the oldest dropped first) and refuses a jump of more
 * than MAX_GAP. Indexes in [floor, next) absent from the window were handed out: 'replay'.
 */
export class InboundSenderChain {
  readonly roomId: Uint8Array
  readonly epoch: number
  readonly sender: Uint8Array
  readonly startIndex: number
  #floor: number
  #next: number
  #chainKey: Uint8Array // CK at #next
  #prepared: Step | undefined // the step from #next, derived ahead by prepareNext()
  readonly #skipped: Map<number, Uint8Array> // index → MK, ascending insertion order
  #gapTokens = GAP_BUDGET
  #gapAt: number | undefined
  /** Skipped keys added/removed since the last takeSkippedChanges() (when tracked: stored as rows). */
  #changes: { added: Set<number>, removed: Set<number> } | undefined

  private constructor (id: ChainId, startIndex: number, floor: number, next: number, chainKey: Uint8Array, skipped: Map<number, Uint8Array>) {
    this.roomId = id.roomId.slice(); this.epoch = id.epoch; this.sender = id.sender.slice()
    this.startIndex = startIndex; this.#floor = floor; this.#next = next; this.#chainKey = chainKey; this.#skipped = skipped
  }

  /** From a SenderKey received over a pairwise channel (fields checked; the caller keeps `key`). */
  static fromSenderKey (key: SenderKeyFields): InboundSenderChain {
    checkChainId(key)
    checkIndex(key.index)
    if (!(key.chainKey instanceof Uint8Array) || key.chainKey.length !== CHAIN_KEY_LENGTH) throw new MalformedInputError(`"chain_key" expected ${CHAIN_KEY_LENGTH} bytes`)
    return new InboundSenderChain(key, key.index, key.index, key.index, key.chainKey.slice(), new Map())
  }

  /** The lowest index not yet reached by the ratchet. */
  get nextIndex (): number { return this.#next }

  /** True when the key for INDEX was already handed out (a replay); the state persists with the chain. */
  wasUsed (index: number): boolean {
    return index >= this.startIndex && index < this.#next && !this.#skipped.has(index)
  }

  /**
   * The chain from our current position, for an admin's welcome to a newcomer: it lets them
   * read this sender's messages from here on, and nothing we have already passed.
   */
  exportCurrentKey (): SenderKey {
    return { roomId: this.roomId.slice(), epoch: this.epoch, sender: this.sender.slice(), index: this.#next, chainKey: this.#chainKey.slice(), signedMs: 0, signature: new Uint8Array(0) }
  }
  get skippedCount (): number { return this.#skipped.size }

  /** Indexes below nextIndex whose keys we still hold (messages not received yet), ascending. */
  skippedIndexes (): number[] {
    return [...this.#skipped.keys()].sort((a, b) => a - b)
  }

  /**
   * Keep the skipped keys apart from the chain's state: from now on toCoreState() leaves them out
   * and takeSkippedChanges() says which to insert and delete, so accepting a message writes a few
   * dozen bytes, not the whole window (up to MAX_SKIPPED_KEYS keys). Keys already held count as added.
   */
  trackSkipped (): void {
    if (this.#changes !== undefined) return
    this.#changes = { added: new Set(this.#skipped.keys()), removed: new Set() }
  }

  /** Skipped keys to store ([index, MK] copies) and indexes to delete since the last call. */
  takeSkippedChanges (): { added: Array<[number, Uint8Array]>, removed: number[] } {
    const c = this.#changes
    if (c === undefined) return { added: [], removed: [] }
    const added: Array<[number, Uint8Array]> = []
    for (const i of c.added) { const mk = this.#skipped.get(i); if (mk !== undefined) added.push([i, mk.slice()]) }
    const removed = [...c.removed]
    c.added.clear(); c.removed.clear()
    return { added, removed }
  }

  /** Takes GAP tokens from the budget (refilled for the time since the last charge); false if short. */
  #chargeGap (gap: number, nowMs: number): boolean {
    if (this.#gapAt !== undefined && nowMs > this.#gapAt) {
      this.#gapTokens = Math.min(GAP_BUDGET, this.#gapTokens + (nowMs - this.#gapAt) * GAP_REFILL_PER_SECOND / 1000)
    }
    this.#gapAt = Math.max(this.#gapAt ?? nowMs, nowMs)
    if (gap > this.#gapTokens) return false
    this.#gapTokens -= gap
    return true
  }

  #noteAdded (index: number): void { this.#changes?.added.add(index) }
  #noteRemoved (index: number): void {
    if (this.#changes === undefined) return
    // never stored yet: nothing to delete
    if (!this.#changes.added.delete(index)) this.#changes.removed.add(index)
  }

  /**
   * The key for `index`, exactly once. Does not change the chain when it refuses. A jump ahead
   * is charged to the chain's gap budget at NOWMS (default: now).
   */
  keyFor (index: number, nowMs: number = Date.now()): MessageKeyResult {
    if (!Number.isInteger(index) || index < 0 || index > MAX_CHAIN_INDEX) return { ok: false, reason: 'too-far' }
    if (index < this.startIndex) return { ok: false, reason: 'before-start' }
    if (index < this.#next) {
      const mk = this.#skipped.get(index)
      if (mk === undefined) return { ok: false, reason: index >= this.#floor ? 'replay' : 'expired' }
      this.#skipped.delete(index)
      this.#noteRemoved(index)
      const out = deriveMessageKey(index, mk)
      wipe(mk)
      return { ok: true, ...out }
    }
    if (index - this.#next > MAX_GAP) return { ok: false, reason: 'too-far' }
    if (index > this.#next && !this.#chargeGap(index - this.#next, nowMs)) return { ok: false, reason: 'too-far' }
    if (index === this.#next && this.#prepared !== undefined) {
      // the message everyone expects next: its key was derived ahead
      const s = this.#prepared
      this.#prepared = undefined
      wipe(this.#chainKey)
      this.#chainKey = s.chainKey
      this.#next = index + 1
      return { ok: true, ...s.key }
    }
    wipeStep(this.#prepared)
    this.#prepared = undefined
    // Keys of indexes that would fall out of the window at once are not kept at all.
    const oldNext = this.#next
    const keepFrom = Math.max(oldNext, index - MAX_SKIPPED_KEYS)
    for (let i = oldNext; i < index; i++) {
      if (i >= keepFrom) { this.#skipped.set(i, messageKeySeed(this.#chainKey)); this.#noteAdded(i) }
      this.#advance()
    }
    // Everything below the floor that is not in the window is gone (handed out or dropped).
    if (keepFrom > oldNext) this.#floor = keepFrom
    while (this.#skipped.size > MAX_SKIPPED_KEYS) {
      const [oldest, mk] = this.#skipped.entries().next().value as [number, Uint8Array]
      wipe(mk)
      this.#skipped.delete(oldest)
      this.#noteRemoved(oldest)
      this.#floor = Math.max(this.#floor, oldest + 1)
    }
    const mk = messageKeySeed(this.#chainKey)
    this.#advance()
    this.#next = index + 1
    const out = deriveMessageKey(index, mk)
    wipe(mk)
    return { ok: true, ...out }
  }

  /**
   * Derives the key of the next index now, so keyFor() of the message expected next only hands
   * it out: call it when idle, after accepting a message. It holds nothing the chain key does
   * not already give, and changes no stored state.
   */
  prepareNext (): void {
    if (this.#prepared === undefined && this.#next <= MAX_CHAIN_INDEX) this.#prepared = step(this.#next, this.#chainKey)
  }

  #advance (): void {
    const ck = nextChainKey(this.#chainKey)
    wipe(this.#chainKey)
    this.#chainKey = ck
  }

  /**
   * type 0x02 ‖ room_id ‖ u32 epoch ‖ sender ‖ u32 start ‖ u32 floor ‖ u32 next ‖ CK_next ‖
   * u16 count ‖ count × (u32 index ‖ MK) with indexes ascending (all big-endian).
   */
  toState (): Uint8Array {
    return this.#state(true)
  }

  /** toState() without the skipped keys (count 0): what is stored once they are kept as rows (trackSkipped). */
  toCoreState (): Uint8Array {
    return this.#state(false)
  }

  #state (withSkipped: boolean): Uint8Array {
    const skipped = withSkipped ? this.#skipped.size : 0
    const w = new StateWriter(HEADER_STATE_LENGTH + 12 + CHAIN_KEY_LENGTH + 2 + skipped * (4 + CHAIN_KEY_LENGTH))
    writeId(w, STATE_INBOUND_V1, this)
    w.u32(this.startIndex); w.u32(this.#floor); w.u32(this.#next); w.raw(this.#chainKey)
    w.u16(skipped)
    if (withSkipped) for (const [i, mk] of this.#skipped) { w.u32(i); w.raw(mk) }
    return w.bytes
  }

  /**
   * From a state, plus skipped keys kept as rows (see trackSkipped), which must lie within the
   * state's positions. Past MAX_SKIPPED_KEYS in all, the oldest are dropped.
   */
  static fromStateAndSkipped (bytes: Uint8Array, rows: Array<[number, Uint8Array]>): InboundSenderChain {
    const chain = InboundSenderChain.fromState(bytes)
    chain.#restore(rows)
    return chain
  }

  #restore (rows: Array<[number, Uint8Array]>): void {
    const all = new Map(this.#skipped)
    for (const [i, mk] of rows) {
      if (!Number.isInteger(i) || i < this.startIndex || i >= this.#next) throw corrupt('skipped key index out of range')
      if (!(mk instanceof Uint8Array) || mk.length !== CHAIN_KEY_LENGTH) throw corrupt('skipped key of the wrong length')
      all.set(i, mk.slice())
    }
    const sorted = [...all.entries()].sort((a, b) => a[0] - b[0])
    this.#skipped.clear()
    for (const [i, mk] of sorted.slice(-MAX_SKIPPED_KEYS)) this.#skipped.set(i, mk)
  }

  static fromState (bytes: Uint8Array): InboundSenderChain {
    if (!(bytes instanceof Uint8Array)) throw corrupt('not bytes')
    const r = new StateReader(bytes)
    const id = readId(r, STATE_INBOUND_V1)
    const start = r.u32(); const floor = r.u32(); const next = r.u32(); const ck = r.raw(CHAIN_KEY_LENGTH)
    const count = r.u16()
    if (!(start <= floor && floor <= next)) throw corrupt('positions out of order')
    if (count > MAX_SKIPPED_KEYS) throw corrupt('too many skipped keys')
    const skipped = new Map<number, Uint8Array>()
    let last = -1
    for (let k = 0; k < count; k++) {
      const i = r.u32()
      if (i <= last || i < start || i >= next) throw corrupt('skipped key index out of range')
      skipped.set(i, r.raw(CHAIN_KEY_LENGTH))
      last = i
    }
    r.end()
    return new InboundSenderChain(id, start, floor, next, ck, skipped)
  }

  /** Zeroes every key held; the object is unusable afterwards. */
  destroy (): void {
    wipe(this.#chainKey)
    wipeStep(this.#prepared)
    this.#prepared = undefined
    for (const mk of this.#skipped.values()) wipe(mk)
    this.#skipped.clear()
  }

  toString (): string { return describe('InboundSenderChain', this, `next=${this.#next}, skipped=${this.#skipped.size}`) }
  toJSON (): string { return this.toString() }
  [inspect.custom] (): string { return this.toString() }
}
