// Catch-up wire format ("/conclave/sync/1.0.0"): SyncFrame, SyncHello, SyncHave, SyncPage, their limits and signing bytes.
//
// Every failure to decode is a MalformedInputError with an exact message; sizes are checked
// before decoding and the canonical encoding is required (decodeLimited).
import { concat } from 'uint8arrays'
import { MalformedInputError } from '../errors.js'
import * as pb from '../../topics/sync.js'
import { ENVELOPE_MAX_BYTES } from './envelope.js'
import { HASH_LENGTH, KEY_LENGTH, SIGNATURE_LENGTH, checkLength, checkMaxLength, decodeLimited, labelBytes } from './membership.js'

export const SYNC_PROTOCOL = '/conclave/sync/1.0.0'
export const SYNC_VERSION = 1
export const SYNC_LABEL = 'conclave sync hello v1\0'
/** The hello comes from a peer that has proved nothing yet. */
export const SYNC_HELLO_MAX_BYTES = 4096
/** Chains one have list names: members × epochs a reader can still read. */
export const SYNC_HAVE_CHAINS_MAX = 4096
/** Missing indexes per chain: the skipped-key window (sender-keys MAX_SKIPPED_KEYS). */
export const SYNC_MISSING_MAX = 1000
export const SYNC_HAVE_MAX_BYTES = 256 * 1024
/** Envelopes per page, and a page's size (a page is one frame). */
export const SYNC_PAGE_ENVELOPES_MAX = 256
export const SYNC_PAGE_MAX_BYTES = 1024 * 1024 - 64
const UINT32_MAX = 0xffffffff

export type SyncFrameType = 'hello' | 'have' | 'page' | 'refused'
export interface SyncFrame { type: SyncFrameType, bytes: Uint8Array }
export interface SyncHello { version: number, roomId: Uint8Array, member: Uint8Array, signature: Uint8Array }
export interface ChainHave { epoch: number, sender: Uint8Array, startIndex: number, nextIndex: number, missing: number[] }
export interface SyncHave { chains: ChainHave[] }
export interface SyncPage { envelopes: Uint8Array[], done: boolean, total: number }

type Ab = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): Ab => b as Ab
const TYPES: SyncFrameType[] = ['hello', 'have', 'page', 'refused']

export function encodeSyncFrame (frame: SyncFrame): Uint8Array {
  if (!TYPES.includes(frame.type)) throw new MalformedInputError(`unknown sync frame type '${String(frame.type)}'`)
  return pb.SyncFrame.encode({ [frame.type]: ab(frame.bytes) })
}

export function decodeSyncFrame (bytes: Uint8Array): SyncFrame {
  const f = decodeLimited('sync frame', bytes, SYNC_PAGE_MAX_BYTES + 16, pb.SyncFrame)
  for (const type of TYPES) {
    const value = f[type]
    if (value !== undefined) return { type, bytes: value }
  }
  throw new MalformedInputError('sync frame: body is missing')
}

function checkHello (h: SyncHello): void {
  if (h.version !== SYNC_VERSION) throw new MalformedInputError(`sync hello: unsupported version ${h.version}`)
  checkLength('sync hello', 'room_id', h.roomId, HASH_LENGTH)
  checkLength('sync hello', 'member', h.member, KEY_LENGTH)
  checkLength('sync hello', 'signature', h.signature, SIGNATURE_LENGTH)
}

export function encodeSyncHello (h: SyncHello): Uint8Array {
  checkHello(h)
  return pb.SyncHello.encode({ version: h.version, roomId: ab(h.roomId), member: ab(h.member), signature: ab(h.signature) })
}

export function decodeSyncHello (bytes: Uint8Array): SyncHello {
  const h = decodeLimited('sync hello', bytes, SYNC_HELLO_MAX_BYTES, pb.SyncHello)
  checkHello(h)
  return h
}

/** What the initiator signs: label ‖ room_id ‖ member ‖ bind (topics/handshake.proto's peer binding). */
export function syncHelloSigningInput (roomId: Uint8Array, member: Uint8Array, bind: Uint8Array): Uint8Array {
  return concat([labelBytes(SYNC_LABEL), roomId, member, bind])
}

function checkHave (h: SyncHave): void {
  if (h.chains.length > SYNC_HAVE_CHAINS_MAX) throw new MalformedInputError(`sync have: ${h.chains.length} chains, over the limit of ${SYNC_HAVE_CHAINS_MAX}`)
  for (const c of h.chains) {
    checkLength('sync have', 'sender', c.sender, KEY_LENGTH)
    if (!(c.startIndex <= c.nextIndex && c.nextIndex <= UINT32_MAX)) throw new MalformedInputError('sync have: start_index is after next_index')
    if (c.missing.length > SYNC_MISSING_MAX) throw new MalformedInputError(`sync have: ${c.missing.length} missing indexes, over the limit of ${SYNC_MISSING_MAX}`)
    let last = -1
    for (const i of c.missing) {
      if (i <= last || i < c.startIndex || i >= c.nextIndex) throw new MalformedInputError('sync have: missing indexes must ascend within [start_index, next_index)')
      last = i
    }
  }
}

export function encodeSyncHave (h: SyncHave): Uint8Array {
  checkHave(h)
  return pb.SyncHave.encode({ chains: h.chains.map(c => ({ ...c, sender: ab(c.sender) })) })
}

export function decodeSyncHave (bytes: Uint8Array): SyncHave {
  const h = decodeLimited('sync have', bytes, SYNC_HAVE_MAX_BYTES, pb.SyncHave, { chains: SYNC_HAVE_CHAINS_MAX, chains$: { missing: SYNC_MISSING_MAX } } as unknown as Record<string, number>)
  checkHave(h)
  return h
}

function checkPage (p: SyncPage): void {
  if (!Number.isSafeInteger(p.total) || p.total < 0 || p.total > UINT32_MAX) throw new MalformedInputError('sync page: total is not a count')
  if (p.envelopes.length > SYNC_PAGE_ENVELOPES_MAX) throw new MalformedInputError(`sync page: ${p.envelopes.length} envelopes, over the limit of ${SYNC_PAGE_ENVELOPES_MAX}`)
  for (const e of p.envelopes) checkMaxLength('sync page', 'envelope', e, 1, ENVELOPE_MAX_BYTES)
}

export function encodeSyncPage (p: SyncPage): Uint8Array {
  checkPage(p)
  return pb.SyncPage.encode({ envelopes: p.envelopes as Ab[], done: p.done, total: p.total })
}

export function decodeSyncPage (bytes: Uint8Array): SyncPage {
  const p = decodeLimited('sync page', bytes, SYNC_PAGE_MAX_BYTES, pb.SyncPage, { envelopes: SYNC_PAGE_ENVELOPES_MAX })
  checkPage(p)
  return p
}
