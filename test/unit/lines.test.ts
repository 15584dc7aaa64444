// Lines of stdin or a request body with bounded memory: chunk boundaries anywhere (inside a
// character too), CRLF, a line longer than the cap in pieces, NUL refused with its offset; and a
// line source that Ctrl-C ends while it waits for input.
import '../../src/polyfill.ts'
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { BinaryInputError, LINE_CAP_CHARS, readLines, readText, untilStopped } from '../../src/client/lines.js'

async function * chunks (...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? Buffer.from(p, 'utf8') : p
}
async function all (source: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = []
  for await (const ls of source) out.push(...ls)
  return out
}

it('lines across chunk boundaries, a character cut between chunks, CRLF, invalid UTF-8, no final newline', async () => {
  const e = Buffer.from('é', 'utf8')
  assert.deepEqual(await all(readLines(chunks('a\r', '\nb', 'c\n\n', e.subarray(0, 1), e.subarray(1), '\n', new Uint8Array([0xff, 0x0a]), 'last'))), ['a', 'bc', '', 'é', '\uFFFD', 'last'])
})

it('a line longer than the cap goes on in pieces of the cap, never inside a surrogate pair', async () => {
  const long = 'x'.repeat(LINE_CAP_CHARS - 1) + '😀' + 'y'.repeat(10)
  const pieces = await all(readLines(chunks(long, '\n'))) // a line that spans chunks is what the cap bounds
  assert.equal(pieces.join(''), long)
  assert.equal(pieces[0], 'x'.repeat(LINE_CAP_CHARS - 1))
  assert.ok(pieces.every(p => p.isWellFormed()))
})

it('a NUL byte is refused with its offset; the lines before it were handed on', async () => {
  const got: string[] = []
  await assert.rejects(async () => { for await (const ls of readLines(chunks('one\ntw', 'o\u0000'))) got.push(...ls) },
    (err: Error) => err instanceof BinaryInputError && err.message === 'stdin contains a NUL byte (at byte 7): conclave sends text, not binary data')
  assert.deepEqual(got, ['one'])
  await assert.rejects(readText(chunks('ab\u0000'), 100), /NUL byte \(at byte 2\)/)
  await assert.rejects(readText(chunks('x'.repeat(101)), 100), /stdin is more than 100 bytes, the largest message/)
  assert.equal(await readText(chunks('whole\r\ntext\n'), 100), 'whole\r\ntext')
})

it('untilStopped ends the iteration at once when stopped, even while the source waits for input', async () => {
  const { promise: stop, resolve } = Promise.withResolvers<void>()
  async function * slow (): AsyncGenerator<string> { yield 'first'; await new Promise(() => {}) }
  const got: string[] = []
  const reading = (async () => { for await (const l of untilStopped(slow(), stop)) got.push(l) })()
  await new Promise(r => setTimeout(r, 20))
  resolve()
  await reading
  assert.deepEqual(got, ['first'])
})
