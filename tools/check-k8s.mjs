// Validates rendered Kubernetes objects (the chart's `helm template` output, deploy/)
// against the Kubernetes API schemas of the kubernetes-models package, run through
// @kubernetes-models/validate: types, required fields, formats. It also rejects fields
// the API does not define, as the API server's strict field validation would: the
// package's validators read every field their schema declares, so a field of the object
// that its validator never read is unknown (typos, a template indented one level off).
//
// usage: node check-k8s.mjs [--crd-kinds Kind,...] FILE.yaml...   ("-" reads stdin)
// Prints one line per object; every problem as
//   <template>: <Kind> <namespace>/<name>: <field path>: <message>
// (<template> from Helm's "# Source:" comment, else the file). Objects of a kind listed
// in --crd-kinds (custom resources) are only checked for apiVersion, kind and name.
// Exits 1 when any object has a problem, 2 on unusable input.

import fs from 'node:fs'
import YAML from 'yaml'

const args = process.argv.slice(2)
let crdKinds = new Set()
if (args[0] === '--crd-kinds') {
  crdKinds = new Set(args[1].split(','))
  args.splice(0, 2)
}
if (args.length === 0) {
  console.error('usage: node check-k8s.mjs [--crd-kinds Kind,...] FILE.yaml...')
  process.exit(2)
}

// "/spec/containers/0/name" -> "spec.containers[0].name"
function fieldPath(pointer) {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '')
}

// Wraps `value` so that every property the validator reads is recorded per object;
// iterating an object's keys (what a validator does for a map) counts as reading all.
// An object whose validator looked up nothing at all is free-form (JSON, RawExtension).
function tracked(value, reads, path = '') {
  if (value === null || typeof value !== 'object') return value
  const seen = new Set()
  reads.push({path, value, seen})
  const children = new Map()
  const child = (key) => {
    if (!children.has(key)) {
      const sub = Array.isArray(value) ? `${path}/${key}` : `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`
      children.set(key, tracked(value[key], reads, sub))
    }
    return children.get(key)
  }
  return new Proxy(value, {
    get(target, key) {
      if (typeof key !== 'string') return target[key]
      seen.add(key)
      return Object.prototype.hasOwnProperty.call(target, key) ? child(key) : target[key]
    },
    has(target, key) {
      seen.add(key)
      return key in target
    },
    ownKeys(target) {
      for (const k of Reflect.ownKeys(target)) seen.add(k)
      return Reflect.ownKeys(target)
    },
  })
}

// The package's compiled schemas never look at a field named `description` (a string
// in every kind that has one), and its model of a CRD's JSON schema (JSONSchemaProps) also
// lacks the x-kubernetes-* extensions: unknown fields are not looked for there. The CRD is
// generated from the model and checked by its own tests (tests/model, check-crd.mjs).
const FREE_FORM = {CustomResourceDefinition: /^\/spec\/versions\/\d+\/schema(\/|$)/}
const UNCHECKED = new Set(['description'])

function unknownFields(kind, reads) {
  const out = []
  for (const {path, value, seen} of reads) {
    if (Array.isArray(value) || seen.size === 0 || FREE_FORM[kind]?.test(path)) continue
    for (const key of Object.keys(value)) {
      if (!seen.has(key) && !(UNCHECKED.has(key) && typeof value[key] === 'string')) out.push({instancePath: `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'unknown field'})
    }
  }
  return out
}

async function modelClass(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
  const spec = `kubernetes-models/${group ? group + '/' : ''}${version}/${kind}`
  try {
    return (await import(spec))[kind]
  } catch {
    return undefined
  }
}

async function check(obj) {
  const problems = []
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return [{instancePath: '', message: 'is not an object'}]
  for (const f of ['apiVersion', 'kind']) {
    if (typeof obj[f] !== 'string' || !obj[f]) problems.push({instancePath: `/${f}`, message: 'is required'})
  }
  if (typeof obj.metadata?.name !== 'string' || !obj.metadata.name) {
    problems.push({instancePath: '/metadata/name', message: 'is required'})
  }
  if (problems.length || crdKinds.has(obj.kind)) return problems
  const cls = await modelClass(obj.apiVersion, obj.kind)
  if (!cls) return [{instancePath: '/kind', message: `no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`}]
  const reads = []
  try {
    cls.prototype.validate.call(tracked(obj, reads))
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e
    problems.push(...e.errors.map((x) => ({instancePath: x.instancePath, message: describe(x)})))
  }
  return problems.concat(unknownFields(obj.kind, reads))
}

function describe(error) {
  if (error.keyword === 'required') return `${error.params.missingProperty}: is required`
  return error.message
}

// Helm prints each object after "---" with a "# Source: <template>" line; the source is
// taken per document from the text itself.
function documents(file) {
  const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8')
  const out = []
  for (const chunk of text.split(/^---[ \t]*$/m)) {
    for (const doc of YAML.parseAllDocuments(chunk)) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`)
      const value = doc.toJS()
      if (value === null || value === undefined) continue
      const source = /^# Source: (\S+)/m.exec(chunk)
      out.push({source: source ? source[1] : file, value})
    }
  }
  return out
}

let failed = 0
let checked = 0
for (const file of args) {
  let docs
  try {
    docs = documents(file)
  } catch (e) {
    console.error(`check-k8s: ${e.message}`)
    process.exit(2)
  }
  for (const {source, value} of docs) {
    const id = `${value?.kind ?? '?'} ${value?.metadata?.namespace ? value.metadata.namespace + '/' : ''}${value?.metadata?.name ?? '?'}`
    const problems = await check(value)
    checked++
    if (problems.length === 0) {
      console.log(`ok   ${source}: ${id}`)
      continue
    }
    failed++
    for (const p of problems) {
      const field = fieldPath(p.instancePath)
      console.log(`FAIL ${source}: ${id}: ${field ? field + ': ' : ''}${p.message}`)
    }
  }
}
console.log(`${checked} objects, ${failed} with problems`)
process.exit(failed ? 1 : 0)
