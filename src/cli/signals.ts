// Resolves on SIGINT or SIGTERM so long-running commands can leave cleanly (flush the store).
export function untilSignal (): Promise<NodeJS.Signals> {
  return new Promise(resolve => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
    }
    process.once('SIGINT', on)
    process.once('SIGTERM', on)
  })
}
