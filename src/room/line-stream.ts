// Streams lines (stdin of `conclave send`) into a room: lines that arrive faster than they can be
// sent are coalesced into batch envelopes (one signature per batch; bounded by a few ms and a
// size cap) and split back into lines on receipt, in order. Backpressure: the source is pulled
// only as fast as envelopes leave, so a line is never dropped and the producer is only slowed.
import { NobodyReachableError } from '../errors.js'
import { LINES_MAX, PAYLOAD_MAX_BYTES } from '../wire/payload.js'
import type { Room } from './room.js'
import type { RoomService } from './service.js'

/** Payload bytes a batch's lines may take (the rest is room for title, tags and framing). */
export const BATCH_BYTES = PAYLOAD_MAX_BYTES - 2048
/** A line longer than this (UTF-8 bytes) is sent as several lines of at most this size. */
export const LINE_SPLIT_BYTES = BATCH_BYTES - 16
/** How long the first line of a batch may wait for more. */
export const BATCH_DELAY_MS = 5
/** Bytes queued on the gossip stream to the slowest reader before the sender waits. */
export const QUEUE_HIGH_WATER_BYTES = 1024 * 1024
/** Batches sealed but not yet published before the source is paused. */
const MAX_INFLIGHT = 4

export interface StreamOptions {
  title?: string
  priority?: number
  tags?: string[]
  /** How long to wait for a reachable member when an envelope reached nobody. */
  timeoutMs: number
  /** Called once per line that had to be split. */
  onSplit?: (bytes: number, parts: number) => void
  /** Called when a reader stayed backed up for the whole timeout (we went on without it). */
  onSlowReader?: () => void
}

const encoder = new TextEncoder()

/** Splits TEXT into pieces of at most MAXBYTES UTF-8 bytes, never inside a character. */
export function splitUtf8 (text: string, maxBytes: number): string[] {
  const parts: string[] = []
  let current = ''
  let size = 0
  for (const ch of text) {
    const n = ch.length === 2 ? 4 : encoder.encode(ch).length
    if (size + n > maxBytes) { parts.push(current); current = ''; size = 0 }
    current += ch
    size += n
  }
  parts.push(current)
  return parts
}

export async function streamLines (service: RoomService, room: Room, source: AsyncIterable<string[]>, options: StreamOptions): Promise<{ lines: number, envelopes: number, lastId?: string }> {
  let batch: string[] = []
  let bytes = 0
  let timer: NodeJS.Timeout | undefined
  let chain: Promise<void> = Promise.resolve()
  let inflight = 0
  let failure: unknown
  let lines = 0
  let envelopes = 0
  let lastId: string | undefined

  const publish = async (b: string[]): Promise<void> => {
    // A reader that is slower than us (or frozen) makes us wait here; after the timeout we go on
    // (that reader's queue then grows), with a note, rather than stall every other reader.
    if (!await service.waitForDrain(room, QUEUE_HIGH_WATER_BYTES, options.timeoutMs)) options.onSlowReader?.()
    await service.rotateIfDue(room) // a long-running pipe reaches the rotation limits too
    const sent = await service.send(room, { lines: b, title: options.title, priority: options.priority, tags: options.tags })
    let recipients = sent.recipients
    // Nobody got it (the last reader went away): wait for one, then the same envelope again.
    while (recipients === 0) {
      if (!await service.waitForReaders(room, options.timeoutMs)) {
        throw new NobodyReachableError(`nobody in room '${room.name}' was reachable for ${Math.round(options.timeoutMs / 1000)} s; ${lines - b.length} line(s) were delivered before`, {
          hint: 'another member must be online (conclave chat/listen/daemon) and reachable'
        })
      }
      recipients = await service.republish(room, sent.envelope)
    }
    envelopes++
    lastId = sent.id
  }
  const flush = (): Promise<void> => {
    if (timer !== undefined) { clearTimeout(timer); timer = undefined }
    if (batch.length === 0) return chain
    const b = batch
    batch = []
    bytes = 0
    inflight++
    chain = chain.then(async () => {
      if (failure === undefined) await publish(b)
    }).catch(err => { failure ??= err }).finally(() => { inflight-- })
    return chain
  }

  outer: for await (const raws of source) {
    for (const raw of raws) {
      if (failure !== undefined) break outer
      const size = Buffer.byteLength(raw)
      const pieces = size > LINE_SPLIT_BYTES ? splitUtf8(raw, LINE_SPLIT_BYTES) : [raw]
      if (pieces.length > 1) options.onSplit?.(size, pieces.length)
      for (const line of pieces) {
        const cost = (pieces.length === 1 ? size : Buffer.byteLength(line)) + 4 // tag + length varint
        if (batch.length > 0 && (bytes + cost > BATCH_BYTES || batch.length >= LINES_MAX)) await flush()
        batch.push(line)
        bytes += cost
        lines++
        timer ??= setTimeout(() => { void flush() }, BATCH_DELAY_MS)
      }
      // Backpressure: do not take more lines while envelopes pile up.
      while (inflight >= MAX_INFLIGHT) await chain
    }
  }
  await flush()
  if (failure !== undefined) throw failure
  return { lines, envelopes, ...(lastId !== undefined ? { lastId } : {}) }
}
