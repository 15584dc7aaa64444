// Loading sql.js: one SqlJsStatic per call, handed to Store.open as a component.
import { setFlagsFromString } from 'node:v8'
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import { sqlWasmBinary } from './wasm.js'

export type { SqlJsStatic }

/**
 * Compile and instantiate sql.js from the embedded (or, in development, installed) wasm binary.
 * Call it once per process (the CLI entry point, a test file) and share the result: every
 * Store opened from it lives in the same WebAssembly instance.
 */
export async function loadSqlJs (options: { optimize?: boolean } = {}): Promise<SqlJsStatic> {
  // optimize: false is for short-lived processes. V8 otherwise recompiles sqlite's hot
  // functions with its optimizing wasm compiler on background threads, and the main thread
  // stalls on that work: ~100 ms of a one-shot send (measured with strace: a futex wait while a
  // compiler thread flips code-page protections). Its baseline code is fast enough for a few
  // rows; daemons and listeners keep the optimizing tier. The flag is process-wide and only
  // read when a module compiles. Not in the build's code-cache training run (src/sea-main.cjs):
  // V8 stamps its cache with a hash of the flags, which must be a fresh start's.
  if (options.optimize === false && process.env.CONCLAVE_SEA_TRAIN === undefined) setFlagsFromString('--liftoff-only')
  const binary = await sqlWasmBinary()
  // The emscripten typings say ArrayBuffer; any BufferSource works. Hand over exactly the bytes.
  const wasmBinary = binary.buffer.slice(binary.byteOffset, binary.byteOffset + binary.byteLength) as ArrayBuffer
  return initSqlJs({ wasmBinary })
}
