// The daemon client's raw HTTP/1.1 answer parser (one-shot requests skip node:http, see src/client/socket.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseAnswer } from '../../src/client/socket.js'
import { ConclaveError } from '../../src/errors.js'

const answer = (text: string): Buffer => Buffer.from(text, 'utf8')

test('an answer with Content-Length: status and exactly that body', () => {
  const r = parseAnswer(answer('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"id":"é"}\nextra'))
  assert.deepEqual(r, { status: 200, body: '{"id":"é"}\n' })
})

test('a chunked answer is reassembled', () => {
  const r = parseAnswer(answer('HTTP/1.1 504 Gateway Timeout\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"err\r\n9\r\nor":"x"}\n\r\n0\r\n\r\n'))
  assert.deepEqual(r, { status: 504, body: '{"error":"x"}\n' })
})

test('an answer without a length is read to the end of the connection', () => {
  assert.deepEqual(parseAnswer(answer('HTTP/1.0 404 Not Found\r\n\r\n{"error":"no"}')), { status: 404, body: '{"error":"no"}' })
})

test('truncated or malformed answers are errors, not guesses', () => {
  for (const bad of ['', 'HTTP/1.1 200 OK\r\nContent-Length: 2', 'SMTP 220 hello\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab']) {
    assert.throws(() => parseAnswer(answer(bad)), (err: unknown) => err instanceof ConclaveError && /the node (sent a (truncated|malformed) answer|closed the connection without an answer)/.test((err as Error).message), JSON.stringify(bad))
  }
})
