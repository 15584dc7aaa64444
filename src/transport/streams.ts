// FramedStream: whole length-prefixed frames over one libp2p stream, size-limited, with backpressure both ways.
import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, ReadTimeoutError, TransportError } from '../errors.js'

/** Frames are prefixed by their length as an unsigned LEB128 varint (the libp2p convention, as lpStream). */
const MAX_VARINT_BYTES = 5 // 2^35 > any limit we allow
/**
 * The largest Yamux receive window we grant one stream (node.ts configures the muxer with it).
 * Yamux's default of 16 MiB grows within a few frames on a fast link, and a paused reader can
 * still be sent a whole window: measured, a 5 MB write completed while the reader slept. At
 * 1 MiB a stream still moves ~10 MB/s at 100 ms RTT, plenty for handshakes and history sync.
 */
export const STREAM_MAX_WINDOW_BYTES = 1024 * 1024
/**
 * How long one read waits for a whole frame unless the caller says otherwise. A peer that stops
 * in the middle of a frame (or never starts one) holds a buffer and a stream: past this, the
 * stream is aborted and both are freed.
 */
export const DEFAULT_READ_TIMEOUT_MS = 10_000

export interface FramedStreamOptions {
  /** Largest frame accepted from the peer or sent to it (bytes of payload, without the prefix). */
  maxFrameBytes: number
  /** Deadline of each read() that names none (ms). Default DEFAULT_READ_TIMEOUT_MS. */
  readTimeoutMs?: number
}

/** Unsigned LEB128 encoding of a frame length. */
export function encodeFrameLength (n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`"length" expected a non-negative integer, got ${n}`)
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return Uint8Array.from(out)
}

/**
 * Decode a frame length at the start of `buf`: `{ length, prefixBytes }`, or undefined when the
 * varint is not complete yet. Throws on a varint longer than MAX_VARINT_BYTES.
 */
export function decodeFrameLength (buf: Uint8ArrayList): { length: number, prefixBytes: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = 0; i < Math.min(buf.byteLength, MAX_VARINT_BYTES); i++) {
    const byte = buf.get(i)
    value += (byte & 0x7f) * scale
    if ((byte & 0x80) === 0) return { length: value, prefixBytes: i + 1 }
    scale *= 128
  }
  if (buf.byteLength >= MAX_VARINT_BYTES) throw new FrameTooLargeError('frame length prefix too long')
  return undefined
}

/**
 * A length-prefixed frame stream. Built directly on the libp2p 3 `Stream` events rather than
 * `lpStream` from @libp2p/utils because (measured in its source, @libp2p/utils 7.4):
 * - `lpStream.read()` throws UnexpectedEOFError at a clean end of stream, the same error as a
 *   truncated frame, so a reader cannot tell "peer finished" from "peer broke off";
 * - its byte buffer takes every 'message' event and never pauses the stream, so a slow reader
 *   buffers up to 4 MiB and then the stream is aborted instead of the sender being slowed down.
 * Here the reader pauses the stream (Yamux then withholds window updates, so the remote's
 * `send` reports a full buffer) once `highWaterBytes` are buffered, and resumes below half of it.
 * The wire format is identical to lpStream's (unsigned varint length, then the bytes).
 */
export class FramedStream {
  readonly protocol: string
  readonly remotePeer: string
  readonly maxFrameBytes: number
  readonly readTimeoutMs: number
  /** Buffered unread bytes above which the stream is paused. */
  readonly highWaterBytes: number
  readonly #stream: Stream
  readonly #buffer = new Uint8ArrayList()
  #error: Error | undefined
  /** Set when the peer broke this stream's limits (a frame over the limit, nothing by a deadline). */
  violation: 'frame-too-large' | 'deadline' | undefined
  #wake: (() => void) | undefined
  #reading = false

  constructor (stream: Stream, remotePeer: string, options: FramedStreamOptions) {
    if (!Number.isSafeInteger(options.maxFrameBytes) || options.maxFrameBytes <= 0) {
      throw new RangeError(`"maxFrameBytes" expected a positive integer, got ${options.maxFrameBytes}`)
    }
    this.#stream = stream
    this.protocol = stream.protocol
    this.remotePeer = remotePeer
    this.maxFrameBytes = options.maxFrameBytes
    this.readTimeoutMs = options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS
    // One whole frame must fit, or a paused reader could wait forever for the rest of it.
    this.highWaterBytes = Math.max(256 * 1024, 2 * (options.maxFrameBytes + MAX_VARINT_BYTES))
    // While paused, the stream still stores what the peer's send window allowed before the
    // pause (at most STREAM_MAX_WINDOW_BYTES); make sure that never trips libp2p's read-buffer
    // limit, which would abort the stream instead of pausing it.
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, STREAM_MAX_WINDOW_BYTES + this.highWaterBytes)
    stream.addEventListener('message', (evt) => {
      this.#buffer.append(evt.data)
      if (this.#buffer.byteLength >= this.highWaterBytes && stream.readStatus === 'readable') stream.pause()
      this.#notify()
    })
    stream.addEventListener('end', () => { this.#notify() })
    stream.addEventListener('close', (evt) => {
      if (evt.error != null && this.#error === undefined) this.#error = evt.error
      this.#notify()
    })
  }

  /** Unread bytes held by this reader (for tests and diagnostics). */
  get bufferedBytes (): number {
    return this.#buffer.byteLength
  }

  /** The libp2p stream status: open, closing, closed, aborted, reset. */
  get status (): string {
    return this.#stream.status
  }

  /**
   * The next whole frame, or undefined when the peer closed its side cleanly between frames.
   * Throws FrameTooLargeError (and aborts the stream) for a frame over `maxBytes` (checked as soon
   * as its length prefix arrives, before any of it is buffered past the prefix), ReadTimeoutError
   * (and aborts the stream) when no whole frame came within `timeoutMs`, TransportError for a
   * reset or a frame cut short.
   */
  async read (maxBytes: number = this.maxFrameBytes, timeoutMs: number = this.readTimeoutMs): Promise<Uint8Array | undefined> {
    if (this.#reading) throw new TransportError('concurrent read on one framed stream')
    this.#reading = true
    const timer = setTimeout(() => {
      this.violation ??= 'deadline'
      this.abort(new ReadTimeoutError(`no whole frame within ${timeoutMs} ms`))
    }, timeoutMs)
    try {
      return await this.#read(Math.min(maxBytes, this.maxFrameBytes))
    } finally {
      clearTimeout(timer)
      this.#reading = false
    }
  }

  async #read (limit: number): Promise<Uint8Array | undefined> {
    while (true) {
      const header = decodeFrameLength(this.#buffer)
      if (header !== undefined) {
        if (header.length > limit) {
          const err = new FrameTooLargeError(`peer sent a frame of ${header.length} bytes, limit ${limit}`)
          this.violation ??= 'frame-too-large'
          this.abort(err)
          throw err
        }
        const total = header.prefixBytes + header.length
        if (this.#buffer.byteLength >= total) {
          const frame = this.#buffer.subarray(header.prefixBytes, total)
          this.#buffer.consume(total)
          this.#maybeResume()
          // A plain Uint8Array view (the chunks are often Node Buffers from the socket).
          return new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
        }
      }
      if (this.#error !== undefined) {
        throw this.#error instanceof TransportError ? this.#error : new TransportError('stream failed', { cause: this.#error })
      }
      const status = this.#stream.status
      if (status === 'reset' || status === 'aborted') {
        // 'end' can be dispatched before the close event that carries the error.
        throw new TransportError(status === 'reset' ? 'stream reset by peer' : 'stream aborted')
      }
      if (this.#stream.readableEnded && this.#stream.readBufferLength === 0) {
        if (this.#buffer.byteLength === 0) return undefined
        throw new TransportError(`stream ended inside a frame (${this.#buffer.byteLength} bytes left over)`)
      }
      // Need more bytes than are buffered: make sure they can arrive.
      if (this.#stream.readStatus === 'paused') this.#stream.resume()
      await new Promise<void>(resolve => { this.#wake = resolve })
    }
  }

  #maybeResume (): void {
    if (this.#stream.readStatus === 'paused' && this.#buffer.byteLength < this.highWaterBytes / 2) this.#stream.resume()
  }

  #notify (): void {
    const wake = this.#wake
    this.#wake = undefined
    wake?.()
  }

  /** Send one frame; resolves once the stream can take more (backpressure), rejects if it closed. */
  async write (bytes: Uint8Array): Promise<void> {
    if (bytes.byteLength > this.maxFrameBytes) {
      throw new FrameTooLargeError(`frame of ${bytes.byteLength} bytes is over the limit of ${this.maxFrameBytes}`)
    }
    if (this.#error !== undefined) throw new TransportError('stream failed', { cause: this.#error })
    try {
      if (!this.#stream.send(new Uint8ArrayList(encodeFrameLength(bytes.byteLength), bytes))) {
        await this.#drained()
      }
    } catch (err) {
      throw err instanceof TransportError ? err : new TransportError('could not write to stream', { cause: err })
    }
  }

  /**
   * The next 'drain' event, rejecting if the stream closes first. Not `stream.onDrain()`: in
   * @libp2p/utils 7.4.1 its promise is created once and never reset, so after the first drain it
   * resolves at once and the writer is never held back again (measured: a 5 MB write finished
   * while the reader slept).
   */
  async #drained (): Promise<void> {
    const stream = this.#stream
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => { cleanup(); resolve() }
      const onClose = (evt: Event): void => {
        cleanup()
        reject((evt as Event & { error?: Error }).error ?? new TransportError('stream closed while writing'))
      }
      const cleanup = (): void => {
        stream.removeEventListener('drain', onDrain)
        stream.removeEventListener('close', onClose)
      }
      stream.addEventListener('drain', onDrain)
      stream.addEventListener('close', onClose)
    })
  }

  /** Half-close: no more writes from us; the peer's remaining frames can still be read. */
  async close (): Promise<void> {
    try {
      await this.#stream.close()
    } catch (err) {
      this.#stream.abort(err instanceof Error ? err : new Error(String(err)))
    }
  }

  /**
   * Ends the stream for good, never waiting longer than `graceMs`: closes our side (flushing what
   * we wrote) and waits for the peer to close its side; a peer that does neither in time (it
   * stopped reading, or keeps its side open) gets the stream aborted. Every handler ends with it.
   */
  async finish (graceMs: number): Promise<void> {
    const stream = this.#stream
    if (stream.status !== 'open') return
    try {
      await stream.close({ signal: AbortSignal.timeout(graceMs) })
    } catch (err) {
      this.abort(err instanceof Error ? err : new Error(String(err)))
      return
    }
    if (stream.status !== 'open') return
    await new Promise<void>(resolve => {
      const done = (): void => { clearTimeout(timer); stream.removeEventListener('close', done); resolve() }
      const timer = setTimeout(() => { this.abort(new ReadTimeoutError(`the peer kept its side open ${graceMs} ms after we finished`)); done() }, graceMs)
      stream.addEventListener('close', done)
      if (stream.status !== 'open') done()
    })
  }

  /** Close both directions now, discarding anything unsent or unread; the peer sees a reset. */
  abort (err: Error): void {
    if (this.#error === undefined) this.#error = err
    this.#stream.abort(err)
    this.#notify()
  }
}
