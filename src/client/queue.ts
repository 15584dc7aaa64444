// A Subscription: messages fed by push(), ended by close(), never dropping; read one by one or,
// where every message costs (a listener of a fast pipe), in batches of all that is queued.
import type { ShownMessage } from '../room/shown.js'
import type { Subscription } from './types.js'

export class MessageQueue implements Subscription {
  #items: ShownMessage[] = []
  #wake: (() => void) | undefined
  #closed = false
  #failure: unknown
  readonly #onClose: Array<() => void> = []

  push (m: ShownMessage): void {
    if (this.#closed) return
    this.#items.push(m)
    this.#wake?.()
  }

  /** Ends the iteration after what is queued; with ERR, the iteration throws it instead. */
  close (err?: unknown): void {
    if (this.#closed) return
    this.#closed = true
    this.#failure = err
    for (const f of this.#onClose.splice(0)) f()
    this.#wake?.()
  }

  onClose (f: () => void): void {
    if (this.#closed) f()
    else this.#onClose.push(f)
  }

  /** Everything queued, as one array per wake-up (one await per batch, not per message). */
  async * batches (): AsyncGenerator<ShownMessage[]> {
    try {
      for (;;) {
        if (this.#items.length > 0) {
          const batch = this.#items
          this.#items = []
          yield batch
          continue
        }
        if (this.#closed) {
          if (this.#failure !== undefined) throw this.#failure
          return
        }
        await new Promise<void>(resolve => { this.#wake = resolve })
        this.#wake = undefined
      }
    } finally {
      this.close()
    }
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<ShownMessage> {
    for await (const batch of this.batches()) yield * batch
  }
}
