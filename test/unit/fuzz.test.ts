// The fuzz targets (test/fuzz/) in a short seeded run: every decoder, the ticket line, the membership
// log, the hand-off streams and the topic validator get a few thousand inputs; zero escapes and zero
// wrong accepts expected. `npm run fuzz` runs the same targets with 1,000,000 inputs each.
import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { MalformedInputError } from '../../src/errors.js'
import { runTarget, type Target } from '../fuzz/harness.js'
import { bytesFrom } from '../fuzz/mutate.js'
import { allTargets } from '../fuzz/targets/index.js'

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed)
const RUNS = Number(process.env.FUZZ_TEST_RUNS ?? 3000)
/** Targets that cost a signature check per entry (or a stream per input) get fewer inputs. */
const SLOW: Record<string, number> = { 'membership-log/verifyAndLoad': 1500, 'membership-log/merge': 800, 'validator/validateEnvelope': 2000 }

const { targets, uncovered } = await allTargets()

describe(`fuzz targets, short run (seed ${SEED}; FUZZ_SEED to change it)`, () => {
  it('every decode* export of src/wire is driven by a target', () => {
    assert.deepEqual(uncovered, [])
    for (const area of ['envelope', 'payload', 'ticket', 'handshake', 'membership']) {
      assert.ok(targets.some(t => t.name.startsWith(`${area}/decode`)), `no decoder target for src/wire/${area}.ts`)
    }
  })

  it('every target starts from at least one valid encoding', () => {
    for (const t of targets) assert.ok((t.validSeeds ?? 0) > 0, `${t.name}: none of its ${t.seeds ?? 0} seeds is accepted: teach test/fuzz/proto-samples.ts its fields`)
  })

  for (const t of targets) {
    it(t.name, async () => {
      const s = await runTarget(t, { seed: SEED, numRuns: Math.min(RUNS, SLOW[t.name] ?? RUNS) })
      assert.deepEqual(s.findings, [], `seed ${SEED}`)
      assert.equal(s.escapes, 0)
      assert.equal(s.accepts, 0)
      assert.ok(s.ok > 0, `${t.name}: no input was accepted, so the oracle was never exercised`)
      assert.ok(s.rejections > 0, `${t.name}: no input was refused`)
      assert.ok(s.peakRssMb < 1024, `${t.name}: peak RSS ${s.peakRssMb} MB`)
    })
  }
})

describe('fuzz harness', () => {
  const seeds = [Uint8Array.of(0x0a, 0x02, 0x01, 0x02)]
  it('counts a non-named error as an escape and a named one as a rejection', async () => {
    const t: Target<Uint8Array> = {
      name: 'self-test',
      arbitrary: bytesFrom(seeds),
      check: b => {
        if (b.length > 4) throw new TypeError('boom')
        if (b.length < 4) throw new MalformedInputError('short')
        return 'ok'
      }
    }
    const s = await runTarget(t, { seed: 1, numRuns: 500 })
    assert.ok(s.escapes > 0 && s.rejections > 0 && s.ok > 0)
    assert.equal(s.escapes + s.rejections + s.ok, 500)
    assert.match(s.findings[0]!.what, /^TypeError: boom/)
  })

  it('counts an oracle failure as an accept, and the same seed gives the same inputs', async () => {
    const seen: string[][] = [[], []]
    for (const run of [0, 1]) {
      const t: Target<Uint8Array> = { name: 'self-test', arbitrary: bytesFrom(seeds), check: b => { seen[run]!.push(Buffer.from(b).toString('hex')); return b[0] === 0x0a ? 'ok' : { accept: 'x' } } }
      const s = await runTarget(t, { seed: 7, numRuns: 300 })
      assert.ok(s.accepts > 0 && s.ok > 0)
    }
    assert.deepEqual(seen[0], seen[1])
  })

  it('mutations reach the length fields, nested messages and tags (not only flipped bits)', () => {
    const seed = Uint8Array.of(0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 0x12, 0x01, 0x05)
    const out = fc.sample(bytesFrom([seed]), { seed: 3, numRuns: 2000 }).map(b => Buffer.from(b).toString('hex'))
    assert.ok(out.some(h => h.startsWith('0a04') && h !== '0a0408011002120105' && h.length === 18), 'a nested field changed in place')
    assert.ok(out.some(h => /^0a(0[^4]|[1-9a-f])/.test(h)), 'a corrupted length')
    assert.ok(new Set(out).size > 1000, 'inputs are varied')
  })
})
