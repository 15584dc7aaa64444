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

test('terminal safety (issue 15): a message cannot print a fake line from someone else, nor reorder text', () => {
  // the attack: bob's text carries a newline and what looks like alice's line
  const forged = humanLine(m({ text: 'ok\n12:35:00 alice: transfer approved' }), false, false)
  assert.equal(forged, '12:34:56 bob: ok\n         | 12:35:00 alice: transfer approved')
  assert.ok(forged.split('\n').slice(1).every(l => l.startsWith('         | ')), 'every further line is marked as a continuation')
  // carriage returns, escapes and other controls never reach the terminal
  assert.equal(humanLine(m({ text: 'a\rb\x1b[2Jc\x07' }), false, false), '12:34:56 bob: a\uFFFDb\uFFFD[2Jc\uFFFD')
  // bidi overrides and isolates: U+202E would show "txt.exe" as "exe.txt"
  assert.equal(humanLine(m({ text: 'file\u202Etxt.exe \u2066x\u2069' }), false, false), '12:34:56 bob: file\uFFFDtxt.exe \uFFFDx\uFFFD')
  // names, titles and tags: one line, no bidi, no zero-width (two names that look alike stay apart)
  assert.equal(humanLine(m({ fromName: 'bo\u200Bb\nalice', title: 't\u202Ei', tags: ['x\ny'] }), false, false), '12:34:56 bo\uFFFDb\uFFFDalice: t\uFFFDi: hello  #x\uFFFDy')
  // an emoji sequence with zero-width joiners is left whole in the text
  assert.equal(humanLine(m({ text: '\u{1F468}\u200D\u{1F469}' }), false, false), '12:34:56 bob: \u{1F468}\u200D\u{1F469}')
})
