// What a stored message looks like to listen, chat, history and the daemon (SPEC.md section 2
// JSON): the ShownMessage, one per message or per line of a batch, and the ids of batch lines.
import { sha256 } from '../crypto/index.js'
import type { StoredMessage } from '../store/index.js'
import { hex, roomIdText } from './ids.js'
import type { Room } from './room.js'

/**
 * A message as the CLI shows it (SPEC.md section 2 JSON): every key always present, in this
 * order; title and priority are null when the message has none, tags [] (no priority is not
 * priority 3: the sender did not say).
 */
export interface ShownMessage {
  room: string
  roomId: string
  id: string
  from: string
  fromName: string
  ts: string
  text: string
  title: string | null
  priority: number | null
  tags: string[]
  /** Present (true) only on a message delivered by catch-up from another member, not live. */
  caughtUp?: true
}

/** The id of line I of the batch message with id BATCH: H(batch ‖ u32be(i)). */
export function lineId (batch: Uint8Array, i: number): Uint8Array {
  const input = Buffer.allocUnsafe(batch.length + 4)
  input.set(batch)
  input.writeUInt32BE(i, batch.length)
  return sha256(input)
}

/**
 * What one stored message shows as: itself, or for a batch envelope (`lines`, from a stdin
 * stream) one message per line, in order, with ids lineId(message id, i); the batch stays one
 * row in the store. For a batch, the sender, time and ids are
 * worked out once, and a line's id only when something reads it — for 100k piped lines,
 * hashing every line id cost more than printing the lines.
 */
export function showAll (room: Room, m: StoredMessage, idHex?: string): ShownMessage[] {
  const lines = m.lines
  if (lines === undefined || lines.length === 0) return [show(room, m, idHex)]
  const base = show(room, { ...m, lines: undefined })
  return lines.map((text, i) => {
    let id: string | undefined
    return {
      room: base.room,
      roomId: base.roomId,
      get id () { return (id ??= hex(lineId(m.id, i))) },
      from: base.from,
      fromName: base.fromName,
      ts: base.ts,
      text,
      title: base.title,
      priority: base.priority,
      tags: base.tags
    }
  })
}

function show (room: Room, m: StoredMessage, idHex = hex(m.id)): ShownMessage {
  const senderHex = hex(m.sender)
  const sender = room.log.memberView(senderHex, m.epoch ?? room.log.epoch) ?? room.log.memberView(senderHex)
  return {
    room: room.name,
    roomId: room.id,
    id: idHex,
    from: sender?.memberId ?? roomIdText(m.sender),
    fromName: sender?.name ?? '?',
    ts: new Date(m.ts).toISOString(),
    text: m.text ?? '',
    title: m.title ?? null,
    priority: m.priority ?? null,
    tags: m.tags ?? []
  }
}
