// The signed, hash-chained membership log of one room: verification from genesis, append, merge, and the role / epoch / invite views.
//
// Every entry is checked against the state replayed up to it, so the log is verifiable without
// asking anyone. Failures are MembershipLogError('membership log entry 3 rejected: bad signature');
// a batch (append, merge, load) is all-or-nothing: state changes only when every entry passed.
import { ed25519PublicKeyAcceptable, ed25519Verify, type Ed25519PrivateKey } from '../crypto/index.js'
import { LogForkError, MalformedInputError, MembershipLogError } from '../errors.js'
import {
  decodeLogEntry, decodeSignedLogEntry, inviteUseInput, logSigningInput,
  type Genesis, type LogBody, type LogEntry, type RoleName
} from '../wire/membership.js'
import { createGenesis, logEntryHash, roomIdFromGenesis, signLogEntry, topicForRoom, type GenesisOptions } from './genesis.js'
import { memberIdFromPublicKey } from './identity.js'

export interface MemberInfo {
  member: Uint8Array
  memberId: string
  name: string
  role: RoleName
  peerId: Uint8Array
  /** Seq of the entry that added the member (0 for the creator). */
  addedSeq: number
  /** The signed time of that entry (the genesis's creation time for the creator). */
  addedMs: number
}

export interface InviteInfo {
  inviteKey: Uint8Array
  role: RoleName
  expiresMs: number
  maxUses: number
  /** The admin who issued it: the invite dies if they stop being an admin. */
  author: Uint8Array
  seq: number
  uses: number
  revoked: boolean
}

export type InviteStatus = 'ok' | 'unknown' | 'expired' | 'used-up' | 'revoked'

interface State {
  members: Map<string, MemberInfo>
  /** member hex → seq of its latest Remove */
  removedAt: Map<string, number>
  invites: Map<string, InviteInfo>
  /** members at the end of each finished epoch (index = epoch) */
  epochs: Array<ReadonlyMap<string, MemberInfo>>
  /** the entry that ended each finished epoch (index = epoch): its seq and signed time */
  epochEnds: Array<{ seq: number, tsMs: number }>
  entries: Uint8Array[]
  hashes: Uint8Array[]
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

function clone (s: State): State {
  return {
    members: new Map(s.members),
    removedAt: new Map(s.removedAt),
    invites: new Map([...s.invites].map(([k, v]) => [k, { ...v }])),
    epochs: [...s.epochs],
    epochEnds: [...s.epochEnds],
    entries: [...s.entries],
    hashes: [...s.hashes]
  }
}

function reject (seq: number | undefined, reason: string): MembershipLogError {
  return new MembershipLogError(seq === undefined ? `membership log entry rejected: ${reason}` : `membership log entry ${seq} rejected: ${reason}`)
}

function decodeAt (seq: number | undefined, bytes: Uint8Array): { entry: LogEntry, entryBytes: Uint8Array, signature: Uint8Array } {
  try {
    const signed = decodeSignedLogEntry(bytes)
    return { entry: decodeLogEntry(signed.entry), entryBytes: signed.entry, signature: signed.signature }
  } catch (err) {
    if (err instanceof MalformedInputError) throw reject(seq, err.message)
    throw err
  }
}

function statusOf (s: State, invite: InviteInfo | undefined, atMs: number): InviteStatus {
  if (invite === undefined) return 'unknown'
  if (invite.revoked || s.members.get(hex(invite.author))?.role !== 'admin') return 'revoked'
  if (atMs > invite.expiresMs) return 'expired'
  if (invite.uses >= invite.maxUses) return 'used-up'
  return 'ok'
}

const STATUS_REASON: Record<Exclude<InviteStatus, 'ok'>, string> = {
  unknown: 'the invite is unknown',
  revoked: 'the invite is revoked',
  expired: 'the invite has expired',
  'used-up': 'the invite is used up'
}

/** Closes the current epoch (a removal, a leave or a demotion to poster): its members are kept as they were. */
function endEpoch (s: State, seq: number, tsMs: number): void {
  s.epochs.push(new Map(s.members))
  s.epochEnds.push({ seq, tsMs })
}

function adminCount (s: State): number {
  let n = 0
  for (const m of s.members.values()) if (m.role === 'admin') n++
  return n
}

/** What merge() did: entries appended, and OUR entries discarded by the concurrency rule (in order). */
export interface MergeResult {
  added: number
  dropped: Uint8Array[]
}

/**
 * The concurrency rule: of two different entries at the first seq where two logs differ, the one
 * whose entry hash is lower (bytes compared as unsigned, lexicographically) wins.
 */
export function forkWinner (theirHash: Uint8Array, ourHash: Uint8Array): 'theirs' | 'ours' {
  return Buffer.compare(theirHash, ourHash) < 0 ? 'theirs' : 'ours'
}

function forkBefore (seq: number): LogForkError {
  return new LogForkError(`membership log fork before seq ${seq}: entry ${seq} does not follow ours`, {
    hint: 'the logs differ at an earlier entry: merge the other member\'s entries from the fork on (or its whole log)'
  })
}

export class MembershipLog {
  readonly roomId: Uint8Array
  readonly genesis: Genesis
  readonly topic: string
  #s: State

  private constructor (roomId: Uint8Array, genesis: Genesis, state: State) {
    this.roomId = roomId
    this.genesis = genesis
    this.topic = topicForRoom(roomId)
    this.#s = state
  }

  /** A new room's log holding only its genesis entry, signed by CREATORKEY (the first admin). */
  static create (creatorKey: Ed25519PrivateKey, options: GenesisOptions): MembershipLog {
    return MembershipLog.verifyAndLoad([createGenesis(creatorKey, options).entry])
  }

  /**
   * Verifies a whole log from its genesis and loads it. With options.roomId, the genesis must be
   * that room's (a joiner passes the ticket's room id). Fails closed with the first bad entry.
   */
  static verifyAndLoad (entries: Uint8Array[], options: { roomId?: Uint8Array } = {}): MembershipLog {
    if (entries[0] === undefined) throw new MembershipLogError('the membership log is empty')
    const first = entries[0].slice() // the state keeps views into these bytes: own them
    const { entry, entryBytes, signature } = decodeAt(0, first)
    if (entry.seq !== 0) throw reject(0, `wrong seq (expected 0, got ${entry.seq})`)
    if (entry.body.type !== 'genesis') throw reject(0, 'the first entry is not a genesis')
    const genesis = entry.body.genesis
    const roomId = roomIdFromGenesis(entry.body.bytes)
    if (!equal(entry.roomId, roomId)) throw reject(0, 'the room id does not match the genesis')
    if (options.roomId !== undefined && !equal(options.roomId, roomId)) throw reject(0, 'the genesis is not the one of the expected room')
    if (!equal(entry.author, genesis.creator)) throw reject(0, 'the genesis is not signed by its creator')
    if (!ed25519PublicKeyAcceptable(genesis.creator)) throw reject(0, 'the creator key is not a valid Ed25519 public key')
    if (!ed25519Verify(entry.author, logSigningInput(entryBytes), signature)) throw reject(0, 'bad signature')
    const creator: MemberInfo = {
      member: genesis.creator, memberId: memberIdFromPublicKey(genesis.creator), name: genesis.creatorName, role: 'admin', peerId: genesis.creatorPeerId, addedSeq: 0, addedMs: genesis.createdMs
    }
    const state: State = {
      members: new Map([[hex(genesis.creator), creator]]),
      removedAt: new Map(),
      invites: new Map(),
      epochs: [],
      epochEnds: [],
      entries: [first],
      hashes: [logEntryHash(first)]
    }
    const log = new MembershipLog(roomId, genesis, state)
    for (let i = 1; i < entries.length; i++) log.#apply(state, entries[i]!)
    return log
  }

  // ---- changes ----

  /** Verifies SIGNEDENTRY against the current head and state, then appends it. */
  append (signedEntry: Uint8Array): { seq: number, hash: Uint8Array } {
    const next = clone(this.#s)
    this.#apply(next, signedEntry)
    this.#s = next
    return this.head
  }

  /**
   * Merges entries from another member (a full log or any contiguous run of it, in order).
   * Entries we hold and that are byte-identical are skipped; new ones must extend our head.
   * Where the run holds a different entry at a seq k we hold (two admins appended at once), the
   * concurrency rule decides (docs/PROTOCOL.md, "Concurrent entries"): the incoming run from k on
   * is verified on our entries [0, k); if its entry k has the lower entry hash it wins and our
   * entries from k on are dropped (returned in `dropped`, for their authors to reapply()),
   * otherwise ours stay and the incoming entries from k on are ignored. A run that starts past
   * the fork point (its first differing entry does not follow our entry k - 1) cannot be decided
   * and throws LogForkError. All-or-nothing: on any error the state is unchanged.
   */
  merge (entries: Uint8Array[]): MergeResult {
    let next = clone(this.#s)
    let added = 0
    let dropped: Uint8Array[] = []
    let lastSeq: number | undefined // seq of the previous entry of the run
    for (let i = 0; i < entries.length; i++) {
      const bytes = entries[i]!
      const { entry } = decodeAt(undefined, bytes)
      if (!equal(entry.roomId, this.roomId)) throw reject(entry.seq, 'wrong room id')
      const k = entry.seq
      const have = next.entries[k]
      const follows = lastSeq === k - 1
      lastSeq = k
      if (have !== undefined && equal(have, bytes)) continue
      if (have === undefined) {
        if (k > next.entries.length) throw reject(k, `entries ${next.entries.length}..${k - 1} are missing`)
        if (k > 0 && !follows && !equal(entry.prev, next.hashes[k - 1]!)) throw forkBefore(k)
        this.#apply(next, bytes)
        added++
        continue
      }
      // a different entry at a seq we hold: the first differing seq is k only if it follows our k - 1
      if (k === 0) throw new LogForkError('membership log fork at seq 0: another member holds a different genesis entry')
      if (!equal(entry.prev, next.hashes[k - 1]!)) {
        if (follows) throw reject(k, 'wrong prev hash')
        throw forkBefore(k)
      }
      // verify their branch on our entries [0, k) whichever side wins: a bad entry is an error, never a loser
      const theirs = this.#replay(next.entries.slice(0, k))
      for (let j = i; j < entries.length; j++) this.#apply(theirs, entries[j]!)
      if (forkWinner(theirs.hashes[k]!, next.hashes[k]!) === 'theirs') {
        dropped = next.entries.slice(k)
        added += entries.length - i
        next = theirs
      }
      break
    }
    this.#s = next
    return { added, dropped: dropped.map(e => e.slice()) }
  }

  /**
   * After a merge dropped entries (MergeResult.dropped), re-creates each one that AUTHORKEY signed
   * on top of the current head, with the same body, and appends it when it is still valid; one no
   * longer valid (an Add whose invite is now used up, expired or revoked, or whose member is
   * already in; a Remove of someone no longer there; ...) is skipped silently: that is how an
   * invite's max uses holds across a fork. Entries signed by others are left to their authors.
   * TSMS signs the re-created entries (default: each entry's original time).
   * Returns the new signed entries, in order, for the caller to persist and broadcast.
   */
  reapply (authorKey: Ed25519PrivateKey, dropped: Uint8Array[], tsMs?: number): Uint8Array[] {
    const out: Uint8Array[] = []
    for (const bytes of dropped) {
      const { entry } = decodeAt(undefined, bytes)
      if (!equal(entry.author, authorKey.publicKey) || entry.body.type === 'genesis') continue
      if (!equal(entry.roomId, this.roomId)) continue
      const again = this.createEntry(authorKey, entry.body, tsMs ?? entry.tsMs)
      try {
        this.append(again)
      } catch (err) {
        if (err instanceof MembershipLogError) continue
        throw err
      }
      out.push(again)
    }
    return out
  }

  /** The state after ENTRIES (our own verified prefix, from genesis), verified again from scratch. */
  #replay (entries: Uint8Array[]): State {
    return MembershipLog.verifyAndLoad(entries).#s
  }

  /** A new signed entry at head + 1 (not appended: pass it to append() and broadcast it). */
  createEntry (authorKey: Ed25519PrivateKey, body: Exclude<LogBody, { type: 'genesis' }>, tsMs: number = Date.now()): Uint8Array {
    const head = this.head
    return signLogEntry(authorKey, { roomId: this.roomId, seq: head.seq + 1, prev: head.hash, author: authorKey.publicKey, tsMs, body })
  }

  // ---- views ----

  get name (): string { return this.genesis.name }
  get length (): number { return this.#s.entries.length }
  get head (): { seq: number, hash: Uint8Array } {
    const seq = this.#s.entries.length - 1
    return { seq, hash: this.#s.hashes[seq]!.slice() }
  }

  /** Number of entries so far that started an epoch: every removal, leave and demotion to poster. */
  get epoch (): number { return this.#s.epochs.length }

  /** The entry that ended EPOCH (seq and the time its author signed), or undefined while it is current. */
  epochEnd (epoch: number): { seq: number, tsMs: number } | undefined {
    const e = this.#s.epochEnds[epoch]
    return e === undefined ? undefined : { ...e }
  }

  /** Members during EPOCH (default: the current one); empty for an epoch we do not know yet. */
  members (epoch: number = this.epoch): MemberInfo[] {
    return [...this.#membersAt(epoch).values()].map(m => ({ ...m }))
  }

  member (member: Uint8Array, epoch: number = this.epoch): MemberInfo | undefined {
    const m = this.#membersAt(epoch).get(hex(member))
    return m === undefined ? undefined : { ...m }
  }

  roleOf (member: Uint8Array, epoch: number = this.epoch): RoleName | undefined {
    return this.#membersAt(epoch).get(hex(member))?.role
  }

  /** roleOf for a member named by the lowercase hex of its key (the validator works that out once). */
  roleOfHex (memberHex: string, epoch: number = this.epoch): RoleName | undefined {
    return this.#membersAt(epoch).get(memberHex)?.role
  }

  /** member() without the copy, by key hex: for reading on the message path, never to modify. */
  memberView (memberHex: string, epoch: number = this.epoch): Readonly<MemberInfo> | undefined {
    return this.#membersAt(epoch).get(memberHex)
  }

  isMember (member: Uint8Array, epoch: number = this.epoch): boolean {
    return this.#membersAt(epoch).has(hex(member))
  }

  /** True when MEMBER was removed (kicked or left) and not re-added since. */
  isRevoked (member: Uint8Array): boolean {
    return this.isRevokedHex(hex(member))
  }

  isRevokedHex (memberHex: string): boolean {
    return this.#s.removedAt.has(memberHex) && !this.#s.members.has(memberHex)
  }

  /** Whether INVITEKEY can admit someone at NOWMS (uses counted from Add entries citing it). */
  inviteStatus (inviteKey: Uint8Array, nowMs: number): InviteStatus {
    return statusOf(this.#s, this.#s.invites.get(hex(inviteKey)), nowMs)
  }

  invite (inviteKey: Uint8Array): InviteInfo | undefined {
    const i = this.#s.invites.get(hex(inviteKey))
    return i === undefined ? undefined : { ...i }
  }

  /** Seq of MEMBER's latest removal, if any. */
  removedAt (member: Uint8Array): number | undefined {
    return this.#s.removedAt.get(hex(member))
  }

  /** True when this exact SignedLogEntry is in the log. */
  has (signedEntry: Uint8Array): boolean {
    try {
      const { entry } = decodeAt(undefined, signedEntry)
      const have = this.#s.entries[entry.seq]
      return have !== undefined && equal(have, signedEntry)
    } catch {
      return false
    }
  }

  /** The entry hash of every entry, in order, as hex (to tell what a store already holds). */
  entryHashes (): string[] {
    return this.#s.hashes.map(hex)
  }

  /** Every entry, in order, for persistence or a welcome (copies). */
  toBytes (): Uint8Array[] {
    return this.#s.entries.map(e => e.slice())
  }

  /** The entries after SEQ (what a peer whose head is SEQ lacks). */
  entriesAfter (seq: number): Uint8Array[] {
    return this.#s.entries.slice(Math.max(0, seq + 1)).map(e => e.slice())
  }

  #membersAt (epoch: number): ReadonlyMap<string, MemberInfo> {
    if (epoch === this.#s.epochs.length) return this.#s.members
    return this.#s.epochs[epoch] ?? new Map()
  }

  // ---- verification of one entry at the head of S (mutates S; callers pass a clone) ----

  #apply (s: State, received: Uint8Array): void {
    const seq = s.entries.length
    const bytes = received.slice() // the state keeps views into these bytes: own them
    const { entry, entryBytes, signature } = decodeAt(seq, bytes)
    if (entry.seq !== seq) throw reject(seq, `wrong seq (expected ${seq}, got ${entry.seq})`)
    if (!equal(entry.roomId, this.roomId)) throw reject(seq, 'wrong room id')
    if (!equal(entry.prev, s.hashes[seq - 1]!)) throw reject(seq, 'wrong prev hash')
    if (!ed25519Verify(entry.author, logSigningInput(entryBytes), signature)) throw reject(seq, 'bad signature')
    const isAdmin = s.members.get(hex(entry.author))?.role === 'admin'
    const body = entry.body
    switch (body.type) {
      case 'genesis':
        throw reject(seq, 'a second genesis entry')
      case 'invite': {
        if (!isAdmin) throw reject(seq, 'the author is not an admin')
        if (!ed25519PublicKeyAcceptable(body.inviteKey)) throw reject(seq, 'the invite key is not a valid Ed25519 public key')
        const k = hex(body.inviteKey)
        if (s.invites.has(k)) throw reject(seq, 'the invite key is already in use')
        s.invites.set(k, { inviteKey: body.inviteKey, role: body.role, expiresMs: body.expiresMs, maxUses: body.maxUses, author: entry.author, seq, uses: 0, revoked: false })
        break
      }
      case 'add': {
        if (!isAdmin) throw reject(seq, 'the author is not an admin')
        if (!ed25519PublicKeyAcceptable(body.member)) throw reject(seq, 'the member key is not a valid Ed25519 public key')
        const k = hex(body.member)
        if (s.members.has(k)) throw reject(seq, 'the member is already in the room')
        const invite = s.invites.get(hex(body.inviteKey))
        const status = statusOf(s, invite, entry.tsMs)
        if (status !== 'ok') throw reject(seq, STATUS_REASON[status])
        if (body.role !== invite!.role) throw reject(seq, "the role differs from the invite's")
        const removed = s.removedAt.get(k)
        if (removed !== undefined && invite!.seq < removed) throw reject(seq, "the invite predates the member's removal")
        if (!ed25519Verify(body.inviteKey, inviteUseInput(this.roomId, body.member, body.peerId), body.inviteProof)) throw reject(seq, 'bad invite proof')
        s.members.set(k, { member: body.member, memberId: memberIdFromPublicKey(body.member), name: body.name, role: body.role, peerId: body.peerId, addedSeq: seq, addedMs: entry.tsMs })
        invite!.uses++
        break
      }
      case 'remove': {
        const self = equal(entry.author, body.member)
        if (!isAdmin && !self) throw reject(seq, 'the author is not an admin')
        const k = hex(body.member)
        const target = s.members.get(k)
        if (target === undefined) throw reject(seq, 'the member is not in the room')
        if (target.role === 'admin' && adminCount(s) === 1) throw reject(seq, 'the last admin cannot be removed')
        endEpoch(s, seq, entry.tsMs)
        s.members.delete(k)
        s.removedAt.set(k, seq)
        break
      }
      case 'set-role': {
        if (!isAdmin) throw reject(seq, 'the author is not an admin')
        const k = hex(body.member)
        const target = s.members.get(k)
        if (target === undefined) throw reject(seq, 'the member is not in the room')
        if (target.role === body.role) throw reject(seq, 'the member already has that role')
        if (target.role === 'admin' && adminCount(s) === 1) throw reject(seq, 'the last admin cannot be demoted')
        // A poster reads nothing: what is sent from now on must be under keys it never held.
        if (body.role === 'poster') endEpoch(s, seq, entry.tsMs)
        s.members.set(k, { ...target, role: body.role })
        break
      }
      case 'rotate': {
        const role = s.members.get(hex(entry.author))?.role
        if (role !== 'admin' && role !== 'member') throw reject(seq, 'only a member or an admin can rotate the keys')
        if (body.epoch !== s.epochs.length) throw reject(seq, `the rotation ends epoch ${body.epoch}, not the current ${s.epochs.length}`)
        endEpoch(s, seq, entry.tsMs)
        break
      }
      case 'revoke-invite': {
        if (!isAdmin) throw reject(seq, 'the author is not an admin')
        const invite = s.invites.get(hex(body.inviteKey))
        if (invite === undefined) throw reject(seq, 'the invite is unknown')
        if (invite.revoked) throw reject(seq, 'the invite is already revoked')
        invite.revoked = true
        break
      }
    }
    s.entries.push(bytes)
    s.hashes.push(logEntryHash(bytes))
  }
}
