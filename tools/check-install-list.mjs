// Proves that scripts/install-deps.sh's package list covers the build, on the machine
// that just built: every file the build read or ran from the system (each header in
// ninja's dependency log, the compiler, every library linked, every shared library the
// binaries load, the CMake package files found) must belong to a Debian package that
// the list installs, or that one of them depends on, or that every Debian system has
// (Essential or Priority required). A file no package owns (/usr/local, a hand install)
// fails too: a fresh machine would not have it.
//
// usage: node check-install-list.mjs BUILD_DIR NINJA INSTALL_DEPS_SH
// Prints the packages the build used and exits 1 naming each file the list misses.

import {execFileSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const [buildDir, ninja, installDeps] = process.argv.slice(2)
if (!buildDir || !ninja || !installDeps) {
  console.error('usage: node check-install-list.mjs BUILD_DIR NINJA INSTALL_DEPS_SH')
  process.exit(2)
}
const run = (cmd, args) =>
  execFileSync(cmd, args, {encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore']})
const cache = fs.readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8')
const sourceDir = /^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$/m.exec(cache)[1]
const ours = [path.resolve(buildDir), fs.realpathSync(sourceDir), '/tmp/']
const isSystem = (p) => p.startsWith('/') && !ours.some((d) => p === d || p.startsWith(d.endsWith('/') ? d : d + '/'))

// 1. Files the build used from the system.
const used = new Map()  // real path -> why it was used
const note = (p, why) => {
  if (!isSystem(p) || !fs.existsSync(p)) return
  const real = fs.realpathSync(p)
  if (!used.has(real)) used.set(real, why)
}
for (const line of run(ninja, ['-C', buildDir, '-t', 'deps']).split('\n')) {
  const p = line.trim()
  if (line.startsWith(' ') && p.startsWith('/')) note(p, 'included by the build')
}
for (const token of run(ninja, ['-C', buildDir, '-t', 'commands']).split(/\s+/)) {
  if (/^\/[^'"]*$/.test(token) && !token.endsWith('.o')) note(token, 'run or linked by the build')
}
for (const line of cache.split('\n')) {
  const m = /^[A-Za-z0-9_-]+_(DIR|LIBRARY|LIBRARY_RELEASE|INCLUDE_DIR|EXECUTABLE|PROGRAM):[A-Z]+=(\/.*)$/.exec(line)
  if (m) note(m[2], 'found by CMake')
}
note(ninja, 'the build tool')
for (const f of run('find', [buildDir, '-type', 'f', '-perm', '-u+x', '-size', '+1k']).split('\n').filter(Boolean)) {
  if (!fs.readFileSync(f).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) continue  // ELF only
  for (const line of run('ldd', [f]).split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s+(\/\S+)\s/.exec(line)
    if (m) note(m[1], `loaded by ${path.relative(buildDir, f)}`)
  }
}

// 2. The package owning each file (dpkg -S, in batches; symlinked /lib is /usr/lib).
const owner = new Map()
const paths = [...used.keys()]
for (let i = 0; i < paths.length; i += 4000) {
  const batch = paths.slice(i, i + 4000)
  const queries = batch.flatMap((p) => (p.startsWith('/usr/') ? [p, p.slice(4)] : [p]))
  let out = ''
  try {
    out = run('dpkg', ['-S', ...queries])
  } catch (e) {
    out = e.stdout ?? ''  // dpkg -S exits 1 when some path has no owner
  }
  for (const line of out.split('\n')) {
    const m = /^([^:]+(?::[a-z0-9]+)?(?:, [^:]+(?::[a-z0-9]+)?)*): (\/.*)$/.exec(line)
    if (!m) continue
    const file = m[2].startsWith('/usr/') || !used.has('/usr' + m[2]) ? m[2] : '/usr' + m[2]
    owner.set(file, m[1].split(', ').map((p) => p.replace(/:.*$/, '')))
  }
}

// 3. What a fresh machine has after install-deps.sh: the list, everything it depends on,
// and every Essential or required package.
const installed = new Map()
const fields = '${Package}\\t${Essential}\\t${Priority}\\t${Depends}\\t${Pre-Depends}\\t${Provides}\\t${db:Status-Abbrev}\\n'
for (const line of run('dpkg-query', ['-W', '-f', fields]).split('\n').filter(Boolean)) {
  const [name, essential, priority, depends, predepends, provides, status] = line.split('\t')
  if (!status.startsWith('ii')) continue
  installed.set(name, {essential: essential === 'yes' || priority === 'required', deps: [depends, predepends].join(', '), provides})
}
const providers = new Map()
for (const [name, p] of installed)
  for (const v of p.provides.split(',').map((x) => x.trim().split(' ')[0]).filter(Boolean))
    providers.set(v, [...(providers.get(v) ?? []), name])
const present = new Set()
const queue = run('bash', [installDeps, '--list']).split('\n').filter(Boolean)
for (const [name, p] of installed) if (p.essential) queue.push(name)
while (queue.length) {
  const name = queue.pop().replace(/:.*$/, '')
  const names = installed.has(name) ? [name] : providers.get(name) ?? []
  for (const n of names) {
    if (present.has(n)) continue
    present.add(n)
    // Of alternatives "a | b", apt takes the first on a fresh machine.
    for (const dep of installed.get(n).deps.split(',').map((d) => d.trim()).filter(Boolean))
      queue.push(dep.split('|')[0].trim().split(' ')[0])
  }
}

// 4. Verdict.
let missing = 0
const packagesUsed = new Set()
for (const [file, why] of used) {
  const pkgs = owner.get(file)
  if (!pkgs) {
    console.log(`MISSING ${file} (${why}) belongs to no Debian package: a fresh machine does not have it`)
    missing++
  } else if (!pkgs.some((p) => present.has(p))) {
    console.log(`MISSING ${file} (${why}) comes from ${pkgs.join(' or ')}, which scripts/install-deps.sh does not install`)
    missing++
  } else {
    pkgs.filter((p) => present.has(p)).forEach((p) => packagesUsed.add(p))
  }
}
console.log(`${used.size} system files used by the build, from ${packagesUsed.size} packages: ${[...packagesUsed].sort().join(' ')}`)
process.exit(missing ? 1 : 0)
