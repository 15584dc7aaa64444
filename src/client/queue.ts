// A Subscription: an async iterable of messages fed by push(), ended by close(), never dropping.
import type { ShownMessage } from '../room/shown.js'
import type { Subscription } from './types.js'

export class MessageQueue implements Subscription {
  #items: ShownMessage[] = []
  #head = 0
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

  async * [Symbol.asyncIterator] (): AsyncIterator<ShownMessage> {
    try {
      for (;;) {
        while (this.#head < this.#items.length) {
          const m = this.#items[this.#head++]!
          if (this.#head === this.#items.length) { this.#items = []; this.#head = 0 } else if (this.#head > 4096 && this.#head * 2 > this.#items.length) { this.#items = this.#items.slice(this.#head); this.#head = 0 }
          yield m
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
}
