// The single executable's entry point: runs the bundle (SEA asset 'conclave.cjs') from a V8 code
// cache made by a training run at build time (asset 'conclave.cache'), so the functions a real
// command runs (yargs, the send path, libp2p, the store) are not compiled again on every start.
// Node's own SEA `useCodeCache` only holds the functions compiled before the bundle runs, which
// leaves almost everything lazy: measured in build.mjs / bench/startup.
//
// Build-time training (plain `node dist/sea-main.cjs ...`, never inside the executable):
// CONCLAVE_SEA_TRAIN=FILE runs dist/conclave.cjs and writes the code cache to FILE at exit.
// CONCLAVE_SEA_DEBUG=1 says on stderr whether the cache was used, rejected (V8 checks its
// version and flags) or absent; build.mjs's smoke run of the binary it made (`--version`) fails
// the build unless it says 'used'. One env lookup per start; off unless set.
'use strict'
const vm = require('node:vm')
const path = require('node:path')
const sea = require('node:sea')

const WRAPPER = '(function (exports, require, module, __filename, __dirname) {'
let source
let cachedData
let trainTo
if (sea.isSea()) {
  source = sea.getAsset('conclave.cjs', 'utf8')
  try {
    cachedData = new Uint8Array(sea.getRawAsset('conclave.cache'))
  } catch {
    cachedData = undefined // built without a cache: slower start, same behaviour
  }
} else {
  const fs = require('node:fs')
  source = fs.readFileSync(path.join(__dirname, 'conclave.cjs'), 'utf8')
  trainTo = process.env.CONCLAVE_SEA_TRAIN
}
const script = new vm.Script(WRAPPER + source + '\n})', { filename: 'conclave.cjs', cachedData })
if (process.env.CONCLAVE_SEA_DEBUG === '1') {
  process.stderr.write(`conclave: code cache ${cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'used'}\n`)
}
if (trainTo !== undefined && trainTo !== '') {
  process.on('exit', () => { require('node:fs').writeFileSync(trainTo, script.createCachedData()) })
}
const file = sea.isSea() ? process.execPath : path.join(__dirname, 'conclave.cjs')
const mod = { exports: {} }
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, path.dirname(file))
