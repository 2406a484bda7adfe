// Cross-checks crds/ with independent implementations: a JSON-schema validator for
// the structural schema (types, enums, bounds, patterns, required, unknown fields,
// defaults) and a CEL evaluator for x-kubernetes-validations.
//
// usage: node check-crd.mjs CRD.yaml FILE.yaml...
// Every PaymentService in the files is defaulted and validated. A document with the
// annotation test.paymesh.io/expect-error: "<path>" must be rejected with an error at
// or under that path (JSON-pointer style, "/spec/ports/0/port"); every other document
// must be accepted. Prints one line per document and exits 1 on any mismatch.

import fs from 'node:fs'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import YAML from 'yaml'
import {evaluate} from '@marcbachmann/cel-js'

const [crdPath, ...files] = process.argv.slice(2)
if (!crdPath || files.length === 0) {
  console.error('usage: node check-crd.mjs CRD.yaml FILE.yaml...')
  process.exit(2)
}
const crd = YAML.parse(fs.readFileSync(crdPath, 'utf8'))
const schema = structuredClone(crd.spec.versions[0].schema.openAPIV3Schema)

// Kubernetes rejects unknown fields under strict field validation: make that explicit.
function closeObjects(node, isMetadata = false) {
  if (node.type === 'object' && node.properties && !isMetadata) node.additionalProperties = false
  for (const [name, child] of Object.entries(node.properties ?? {})) closeObjects(child, name === 'metadata')
  if (node.items) closeObjects(node.items)
}
closeObjects(schema)

// CEL sees integers as int, not double: hand it BigInts.
function toCel(v) {
  if (Array.isArray(v)) return v.map(toCel)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toCel(x)]))
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v)
  return v
}

// Pass 1 fills defaults (the API server defaults before it validates); pass 2 validates.
const defaulter = new Ajv({allErrors: true, useDefaults: true, strict: false})
addFormats(defaulter)
const applyDefaults = defaulter.compile(schema)

const ajv = new Ajv({allErrors: true, strict: false})
addFormats(ajv)
ajv.addKeyword({
  keyword: 'x-kubernetes-validations',
  errors: true,
  validate: function celRules(rules, data, _parentSchema, ctx) {
    const errors = []
    for (const r of rules) {
      let ok
      let message = r.message
      try {
        ok = evaluate(r.rule, {self: toCel(data)})
      } catch (e) {
        ok = false
        message = `${r.message} (evaluation error: ${e.message.split('\n')[0]})`
      }
      if (ok !== true) {
        const at = (r.fieldPath ?? '').replace(/\./g, '/')
        errors.push({keyword: 'x-kubernetes-validations', instancePath: ctx.instancePath + at, message, params: {}})
      }
    }
    celRules.errors = errors
    return errors.length === 0
  },
})
// List semantics the API server enforces: set items and map keys are unique.
ajv.addKeyword({
  keyword: 'x-kubernetes-list-type',
  errors: true,
  validate: function listType(type, data, parentSchema, ctx) {
    if (!Array.isArray(data) || type === 'atomic') return true
    const keys = parentSchema['x-kubernetes-list-map-keys'] ?? []
    const seen = new Set()
    const errors = []
    data.forEach((item, i) => {
      const key = type === 'set' ? JSON.stringify(item) : JSON.stringify(keys.map((k) => item?.[k]))
      if (seen.has(key)) errors.push({keyword: 'x-kubernetes-list-type', instancePath: `${ctx.instancePath}/${i}`, message: `duplicate entry ${key}`, params: {}})
      seen.add(key)
    })
    listType.errors = errors
    return errors.length === 0
  },
})
const validate = ajv.compile(schema)

let failures = 0
let checked = 0
for (const file of files) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON()).filter(Boolean)
  for (const doc of docs) {
    if (doc.kind !== 'PaymentService') continue
    checked++
    const expect = doc.metadata?.annotations?.['test.paymesh.io/expect-error']
    const id = `${file}: ${doc.metadata?.namespace ?? 'default'}/${doc.metadata?.name}`
    applyDefaults(doc)
    const ok = validate(doc)
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`)
    if (expect === undefined) {
      if (ok) console.log(`ok   ${id}: accepted`)
      else {
        failures++
        console.log(`FAIL ${id}: rejected a valid object: ${errors.join('; ')}`)
      }
    } else {
      const hit = errors.some((e) => e.startsWith(expect))
      if (!ok && hit) console.log(`ok   ${id}: rejected at ${expect}`)
      else {
        failures++
        console.log(`FAIL ${id}: expected an error at ${expect}, got ${ok ? 'none' : errors.join('; ')}`)
      }
    }
  }
}
console.log(`${checked - failures} passed, ${failures} failed`)
process.exit(failures === 0 && checked > 0 ? 0 : 1)
