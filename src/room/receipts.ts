// Delivery receipts ("/conclave/receipt/1.0.0"): a member that stored a message whose sender
// asked for receipts signs (room id, message id) with its member key and hands the receipt to
// the gossip neighbour it got the message from; each node that accepted that message passes it
// on the same way, so receipts flow back along the path the message came, to the sender, and
// never flood the room. Every hop verifies the signature, that the signer can read the room
// (member or admin: a poster holds no keys) and that the receipt names the room the message
// came in, before passing it on or counting it.
import { ed25519Verify } from '../crypto/index.js'
import type { FramedStream, Transport } from '../transport/index.js'
import { RECEIPT_MAX_BYTES, RECEIPT_PROTOCOL, decodeReceipt, encodeReceipt, receiptSigningBytes } from '../wire/envelope.js'
import { hex } from './ids.js'
import type { Identity } from './identity.js'
import type { Room } from './room.js'

/** Message ids whose way back is remembered (the peer each came from). */
const ROUTES_MAX = 4096
/** Of those, at most this many through one neighbour: one peer cannot crowd out the others' routes. */
const ROUTES_PER_PEER_MAX = 1024
/** How long a neighbour may take to send its receipt. */
const READ_DEADLINE_MS = 5_000

export interface ReceiptComponents {
  identity: Identity
  net: () => Transport
  room: (roomId: Uint8Array) => Room | undefined
  log: (message: string, level?: number) => void
}

interface Awaiting { roomId: string, members: Set<string>, wake: Array<() => void> }
interface Route { peer: string, roomId: string }

export class Receipts {
  readonly #c: ReceiptComponents
  /** message id → the peer it came from (where receipts for it go) and the room it came in. */
  readonly #routes = new Map<string, Route>()
  /** Routes per neighbour. */
  readonly #routesOf = new Map<string, number>()
  /** (message id, member) pairs already passed on. */
  readonly #passed = new Set<string>()
  /** Our own messages whose receipts we count. */
  readonly #awaiting = new Map<string, Awaiting>()

  constructor (components: ReceiptComponents) {
    this.#c = components
  }

  /** Before publishing a message to ROOM that asks for receipts: start counting them. */
  expect (messageId: string, room: Room): void {
    this.#awaiting.set(messageId, { roomId: hex(room.roomId), members: new Set(), wake: [] })
  }

  /** Resolves with the number of distinct members that confirmed, once N did or after TIMEOUTMS. */
  async wait (messageId: string, n: number, timeoutMs: number): Promise<number> {
    const a = this.#awaiting.get(messageId)
    if (a === undefined) return 0
    const deadline = Date.now() + timeoutMs
    while (a.members.size < n && Date.now() < deadline) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, deadline - Date.now())
        a.wake.push(() => { clearTimeout(timer); resolve() })
      })
    }
    return a.members.size
  }

  /** Stops counting receipts for MESSAGEID (its sender has its answer): a long-running node keeps no entry per message. */
  forget (messageId: string): void {
    this.#awaiting.delete(messageId)
  }

  /** A message asking for receipts was accepted (and stored): remember its way back, send ours. */
  accepted (room: Room, messageId: Uint8Array, fromPeer: string): void {
    const id = hex(messageId)
    if ((this.#routesOf.get(fromPeer) ?? 0) < ROUTES_PER_PEER_MAX && !this.#routes.has(id)) {
      this.#routes.set(id, { peer: fromPeer, roomId: hex(room.roomId) })
      this.#routesOf.set(fromPeer, (this.#routesOf.get(fromPeer) ?? 0) + 1)
      if (this.#routes.size > ROUTES_MAX) this.#dropRoute(this.#routes.keys().next().value!)
    }
    const member = this.#c.identity.memberPublicKey
    const receipt = encodeReceipt({ roomId: room.roomId as Uint8Array<ArrayBuffer>, messageId: messageId as Uint8Array<ArrayBuffer>, member: member as Uint8Array<ArrayBuffer>, signature: this.#c.identity.memberKey.sign(receiptSigningBytes(room.roomId, messageId)) as Uint8Array<ArrayBuffer> })
    this.#passed.add(`${id}:${hex(member)}`)
    void this.#send(fromPeer, receipt)
  }

  #dropRoute (id: string): void {
    const route = this.#routes.get(id)
    if (route === undefined) return
    this.#routes.delete(id)
    const left = (this.#routesOf.get(route.peer) ?? 1) - 1
    if (left > 0) this.#routesOf.set(route.peer, left)
    else this.#routesOf.delete(route.peer)
  }

  /**
   * One receipt from a neighbour. Only a peer that subscribes to the receipt's room topic can have
   * had the message from us, so only such a peer is heard. The caller finishes the stream.
   */
  async serve (stream: FramedStream, remotePeer: string): Promise<void> {
    try {
      const bytes = await stream.read(RECEIPT_MAX_BYTES, READ_DEADLINE_MS)
      if (bytes === undefined) return
      const r = decodeReceipt(bytes)
      const receiptRoom = this.#c.room(r.roomId)
      if (receiptRoom === undefined || !this.#c.net().topicPeers(receiptRoom.topic).includes(remotePeer)) throw new Error('the peer is not in the topic of the receipt\'s room')
      const id = hex(r.messageId)
      const mine = this.#awaiting.get(id)
      const back = mine === undefined ? this.#routes.get(id) : undefined
      const roomId = mine?.roomId ?? back?.roomId
      if (roomId === undefined) return // not a message of ours, nor one we passed on
      // A member of another room of ours could sign our message id with that room's id.
      if (hex(r.roomId) !== roomId) throw new Error('the receipt is for another room than the message')
      const role = this.#c.room(r.roomId)?.log.roleOf(r.member)
      if (role !== 'member' && role !== 'admin') throw new Error('the receipt is not from a member of its room who can read')
      if (!ed25519Verify(r.member, receiptSigningBytes(r.roomId, r.messageId), r.signature)) throw new Error('bad receipt signature')
      if (mine !== undefined) {
        if (hex(r.member) !== hex(this.#c.identity.memberPublicKey)) mine.members.add(hex(r.member))
        for (const wake of mine.wake.splice(0)) wake()
        return
      }
      const key = `${id}:${hex(r.member)}`
      if (back === undefined || this.#passed.has(key) || back.peer === remotePeer) return
      this.#passed.add(key)
      if (this.#passed.size > ROUTES_MAX * 8) this.#passed.delete(this.#passed.values().next().value!)
      await this.#send(back.peer, bytes)
    } catch (err) {
      this.#c.log(`receipt from ${remotePeer} dropped: ${(err as Error).message}`, 2)
    }
  }

  async #send (peer: string, receipt: Uint8Array): Promise<void> {
    try {
      const stream = await this.#c.net().openStream(peer, RECEIPT_PROTOCOL, { maxFrameBytes: RECEIPT_MAX_BYTES, signal: AbortSignal.timeout(5000) })
      await stream.write(receipt)
      await stream.finish(1000)
    } catch (err) {
      this.#c.log(`could not pass a receipt to ${peer}: ${(err as Error).message}`, 2)
    }
  }
}
