// Runs the join and keys handshakes (pure state machines in handshake.ts) over framed libp2p
// streams, with a deadline on every read. Both sides of both protocols live here.
import { HandshakeError } from '../errors.js'
import type { FramedStream } from '../transport/index.js'
import { FRAME_MAX_BYTES, decodeFrame, decodeJoinHello, decodeKeysHello, encodeFrame, encodeJoinRefused } from '../wire/handshake.js'
import type { Ed25519PrivateKey } from '../crypto/index.js'
import { type AdmitDecision, JoinInitiator, JoinResponder, type JoinResult, KeysInitiator, type KeysResult, KeysResponder } from './handshake.js'
import type { MembershipLog } from './membership.js'
import type { Ticket } from './invite.js'

/** Reads one frame or fails after TIMEOUTMS (a silent peer must not hang a join). */
async function readFrame (stream: FramedStream, timeoutMs: number): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined
  try {
    const frame = await Promise.race([
      stream.read(FRAME_MAX_BYTES),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new HandshakeError('the peer did not answer in time')), timeoutMs) })
    ])
    if (frame === undefined) throw new HandshakeError('the peer closed the stream during the handshake')
    return frame
  } finally {
    clearTimeout(timer)
  }
}

/** The joiner's side, over a stream to any admin of the room. */
export async function runJoin (stream: FramedStream, init: { ticket: Ticket, memberKey: Ed25519PrivateKey, name: string, peerId: Uint8Array, timeoutMs: number, ownSenderKeys: (result: JoinResult) => Uint8Array[] }): Promise<JoinResult> {
  const j = new JoinInitiator({}, { ticket: init.ticket, memberKey: init.memberKey, name: init.name, peerId: init.peerId })
  await stream.write(j.hello())
  await stream.write(j.onChallenge(await readFrame(stream, init.timeoutMs)))
  const result = j.onWelcome(await readFrame(stream, init.timeoutMs))
  await stream.write(j.bundle(init.ownSenderKeys(result)))
  await stream.close()
  return result
}

/**
 * An admin's side. ADMIT is called with the signed Add entry once the joiner proved everything;
 * it must append (and persist, and broadcast) the entry and return the sender keys to hand over.
 */
export async function serveJoin (stream: FramedStream, init: {
  logFor: (roomId: Uint8Array) => MembershipLog | undefined
  adminKey: Ed25519PrivateKey
  remotePeerId: Uint8Array
  timeoutMs: number
  admit: (log: MembershipLog, decision: Extract<AdmitDecision, { admitted: true }>) => Uint8Array[]
  received: (log: MembershipLog, member: Uint8Array, senderKeys: Uint8Array[]) => void
}): Promise<{ refused?: string }> {
  const helloFrame = await readFrame(stream, init.timeoutMs)
  const roomId = peekJoinRoom(helloFrame)
  const log = roomId === undefined ? undefined : init.logFor(roomId)
  if (log === undefined) {
    // Not a room we are in (or not even a hello): say so, so the joiner can try another peer.
    const code = roomId === undefined ? 'MALFORMED' : 'UNKNOWN_ROOM'
    await stream.write(encodeFrame({ type: 'refused', bytes: encodeJoinRefused({ code, message: code === 'MALFORMED' ? 'expected a join hello' : 'this peer is not in that room' }) }))
    await stream.close()
    return { refused: code }
  }
  const r = new JoinResponder({ log }, { adminKey: init.adminKey, remotePeerId: init.remotePeerId })
  await stream.write(r.onHello(helloFrame))
  if (r.refusal !== undefined) { await stream.close(); return { refused: r.refusal.code } }
  const decision = r.onProof(await readFrame(stream, init.timeoutMs))
  if (!decision.admitted) { await stream.write(decision.frame); await stream.close(); return { refused: decision.code } }
  const senderKeys = init.admit(log, decision)
  await stream.write(r.welcome(senderKeys))
  const bundle = r.onBundle(await readFrame(stream, init.timeoutMs))
  init.received(log, bundle.member, bundle.senderKeys)
  await stream.close()
  return {}
}

/** The room a join hello names, for routing only (the responder decodes and checks it fully). */
function peekJoinRoom (frameBytes: Uint8Array): Uint8Array | undefined {
  try {
    const frame = decodeFrame(frameBytes)
    return frame.type === 'join-hello' ? decodeJoinHello(frame.bytes).roomId : undefined
  } catch {
    return undefined
  }
}

/** The dialling member of a keys exchange. */
export async function runKeys (stream: FramedStream, init: { log: MembershipLog, memberKey: Ed25519PrivateKey, senderKeys: Uint8Array[], expectedPeer?: Uint8Array, timeoutMs: number }): Promise<KeysResult> {
  const k = new KeysInitiator({ log: init.log }, { memberKey: init.memberKey, senderKeys: init.senderKeys, expectedPeer: init.expectedPeer })
  await stream.write(k.hello())
  const [confirm, bundle] = k.onReply(await readFrame(stream, init.timeoutMs))
  await stream.write(confirm!)
  await stream.write(bundle!)
  const result = k.onBundle(await readFrame(stream, init.timeoutMs))
  await stream.close()
  return result
}

/** The answering member of a keys exchange; the room is named in the hello. */
export async function serveKeys (stream: FramedStream, init: {
  logFor: (roomId: Uint8Array) => MembershipLog | undefined
  memberKey: Ed25519PrivateKey
  /** The keys to hand to MEMBER (the initiator, as its hello names it: checked by the handshake before any key leaves). */
  senderKeysFor: (log: MembershipLog, member: Uint8Array) => Uint8Array[]
  timeoutMs: number
}): Promise<{ log: MembershipLog, result: KeysResult } | undefined> {
  const helloFrame = await readFrame(stream, init.timeoutMs)
  let roomId: Uint8Array
  let member: Uint8Array
  try {
    const frame = decodeFrame(helloFrame)
    if (frame.type !== 'keys-hello') throw new HandshakeError('expected a keys hello')
    const hello = decodeKeysHello(frame.bytes)
    roomId = hello.roomId
    member = hello.member
  } catch {
    stream.abort(new HandshakeError('malformed keys hello'))
    return undefined
  }
  const log = init.logFor(roomId)
  if (log === undefined) { stream.abort(new HandshakeError('unknown room')); return undefined }
  const r = new KeysResponder({ log }, { memberKey: init.memberKey, senderKeys: init.senderKeysFor(log, member) })
  await stream.write(r.onHello(helloFrame))
  if (r.refusal !== undefined) { await stream.close(); return undefined }
  r.onConfirm(await readFrame(stream, init.timeoutMs))
  const { frame, result } = r.onBundle(await readFrame(stream, init.timeoutMs))
  await stream.write(frame)
  await stream.close()
  return { log, result }
}
