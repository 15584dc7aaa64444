// Lines of a byte stream (stdin, a request body) with bounded memory: UTF-8 decoded (invalid
// bytes become U+FFFD), split on \n (a \r before it dropped), a line longer than LINE_CAP_CHARS
// handed on in pieces, and binary input (a NUL byte) refused rather than sent as text. Lines come
// in batches, those of one chunk: a fast pipe costs one await per chunk, not per line.
import { UsageError } from '../errors.js'

/** Longest piece of one line held in memory; longer lines go on in pieces (the sender splits them further). */
export const LINE_CAP_CHARS = 1 << 20

export class BinaryInputError extends UsageError {
  override name = 'BinaryInputError'
}

export async function * readLines (source: AsyncIterable<Uint8Array | string>, what = 'stdin'): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: false })
  let pending = ''
  let offset = 0
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    const nul = bytes.indexOf(0)
    if (nul >= 0) {
      throw new BinaryInputError(`${what} contains a NUL byte (at byte ${offset + nul}): conclave sends text, not binary data`, {
        hint: 'encode binary data first (base64), or send a file as text lines'
      })
    }
    offset += bytes.length
    pending += decoder.decode(bytes, { stream: true })
    const batch: string[] = []
    let start = 0
    for (;;) {
      const nl = pending.indexOf('\n', start)
      if (nl < 0) break
      batch.push(pending.charCodeAt(nl - 1) === 13 && nl > start ? pending.slice(start, nl - 1) : pending.slice(start, nl))
      start = nl + 1
    }
    pending = pending.slice(start)
    while (pending.length >= LINE_CAP_CHARS) {
      const code = pending.charCodeAt(LINE_CAP_CHARS - 1)
      const cut = code >= 0xd800 && code <= 0xdbff ? LINE_CAP_CHARS - 1 : LINE_CAP_CHARS // never inside a surrogate pair
      batch.push(pending.slice(0, cut))
      pending = pending.slice(cut)
    }
    if (batch.length > 0) yield batch
  }
  pending += decoder.decode()
  if (pending !== '') yield [pending]
}

/**
 * SOURCE until STOP resolves: then the iteration ends at once, even while SOURCE is waiting for
 * input. STOP gets one reaction in all (racing it per item would pile up one per line on a
 * promise that may never settle: a `tail -f` pipe runs for days).
 */
export function untilStopped<T> (source: AsyncIterable<T>, stop: Promise<unknown>): AsyncIterable<T> {
  const it = source[Symbol.asyncIterator]()
  let done = false
  let interrupt: (() => void) | undefined
  void stop.then(() => { done = true; interrupt?.() })
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        if (done) return { done: true, value: undefined }
        return await new Promise<IteratorResult<T>>((resolve, reject) => {
          interrupt = () => { resolve({ done: true, value: undefined }) }
          it.next().then(r => {
            interrupt = undefined
            if (r.done === true) done = true
            resolve(done ? { done: true, value: undefined } : r)
          }, reject)
        })
      },
      return: async () => { done = true; return { done: true, value: undefined } }
    })
  }
}

/** All of SOURCE as one text of at most MAXBYTES (one trailing newline dropped); binary input refused. */
export async function readText (source: AsyncIterable<Uint8Array | string>, maxBytes: number, what = 'stdin'): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const nul = bytes.indexOf(0)
    if (nul >= 0) throw new BinaryInputError(`${what} contains a NUL byte (at byte ${size + nul}): conclave sends text, not binary data`, { hint: 'encode binary data first (base64)' })
    size += bytes.length
    if (size > maxBytes + 1) throw new UsageError(`${what} is more than ${maxBytes} bytes, the largest message`, { hint: 'send it without --whole: each line becomes a message' })
    chunks.push(bytes)
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '')
  if (Buffer.byteLength(text) > maxBytes) throw new UsageError(`${what} is more than ${maxBytes} bytes, the largest message`, { hint: 'send it without --whole: each line becomes a message' })
  return text
}
