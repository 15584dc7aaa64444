// Every fuzz target: the generic decoder targets of src/wire, the ticket line, the membership log, the
// hand-off streams and the topic validator (what fuzz.test.ts runs briefly and `npm run fuzz` at length).
import type { Target } from '../harness.js'
import { handoffAskTarget, handoffServeTarget } from './handoff.js'
import { mergeTarget, verifyAndLoadTarget } from './membership-log.js'
import { ticketTextTarget } from './ticket-text.js'
import { validatorTarget } from './validator.js'
import { wireTargets } from './wire.js'

export interface AllTargets {
  targets: Target[]
  /** decode* exports of src/wire that no target drives (see wire.ts NOT_GENERIC): must stay empty. */
  uncovered: string[]
}

export async function allTargets (): Promise<AllTargets> {
  const wire = await wireTargets()
  return {
    targets: [
      ...wire.targets,
      ticketTextTarget(),
      verifyAndLoadTarget(),
      mergeTarget(),
      handoffServeTarget(),
      handoffAskTarget(),
      validatorTarget()
    ],
    uncovered: wire.uncovered
  }
}
