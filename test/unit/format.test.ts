// The human line of a message: [pN] only for a priority that is set and not the default 3, a
// title only when the message has one, tags after the text.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { humanLine } from '../../src/cli/format.js'
import type { ShownMessage } from '../../src/room/shown.js'

const m = (extra: Partial<ShownMessage>): ShownMessage => ({
  room: 'ops', roomId: 'r'.repeat(52), id: 'a'.repeat(64), from: 'm'.repeat(52), fromName: 'bob', ts: '2026-12-03T12:34:56.000Z', text: 'hello', title: null, priority: null, tags: [], ...extra
})

test('a plain message: time, name, text', () => {
  assert.equal(humanLine(m({}), false, false), '12:34:56 bob: hello')
  assert.equal(humanLine(m({}), false, true), '12:34:56 #ops bob: hello')
})

test('priority: shown unless unset or 3; title and tags when present', () => {
  assert.equal(humanLine(m({ priority: 3 }), false, false), '12:34:56 bob: hello')
  assert.equal(humanLine(m({ priority: 5, title: 'disk', tags: ['db1', 'x'] }), false, false), '12:34:56 bob: [p5] disk: hello  #db1 #x')
  assert.equal(humanLine(m({ priority: 1 }), false, false), '12:34:56 bob: [p1] hello')
})
