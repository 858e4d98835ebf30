'use strict';

// console.js makes the console's edits through the official Node.js SDK
// (@alicloud/fc2), for the CLI scenarios' `nodeconsole` command: an
// independent client changes FC online, as a colleague's tooling or the
// web console would, so a scenario does not rest on fcsync's own Go SDK
// client alone. Operations and arguments are those of fcconsole.
//
//   node console.js OP ARGS...   (env: FC_ENDPOINT, FC_ACCOUNT_ID,
//                                 FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET)

const fs = require('node:fs');
const path = require('node:path');
const { accountId, client } = require('./harness');
const { makeZip } = require('./codezip');

const region = 'cn-hangzhou';
const serviceArn = (svc) => `acs:fc:${region}:${accountId}:services/${svc}`;
const json = (s) => (s ? JSON.parse(s) : {});
const num = (s) => {
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`${s} is not a number`);
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

const ops = {
  'create-service': (svc, body) => client.createService(svc, json(body)),
  'update-function': (svc, fn, body) => client.updateFunction(svc, fn, json(body)),
  'publish-version': async (svc, desc) => (await client.publishVersion(svc, desc || '')).data.versionId,
  'create-alias': (svc, alias, version, body) => client.createAlias(svc, alias, version, json(body)),
  'set-alias-weight': async (svc, alias, version, weight) => {
    const cur = (await client.getAlias(svc, alias)).data;
    const w = num(weight);
    return client.updateAlias(svc, alias, cur.versionId, { additionalVersionWeight: w === 0 ? {} : { [version]: w } });
  },
  'point-alias': async (svc, alias, version) => {
    const cur = (await client.getAlias(svc, alias)).data;
    const weights = { ...(cur.additionalVersionWeight || {}) };
    delete weights[version];
    return client.updateAlias(svc, alias, version, { additionalVersionWeight: weights });
  },
  'set-provision-target': (svc, fn, q, n) => client.putProvisionConfig(svc, fn, q, { target: num(n) }),
  'set-on-demand-max': (svc, fn, q, n) =>
    client.put(`/services/${svc}.${q}/functions/${fn}/on-demand-config`, { maximumInstanceCount: num(n) }),
  'set-async-retry': async (svc, fn, q, n) => {
    let cur = {};
    try {
      cur = (await client.getFunctionAsyncConfig(svc, fn, q)).data;
    } catch (err) {
      if (err.code !== 'AsyncConfigNotExists') throw err;
    }
    const body = {};
    for (const k of ['maxAsyncEventAgeInSeconds', 'destinationConfig', 'statefulInvocation']) {
      if (cur[k] !== undefined && cur[k] !== null) body[k] = cur[k];
    }
    body.maxAsyncRetryAttempts = num(n);
    return client.putFunctionAsyncConfig(svc, fn, q, body);
  },
  'put-async-config': (svc, fn, q, body) => client.putFunctionAsyncConfig(svc, fn, q, json(body)),
  tag: (svc, ...kvs) => {
    const tags = {};
    for (const kv of kvs) {
      const i = kv.indexOf('=');
      if (i < 0) throw new Error(`tag: ${kv} is not KEY=VALUE`);
      tags[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return client.tagResource(serviceArn(svc), tags);
  },
  untag: (svc, ...keys) => client.untagResource(serviceArn(svc), keys),
  'bind-vpc': (svc, vpcId) => client.post(`/services/${svc}/bindings`, { vpcId }),
  'unbind-vpc': (svc, vpcId) => client.delete(`/services/${svc}/bindings/${vpcId}`),
  'publish-layer': async (name, codeDir, body) => {
    const zip = makeZip(readDir(codeDir));
    const resp = await client.publishLayerVersion(name, { ...json(body), code: { zipFile: zip.toString('base64') } });
    return resp.data.version;
  },
};

async function main() {
  const [op, ...args] = process.argv.slice(2);
  const run = ops[op];
  if (!run) {
    console.error(`nodeconsole: unknown operation ${JSON.stringify(op)}; known: ${Object.keys(ops).join(', ')}`);
    process.exit(2);
  }
  const out = await run(...args);
  if (typeof out === 'string' || typeof out === 'number') console.log(String(out));
}

main().catch((err) => {
  console.error(`nodeconsole: ${err.code || ''} ${err.message}`);
  process.exit(1);
});
