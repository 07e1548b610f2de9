#!/usr/bin/env node
// A solc executable for forge, backed by solcjs (the npm `solc` package, wasm).
// No native solc can be downloaded offline, so foundry.toml points `solc` here.
// Forge calls it in two ways: `--version` and `--standard-json` (input on stdin).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const versionCache = path.join(__dirname, '..', 'cache', 'solcjs-version.txt');
const solcPackage = require.resolve('solc/package.json');

function solcVersion() {
  // Loading the wasm costs seconds and forge asks for the version on every run: cache it per solc package.
  const pkgVersion = require(solcPackage).version;
  try {
    const [cachedFor, full] = fs.readFileSync(versionCache, 'utf8').split('\n');
    if (cachedFor === pkgVersion && full) return full;
  } catch {}
  const full = require('solc').version();
  try {
    fs.mkdirSync(path.dirname(versionCache), { recursive: true });
    fs.writeFileSync(versionCache, `${pkgVersion}\n${full}\n`);
  } catch {}
  return full;
}

function fail(message) {
  process.stderr.write(`solc shim: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`solc, the solidity compiler commandline interface (solcjs shim)\nVersion: ${solcVersion()}\n`);
  process.exit(0);
}

let basePath = process.cwd();
let standardJson = false;
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--standard-json') standardJson = true;
  else if (arg === '--base-path') basePath = args[++i];
  else if (arg === '--allow-paths' || arg === '--include-path') i++;
  else fail(`unsupported argument "${arg}" (only --version and --standard-json with --base-path/--allow-paths/--include-path are supported)`);
}
if (!standardJson) fail('expected --standard-json with the input on stdin');

const input = fs.readFileSync(0, 'utf8');
const solc = require('solc');
// Forge inlines every source; this callback only serves imports it did not inline.
const findImports = (importPath) => {
  try {
    return { contents: fs.readFileSync(path.resolve(basePath, importPath), 'utf8') };
  } catch (error) {
    return { error: `not found: ${importPath} (${error.code ?? error.message})` };
  }
};
process.stdout.write(solc.compile(input, { import: findImports }));
