// Hand-off targets: the raw bytes a neighbour sends on "/conclave/handoff/1.0.0" (length prefix and
// frame, through the real FramedStream over an in-memory stream), for both sides: the responder must
// answer 1 only to a 32-byte id it accepted (and answer it), the asker must read "yes" only from [1].
import type { Stream } from '@libp2p/interface'
import fc from 'fast-check'
import type { Uint8ArrayList } from 'uint8arraylist'
import { HANDOFF_PROTOCOL, HandoffTracker, askHandoff } from '../../../src/room/handoff.js'
import { FramedStream, encodeFrameLength } from '../../../src/transport/index.js'
import type { Target, Verdict } from '../harness.js'
import { bytesFrom, readVarint } from '../mutate.js'

/** What the service opens hand-off streams with (src/room/service.ts). */
const MAX_FRAME_BYTES = 64

/** Just enough of a libp2p Stream for FramedStream: bytes in as 'message' events, what is sent kept. */
class MemoryStream extends EventTarget {
  readonly protocol = HANDOFF_PROTOCOL
  maxReadBufferLength = 4 * 1024 * 1024
  readStatus = 'readable'
  status = 'open'
  readableEnded = false
  readBufferLength = 0
  readonly sent: Uint8Array[] = []

  deliver (bytes: Uint8Array): void {
    if (bytes.length === 0) return
    const evt = new Event('message') as Event & { data: Uint8Array }
    evt.data = bytes
    this.dispatchEvent(evt)
  }

  end (): void {
    this.readableEnded = true
    this.dispatchEvent(new Event('end'))
  }

  send (data: Uint8ArrayList): boolean { this.sent.push(data.subarray()); return true }
  pause (): void { this.readStatus = 'paused' }
  resume (): void { this.readStatus = 'readable' }
  async close (): Promise<void> { this.status = 'closed' }
  abort (err: Error): void {
    if (this.status === 'aborted') return
    this.status = 'aborted'
    const evt = new Event('close') as Event & { error: Error }
    evt.error = err
    this.dispatchEvent(evt)
  }
}

/** Bytes arrive in two parts (the second a macrotask later), then the peer ends its side. */
interface Wire { bytes: Uint8Array, cut: number }

function open (input: Wire): { stream: FramedStream, memory: MemoryStream } {
  const memory = new MemoryStream()
  const stream = new FramedStream(memory as unknown as Stream, 'peer', { maxFrameBytes: MAX_FRAME_BYTES })
  const cut = input.cut % (input.bytes.length + 1)
  memory.deliver(input.bytes.subarray(0, cut))
  setImmediate(() => { memory.deliver(input.bytes.subarray(cut)); memory.end() })
  return { stream, memory }
}

/** The first frame of BYTES as the protocol defines it (varint length of at most 5 bytes, then that many bytes). */
function firstFrame (bytes: Uint8Array): Uint8Array | undefined {
  const v = readVarint(bytes, 0, Math.min(bytes.length, 5))
  if (v === undefined) return undefined
  const [length, at] = v
  return length <= BigInt(bytes.length - at) ? bytes.subarray(at, at + Number(length)) : undefined
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const frame = (b: Uint8Array): Uint8Array => Uint8Array.from([...encodeFrameLength(b.length), ...b])
const wire = (seeds: Uint8Array[]): fc.Arbitrary<Wire> => fc.record({ bytes: bytesFrom(seeds, { maxRandomLength: 80 }), cut: fc.nat({ max: 100 }) })
const showWire = (w: Wire): string => `${hex(w.bytes)} (cut at ${w.cut % (w.bytes.length + 1)})`

export function handoffServeTarget (): Target<Wire> {
  // the question always arrives within a macrotask: a long read deadline only keeps a stalled machine from faking a finding
  const tracker = new HandoffTracker({ serveWaitMs: 1, readDeadlineMs: 30_000 })
  const ids = [0, 1, 2, 0xff].map(n => new Uint8Array(32).fill(n))
  for (const id of ids) tracker.accepted(hex(id))
  const known = new Set(ids.map(hex))
  return {
    name: 'handoff/serve',
    arbitrary: wire(ids.map(frame)),
    batch: 64,
    seeds: ids.length,
    validSeeds: ids.length,
    show: showWire,
    check: async (input): Promise<Verdict> => {
      const { stream, memory } = open(input)
      await tracker.serve(stream, 'fuzzer', true) // a throw (a TransportError for a broken frame) is classified by the harness
      const question = firstFrame(input.bytes)
      const answer = memory.sent.map(s => Array.from(s))
      const asked = question?.length === 32
      if (!asked) return answer.length === 0 ? { reject: `stream ${memory.status}` } : { accept: `answered ${JSON.stringify(answer)} to a malformed question` }
      const yes = known.has(hex(question))
      if (answer.length !== 1 || answer[0]!.length !== 2 || answer[0]![0] !== 1) return { accept: `answered ${JSON.stringify(answer)}: not one 1-byte frame` }
      if (answer[0]![1] === 1 && !yes) return { accept: 'answered yes about an id it never accepted' }
      if (answer[0]![1] !== 1 && yes) return { accept: 'answered no about an id it accepted' }
      return yes ? 'ok' : { reject: 'answered no' }
    }
  }
}

export function handoffAskTarget (): Target<Wire> {
  const id = new Uint8Array(32).fill(7)
  return {
    name: 'handoff/askHandoff',
    arbitrary: wire([frame(Uint8Array.of(1)), frame(Uint8Array.of(0))]),
    allowed: [], // askHandoff answers false on any failure: it never throws
    batch: 64,
    seeds: 2,
    validSeeds: 2,
    show: showWire,
    check: async (input): Promise<Verdict> => {
      const { stream, memory } = open(input)
      const yes = await askHandoff(stream, id)
      const answer = firstFrame(input.bytes)
      const reallyYes = answer !== undefined && answer.length === 1 && answer[0] === 1
      if (memory.sent.length !== 1 || hex(memory.sent[0]!) !== hex(frame(id))) return { accept: 'the question was not sent as one frame' }
      if (yes !== reallyYes) return { accept: `read ${String(yes)} from an answer that says ${String(reallyYes)}` }
      return yes ? 'ok' : { reject: 'no' }
    }
  }
}
