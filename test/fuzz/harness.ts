// The fuzz harness: a target is an input arbitrary plus a check; runTarget drives it with seeded
// fast-check, classifies each input (ok / named rejection / escape / wrongly accepted), samples
// peak RSS and returns a per-target summary (what `npm run fuzz` prints and fuzz.test.ts asserts on).
import fc from 'fast-check'
import { ConclaveError } from '../../src/errors.js'

/**
 * What a check returns when it did not throw: the input was fine; or refused without an error (a
 * verdict, with its reason); or it broke the target's oracle (accepted although it must not be).
 */
export type Verdict = 'ok' | 'reject' | { reject: string } | { accept: string }

type ErrorClass = abstract new (...args: any[]) => Error

export interface Target<I = any> {
  /** "area/function", e.g. "handshake/decodeJoinHello". */
  name: string
  arbitrary: fc.Arbitrary<I>
  /** Runs one input. A thrown error is a rejection when it is one of `allowed`, otherwise an escape. */
  check: (input: I) => Verdict | Promise<Verdict>
  /** Error classes that are an allowed refusal (default: any ConclaveError, the named errors of src/errors.ts). */
  allowed?: ErrorClass[]
  /** Async targets: inputs per fast-check run, checked concurrently (default 1). */
  batch?: number
  /** Seeds the inputs derive from, and how many of them the target's own decoder/validator accepts. */
  seeds?: number
  validSeeds?: number
  /** How an input is shown in a report (default: hex of the bytes). */
  show?: (input: I) => string
}

export interface Finding { kind: 'escape' | 'accept', what: string, input: string }

export interface TargetSummary {
  name: string
  seed: number
  inputs: number
  /** Decoded / accepted legitimately. */
  ok: number
  /** Refused with an allowed named error (or a reject / ignore verdict). */
  rejections: number
  /** Anything else thrown: a bug. */
  escapes: number
  /** Accepted although it must not be (a mutation the validator took, a second byte form, ...): a bug. */
  accepts: number
  peakRssMb: number
  seconds: number
  /** The slowest single input, in ms, each slow one timed three times at its best (synchronous targets only). */
  slowestMs?: number
  seeds?: number
  validSeeds?: number
  /** Rejections by error name (or verdict reason). */
  rejectedAs: Record<string, number>
  /** The first few escapes and accepts, with their inputs (hex, cut at 1 KiB). */
  findings: Finding[]
}

export interface RunOptions {
  seed: number
  numRuns: number
  /** Called about every 2% of the run with the inputs done so far (progress on stderr). */
  progress?: (done: number) => void
}

const MAX_FINDINGS = 5
const RSS_EVERY = 256

const toHex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

/** Hex of bytes, JSON of anything else (byte arrays inside as hex), cut at 2048 characters. */
export function showInput (input: unknown): string {
  const text = input instanceof Uint8Array
    ? toHex(input)
    : typeof input === 'string' ? JSON.stringify(input) : JSON.stringify(input, (_k, v: unknown) => v instanceof Uint8Array ? toHex(v) : v)
  return text.length > 2048 ? `${text.slice(0, 2048)}… (${text.length} chars)` : text
}

function describe (err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack === undefined ? '' : ' @ ' + (err.stack.split('\n')[1]?.trim() ?? '')}`
  return `non-error thrown: ${String(err)}`
}

/** Drives TARGET with OPTIONS.numRuns inputs from fast-check seeded with OPTIONS.seed. */
export async function runTarget<I> (target: Target<I>, options: RunOptions): Promise<TargetSummary> {
  const allowed = target.allowed ?? [ConclaveError]
  const s: TargetSummary = {
    name: target.name, seed: options.seed, inputs: 0, ok: 0, rejections: 0, escapes: 0, accepts: 0, peakRssMb: 0, seconds: 0,
    ...(target.seeds === undefined ? {} : { seeds: target.seeds }),
    ...(target.validSeeds === undefined ? {} : { validSeeds: target.validSeeds }),
    rejectedAs: {},
    findings: []
  }
  let peakRss = process.memoryUsage.rss()
  const step = Math.max(1, Math.floor(options.numRuns / 50))
  const show = target.show ?? showInput

  const record = (input: I, verdict: Verdict | undefined, err: unknown, threw: boolean): void => {
    s.inputs++
    if (s.inputs % RSS_EVERY === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
    if (s.inputs % step === 0) options.progress?.(s.inputs)
    if (threw) {
      if (allowed.some(c => err instanceof c)) {
        s.rejections++
        const name = (err as Error).name
        s.rejectedAs[name] = (s.rejectedAs[name] ?? 0) + 1
        return
      }
      s.escapes++
      if (s.findings.length < MAX_FINDINGS) s.findings.push({ kind: 'escape', what: describe(err), input: show(input) })
      return
    }
    if (verdict === 'ok') { s.ok++; return }
    if (verdict === 'reject' || (typeof verdict === 'object' && 'reject' in verdict)) {
      s.rejections++
      const reason = verdict === 'reject' ? 'declined' : verdict.reject
      s.rejectedAs[reason] = (s.rejectedAs[reason] ?? 0) + 1
      return
    }
    s.accepts++
    if (s.findings.length < MAX_FINDINGS) s.findings.push({ kind: 'accept', what: verdict === undefined ? 'no verdict' : verdict.accept, input: show(input) })
  }

  const started = performance.now()
  const batch = target.batch ?? 1
  if (batch === 1) {
    let slowest = 0
    /** Times one more check of INPUT (its verdict is already recorded). */
    const again = (input: I): number => {
      const t0 = performance.now()
      try { void target.check(input) } catch {}
      return performance.now() - t0
    }
    const property = fc.property(target.arbitrary, input => {
      let verdict: Verdict | Promise<Verdict> | undefined
      let threw = false
      let error: unknown
      const t0 = performance.now()
      try {
        verdict = target.check(input)
      } catch (err) {
        threw = true
        error = err
      }
      const ms = performance.now() - t0
      // a slow input is timed twice more and counts at its best: a GC pause or a busy machine is not the input's doing
      if (ms > slowest && ms > 1) slowest = Math.max(slowest, Math.min(ms, again(input), again(input)))
      if (verdict instanceof Promise) throw new Error(`${target.name}: an async check needs a batch size`)
      record(input, verdict, error, threw)
      return true
    })
    fc.assert(property, { seed: options.seed, numRuns: options.numRuns })
    s.slowestMs = Math.round(slowest * 100) / 100
  } else {
    const one = async (input: I): Promise<void> => {
      try {
        record(input, await target.check(input), undefined, false)
      } catch (err) {
        record(input, undefined, err, true)
      }
    }
    const property = fc.asyncProperty(fc.array(target.arbitrary, { minLength: batch, maxLength: batch }), async inputs => {
      await Promise.all(inputs.map(one))
      return true
    })
    await fc.assert(property, { seed: options.seed, numRuns: Math.ceil(options.numRuns / batch) })
  }
  s.seconds = Math.round((performance.now() - started) / 10) / 100
  s.peakRssMb = Math.round(Math.max(peakRss, process.memoryUsage.rss()) / 1048576)
  return s
}

/** Runs a check outside the classification (an oracle step): its own errors become an 'accept' finding. */
export function oracle (what: string, f: () => Verdict): Verdict {
  try {
    return f()
  } catch (err) {
    return { accept: `${what}: ${describe(err)}` }
  }
}
