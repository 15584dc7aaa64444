// SPEC.md section 2 JSON: every shown message has every key, in the SPEC's order, with null /
// [] for a message without title, priority or tags — single messages and batch lines alike.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hex } from '../../src/room/ids.js'
import type { Room } from '../../src/room/room.js'
import { lineId, showAll } from '../../src/room/shown.js'
import type { StoredMessage } from '../../src/store/index.js'

const KEYS = ['room', 'roomId', 'id', 'from', 'fromName', 'ts', 'text', 'title', 'priority', 'tags']
const sender = new Uint8Array(32).fill(7)
const room = {
  name: 'ops',
  id: 'r'.repeat(52),
  log: { epoch: 0, memberView: (h: string) => h === hex(sender) ? { memberId: 'm'.repeat(52), name: 'bob' } : undefined }
} as unknown as Room
const stored = (extra: Partial<StoredMessage>): StoredMessage => ({
  id: new Uint8Array(32).fill(1),
  roomId: new Uint8Array(32).fill(2),
  ts: Date.UTC(2026, 11, 3, 12, 0, 0),
  sender,
  envelope: new Uint8Array(0),
  receivedAt: 0,
  ...extra
})
const common = { room: 'ops', roomId: 'r'.repeat(52), from: 'm'.repeat(52), fromName: 'bob', ts: '2026-12-03T12:00:00.000Z' }

test('a message without title, priority and tags: null, null, []', () => {
  const [shown, ...rest] = showAll(room, stored({ text: 'plain' }))
  assert.equal(rest.length, 0)
  assert.deepEqual(Object.keys(shown!), KEYS)
  assert.deepEqual({ ...shown }, { ...common, id: '01'.repeat(32), text: 'plain', title: null, priority: null, tags: [] })
  assert.equal(JSON.stringify(shown), `{"room":"ops","roomId":"${'r'.repeat(52)}","id":"${'01'.repeat(32)}","from":"${'m'.repeat(52)}","fromName":"bob","ts":"2026-12-03T12:00:00.000Z","text":"plain","title":null,"priority":null,"tags":[]}`)
})

test('a message with title, priority and tags keeps them', () => {
  const [shown] = showAll(room, stored({ text: 'disk full', title: 'alert', priority: 3, tags: ['disk', 'db1'] }))
  assert.deepEqual(Object.keys(shown!), KEYS)
  assert.deepEqual({ ...shown }, { ...common, id: '01'.repeat(32), text: 'disk full', title: 'alert', priority: 3, tags: ['disk', 'db1'] })
})

test('batch lines carry every key too, with and without metadata', () => {
  const batchId = new Uint8Array(32).fill(1)
  const plain = showAll(room, stored({ lines: ['a', 'b'] }))
  assert.equal(plain.length, 2)
  plain.forEach((shown, i) => {
    assert.deepEqual(Object.keys(shown), KEYS)
    assert.equal(JSON.stringify(shown), `{"room":"ops","roomId":"${'r'.repeat(52)}","id":"${hex(lineId(batchId, i))}","from":"${'m'.repeat(52)}","fromName":"bob","ts":"2026-12-03T12:00:00.000Z","text":"${'ab'[i]!}","title":null,"priority":null,"tags":[]}`)
  })
  const withMeta = showAll(room, stored({ lines: ['a', 'b'], title: 'log', priority: 2, tags: ['x'] }))
  for (const shown of withMeta) {
    assert.deepEqual(Object.keys(shown), KEYS)
    assert.deepEqual([shown.title, shown.priority, shown.tags], ['log', 2, ['x']])
  }
})
