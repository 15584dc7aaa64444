// Membership-log targets: MembershipLog.verifyAndLoad and merge on mutated logs (entries mutated byte-wise,
// or dropped, duplicated, swapped, replaced). A log loads only when it is byte for byte a prefix of the
// valid one; a merge leaves a prefix of it, and a refused merge changes nothing.
import fc from 'fast-check'
import { MembershipLogError } from '../../../src/errors.js'
import { MembershipLog } from '../../../src/room/membership.js'
import { logFixture } from '../corpus.js'
import { oracle, type Target, type Verdict } from '../harness.js'
import { mutate, opArbitrary, type Op } from '../mutate.js'

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0

/** An entry list change: [kind, i, j] (0 drop i, 1 duplicate i, 2 swap i and j, 3 put entry j of the valid log at i). */
type ListOp = [number, number, number]
interface LogInput { start: number, count: number, edits: Array<[number, Op[]]>, list: ListOp[] }

const listOpArbitrary: fc.Arbitrary<ListOp> = fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 63 }), fc.nat({ max: 63 }))

/** An arbitrary run of the valid log: entries[start, start + count), then byte edits and list edits. */
function logInput (n: number): fc.Arbitrary<LogInput> {
  return fc.record({
    start: fc.nat({ max: n - 1 }),
    count: fc.integer({ min: 1, max: n }),
    edits: fc.array(fc.tuple(fc.nat({ max: n - 1 }), fc.array(opArbitrary, { minLength: 1, maxLength: 3 })), { maxLength: 2 }),
    list: fc.array(listOpArbitrary, { maxLength: 2 })
  })
}

/** The entries an input stands for. */
function build (entries: Uint8Array[], input: LogInput): Uint8Array[] {
  const out: Uint8Array[] = entries.slice(input.start, input.start + input.count).map(e => e.slice())
  for (const [i, ops] of input.edits) {
    if (out.length === 0) break
    const at = i % out.length
    out[at] = mutate([out[at]!, ...entries], 0, ops)
  }
  for (const [kind, i, j] of input.list) {
    if (out.length === 0) break
    const a = i % out.length; const b = j % out.length
    if (kind === 0 && out.length > 1) out.splice(a, 1)
    else if (kind === 1) out.splice(a, 0, out[a]!.slice())
    else if (kind === 2) [out[a], out[b]] = [out[b]!, out[a]!]
    else out[a] = entries[j % entries.length]!.slice()
  }
  return out
}

const show = (entries: Uint8Array[]): string => JSON.stringify(entries.map(e => Buffer.from(e).toString('hex')))

/** True when LIST is, byte for byte, the first list.length entries of the valid log. */
const isPrefix = (valid: Uint8Array[], list: Uint8Array[]): boolean => list.length <= valid.length && list.every((e, i) => same(e, valid[i]!))

export function verifyAndLoadTarget (): Target<LogInput> {
  const { entries } = logFixture()
  return {
    name: 'membership-log/verifyAndLoad',
    arbitrary: logInput(entries.length),
    allowed: [MembershipLogError],
    seeds: entries.length,
    validSeeds: entries.length,
    show: input => show(build(entries, input)),
    check: (input): Verdict => {
      const list = build(entries, input)
      let log: MembershipLog
      try {
        log = MembershipLog.verifyAndLoad(list)
      } catch (err) {
        if (err instanceof MembershipLogError && isPrefix(entries, list) && list.length > 0) return { accept: `refused a valid log: ${err.message}` }
        throw err
      }
      return oracle('verifyAndLoad', () => {
        if (!isPrefix(entries, list)) return { accept: 'loaded a log that is not byte for byte a prefix of the valid one' }
        return log.length === list.length ? 'ok' : { accept: `loaded ${log.length} of ${list.length} entries` }
      })
    }
  }
}

export function mergeTarget (): Target<{ base: number, run: LogInput }> {
  const { entries } = logFixture()
  const logs = new Map<number, MembershipLog>() // by prefix length; dropped once a merge changed it
  const logOf = (k: number): MembershipLog => {
    let log = logs.get(k)
    if (log === undefined) { log = MembershipLog.verifyAndLoad(entries.slice(0, k)); logs.set(k, log) }
    return log
  }
  return {
    name: 'membership-log/merge',
    arbitrary: fc.record({ base: fc.integer({ min: 1, max: entries.length }), run: logInput(entries.length) }),
    allowed: [MembershipLogError],
    seeds: entries.length,
    validSeeds: entries.length,
    show: ({ base, run }) => `base ${base}, run ${show(build(entries, run))}`,
    check: ({ base, run }): Verdict => {
      const log = logOf(base)
      const list = build(entries, run)
      const before = log.entryHashes().join()
      try {
        log.merge(list)
      } catch (err) {
        if (log.entryHashes().join() !== before) { logs.delete(base); return { accept: 'a refused merge changed the log' } }
        throw err
      }
      if (log.entryHashes().join() === before) return 'ok'
      logs.delete(base)
      return oracle('merge', () => isPrefix(entries, log.toBytes()) ? 'ok' : { accept: 'a merge left a log that is not a prefix of the valid one' })
    }
  }
}
