// Runs the join and keys handshakes (pure state machines in handshake.ts) over framed libp2p
// streams: a deadline on every read, a small limit on each side's first frame (its sender has
// proved nothing yet), and on any failure the stream is aborted. Both sides of both protocols live here.
import { HandshakeError } from '../errors.js'
import type { FramedStream } from '../transport/index.js'
import { FIRST_FRAME_MAX_BYTES, FRAME_MAX_BYTES, decodeFrame, decodeJoinHello, decodeKeysHello, encodeFrame, encodeJoinRefused } from '../wire/handshake.js'
import type { Ed25519PrivateKey } from '../crypto/index.js'
import {
  type AdmitDecision, GENERIC_JOIN_REFUSAL, GENERIC_KEYS_REFUSAL, JoinInitiator, JoinResponder, type JoinResult,
  KeysInitiator, type KeysResult, KeysResponder
} from './handshake.js'
import { peerIdBytes } from './ids.js'
import type { MembershipLog } from './membership.js'
import type { Ticket } from './invite.js'

/** How long the initiator waits for the peer to close its side once the handshake is done. */
const FINISH_GRACE_MS = 2_000

/** Reads one frame of at most MAXBYTES, or fails (and the stream is aborted) after TIMEOUTMS. */
async function readFrame (stream: FramedStream, timeoutMs: number, maxBytes: number = FRAME_MAX_BYTES): Promise<Uint8Array> {
  const frame = await stream.read(maxBytes, timeoutMs)
  if (frame === undefined) throw new HandshakeError('the peer closed the stream during the handshake')
  return frame
}

/** Runs STEPS; on any failure the stream is aborted (nothing of a failed handshake lingers) and the error rethrown. */
async function guarded<T> (stream: FramedStream, steps: () => Promise<T>): Promise<T> {
  try {
    return await steps()
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** The joiner's side, over a stream to the inviter or another admin of the room. */
export async function runJoin (stream: FramedStream, init: { ticket: Ticket, memberKey: Ed25519PrivateKey, name: string, peerId: Uint8Array, timeoutMs: number, ownSenderKeys: (result: JoinResult) => Uint8Array[] }): Promise<JoinResult> {
  return await guarded(stream, async () => {
    const j = new JoinInitiator({}, { ticket: init.ticket, memberKey: init.memberKey, name: init.name, peers: { local: init.peerId, remote: peerIdBytes(stream.remotePeer) } })
    await stream.write(j.hello())
    // the responder has proved nothing yet either: its first frame (a challenge or a refusal) is small
    j.onChallenge(await readFrame(stream, init.timeoutMs, FIRST_FRAME_MAX_BYTES))
    await stream.write(j.onLog(await readFrame(stream, init.timeoutMs)))
    const result = j.onWelcome(await readFrame(stream, init.timeoutMs))
    await stream.write(j.bundle(init.ownSenderKeys(result)))
    await stream.finish(FINISH_GRACE_MS)
    return result
  })
}

/**
 * An admin's side. ADMIT is called with the signed Add entry once the joiner proved everything;
 * it must append (and persist, and broadcast) the entry and return the sender keys to hand over.
 * The transport's handler wrapper finishes the stream.
 */
export async function serveJoin (stream: FramedStream, init: {
  logFor: (roomId: Uint8Array) => MembershipLog | undefined
  adminKey: Ed25519PrivateKey
  localPeerId: Uint8Array
  timeoutMs: number
  admit: (log: MembershipLog, decision: Extract<AdmitDecision, { admitted: true }>) => Uint8Array[]
  received: (log: MembershipLog, member: Uint8Array, senderKeys: Uint8Array[]) => void
}): Promise<{ refused?: string }> {
  return await guarded(stream, async () => {
    const helloFrame = await readFrame(stream, init.timeoutMs, FIRST_FRAME_MAX_BYTES)
    const roomId = peekRoom(helloFrame, 'join-hello')
    const log = roomId === undefined ? undefined : init.logFor(roomId)
    if (log === undefined) {
      // Not a room we are in, or not a hello: the same answer as for any invalid invite.
      await stream.write(encodeFrame({ type: 'refused', bytes: encodeJoinRefused(GENERIC_JOIN_REFUSAL) }))
      return { refused: GENERIC_JOIN_REFUSAL.code }
    }
    const r = new JoinResponder({ log }, { adminKey: init.adminKey, peers: { local: init.localPeerId, remote: peerIdBytes(stream.remotePeer) } })
    for (const frame of r.onHello(helloFrame)) await stream.write(frame)
    if (r.refusal !== undefined) return { refused: r.refusal.code }
    const decision = r.onProof(await readFrame(stream, init.timeoutMs))
    if (!decision.admitted) { await stream.write(decision.frame); return { refused: decision.code } }
    const senderKeys = init.admit(log, decision)
    await stream.write(r.welcome(senderKeys))
    const bundle = r.onBundle(await readFrame(stream, init.timeoutMs))
    init.received(log, bundle.member, bundle.senderKeys)
    return {}
  })
}

/** The room a hello names, for routing only (the responder decodes and checks it fully). */
function peekRoom (frameBytes: Uint8Array, type: 'join-hello' | 'keys-hello'): Uint8Array | undefined {
  try {
    const frame = decodeFrame(frameBytes)
    if (frame.type !== type) return undefined
    return type === 'join-hello' ? decodeJoinHello(frame.bytes).roomId : decodeKeysHello(frame.bytes).roomId
  } catch {
    return undefined
  }
}

/** The dialling member of a keys exchange. */
export async function runKeys (stream: FramedStream, init: {
  log: MembershipLog
  memberKey: Ed25519PrivateKey
  peerId: Uint8Array
  senderKeysFor: (member: Uint8Array) => Uint8Array[]
  expectedPeer?: Uint8Array
  timeoutMs: number
}): Promise<KeysResult> {
  return await guarded(stream, async () => {
    const k = new KeysInitiator({ log: init.log }, {
      memberKey: init.memberKey,
      senderKeysFor: init.senderKeysFor,
      peers: { local: init.peerId, remote: peerIdBytes(stream.remotePeer) },
      ...(init.expectedPeer !== undefined ? { expectedPeer: init.expectedPeer } : {})
    })
    await stream.write(k.hello())
    await stream.write(k.onReply(await readFrame(stream, init.timeoutMs, FIRST_FRAME_MAX_BYTES)))
    const result = k.onBundle(await readFrame(stream, init.timeoutMs))
    await stream.finish(FINISH_GRACE_MS)
    return result
  })
}

/** The answering member of a keys exchange; the room is named in the hello. Undefined when refused. */
export async function serveKeys (stream: FramedStream, init: {
  logFor: (roomId: Uint8Array) => MembershipLog | undefined
  memberKey: Ed25519PrivateKey
  localPeerId: Uint8Array
  /** The keys to hand to MEMBER, once the handshake authenticated it as a member that can read. */
  senderKeysFor: (log: MembershipLog, member: Uint8Array) => Uint8Array[]
  timeoutMs: number
}): Promise<{ log: MembershipLog, result: KeysResult } | undefined> {
  return await guarded(stream, async () => {
    const helloFrame = await readFrame(stream, init.timeoutMs, FIRST_FRAME_MAX_BYTES)
    const roomId = peekRoom(helloFrame, 'keys-hello')
    const log = roomId === undefined ? undefined : init.logFor(roomId)
    if (log === undefined) {
      await stream.write(encodeFrame({ type: 'refused', bytes: encodeJoinRefused(GENERIC_KEYS_REFUSAL) }))
      return undefined
    }
    const r = new KeysResponder({ log }, {
      memberKey: init.memberKey,
      senderKeysFor: member => init.senderKeysFor(log, member),
      peers: { local: init.localPeerId, remote: peerIdBytes(stream.remotePeer) }
    })
    await stream.write(r.onHello(helloFrame))
    if (r.refusal !== undefined) return undefined
    const { frame, result } = r.onBundle(await readFrame(stream, init.timeoutMs))
    await stream.write(frame)
    return { log, result }
  })
}
