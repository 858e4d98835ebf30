'use strict';

// console3.js makes FC 3.0 console edits through the official Node.js SDK
// @alicloud/fc20230330, for the CLI scenarios' `nodeconsole3` command: an
// independent client changes FC 3.0 online, as the web console or a
// colleague's tooling would. JSON arguments are request bodies with FC's
// own field names ("tags": [{"Key": ..., "Value": ...}] included).
//
//   node console3.js OP ARGS...   (env: FC_ENDPOINT, FC_ACCOUNT_ID,
//                                  FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET)
//
//   create-function FN JSON [CODEDIR|ZIPFILE]   update-function FN JSON
//   update-code FN CODEDIR|ZIPFILE              delete-function FN
//   create-trigger FN T TYPE CONFIGJSON         update-trigger FN T CONFIGJSON
//   delete-trigger FN T                         publish-version FN [DESC]
//   create-alias FN A VERSION [JSON]            update-alias FN A JSON
//   put-concurrency FN N                        put-provision FN QUALIFIER JSON
//   put-async FN QUALIFIER JSON                 create-domain NAME JSON
//   update-domain NAME JSON                     get-function FN
//   get-alias FN A                              untag FN KEY

const fs = require('node:fs');
const path = require('node:path');
const { fc, client3: c } = require('./harness3');
const { makeZip } = require('./codezip');

const json = (s) => (s ? JSON.parse(s) : {});
const num = (s) => {
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`${s} is not an integer`);
  return n;
};

// readDir returns every file under dir as name -> content for makeZip.
function readDir(dir, prefix = '', out = {}) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) readDir(path.join(dir, entry.name), rel + '/', out);
    else out[rel] = fs.readFileSync(path.join(dir, entry.name), 'utf8');
  }
  return out;
}

// code is the InputCodeLocation of a folder (zipped here) or a zip file.
function code(src) {
  const zip = fs.statSync(src).isDirectory() ? makeZip(readDir(src)) : fs.readFileSync(src);
  return new fc.InputCodeLocation({ zipFile: zip.toString('base64') });
}

// functionInput turns a JSON body into the SDK's model: tags become Tag
// models, which the SDK writes as {Key, Value}; the rest is sent as given.
function functionInput(Model, body, src) {
  const input = { ...body };
  if (input.tags) input.tags = input.tags.map((t) => new fc.Tag({ key: t.Key, value: t.Value }));
  if (src) input.code = code(src);
  return new Model(input);
}

const print = (resp) => JSON.stringify(resp.body, null, 2);

const ops = {
  'create-function': (fn, body, src) =>
    c.createFunction(new fc.CreateFunctionRequest({ body: functionInput(fc.CreateFunctionInput, { ...json(body), functionName: fn }, src) })),
  'update-function': (fn, body) =>
    c.updateFunction(fn, new fc.UpdateFunctionRequest({ body: functionInput(fc.UpdateFunctionInput, json(body)) })),
  'update-code': (fn, src) =>
    c.updateFunction(fn, new fc.UpdateFunctionRequest({ body: functionInput(fc.UpdateFunctionInput, {}, src) })),
  'delete-function': (fn) => c.deleteFunction(fn),
  'create-trigger': (fn, name, type, config) =>
    c.createTrigger(fn, new fc.CreateTriggerRequest({
      body: new fc.CreateTriggerInput({ triggerName: name, triggerType: type, triggerConfig: JSON.stringify(json(config)) }),
    })),
  'update-trigger': (fn, name, config) =>
    c.updateTrigger(fn, name, new fc.UpdateTriggerRequest({ body: new fc.UpdateTriggerInput({ triggerConfig: JSON.stringify(json(config)) }) })),
  'delete-trigger': (fn, name) => c.deleteTrigger(fn, name),
  'publish-version': async (fn, desc) =>
    (await c.publishFunctionVersion(fn, new fc.PublishFunctionVersionRequest({
      body: new fc.PublishVersionInput({ description: desc || '' }),
    }))).body.versionId,
  'create-alias': (fn, alias, version, body) =>
    c.createAlias(fn, new fc.CreateAliasRequest({ body: new fc.CreateAliasInput({ ...json(body), aliasName: alias, versionId: version }) })),
  'update-alias': (fn, alias, body) =>
    c.updateAlias(fn, alias, new fc.UpdateAliasRequest({ body: new fc.UpdateAliasInput(json(body)) })),
  'put-concurrency': (fn, n) =>
    c.putConcurrencyConfig(fn, new fc.PutConcurrencyConfigRequest({ body: new fc.PutConcurrencyInput({ reservedConcurrency: num(n) }) })),
  'put-provision': (fn, qualifier, body) =>
    c.putProvisionConfig(fn, new fc.PutProvisionConfigRequest({ qualifier, body: new fc.PutProvisionConfigInput(json(body)) })),
  'put-async': (fn, qualifier, body) =>
    c.putAsyncInvokeConfig(fn, new fc.PutAsyncInvokeConfigRequest({ qualifier, body: new fc.PutAsyncInvokeConfigInput(json(body)) })),
  'create-domain': (name, body) =>
    c.createCustomDomain(new fc.CreateCustomDomainRequest({ body: new fc.CreateCustomDomainInput({ ...json(body), domainName: name }) })),
  'update-domain': (name, body) =>
    c.updateCustomDomain(name, new fc.UpdateCustomDomainRequest({ body: new fc.UpdateCustomDomainInput(json(body)) })),
  'get-function': async (fn) => print(await c.getFunction(fn, new fc.GetFunctionRequest({}))),
  'get-alias': async (fn, alias) => print(await c.getAlias(fn, alias)),
  untag: async (fn, key) => {
    const { body } = await c.getFunction(fn, new fc.GetFunctionRequest({}));
    return c.untagResources(new fc.UntagResourcesRequest({ resourceType: 'function', resourceId: [body.functionArn], tagKey: [key] }));
  },
};

async function main() {
  const [op, ...args] = process.argv.slice(2);
  const run = ops[op];
  if (!run) {
    console.error(`nodeconsole3: unknown operation ${JSON.stringify(op)}; known: ${Object.keys(ops).join(', ')}`);
    process.exit(2);
  }
  const out = await run(...args);
  if (typeof out === 'string' || typeof out === 'number') console.log(String(out));
}

main().catch((err) => {
  console.error(`nodeconsole3: ${err.code || ''} ${err.message}`);
  process.exit(1);
});
