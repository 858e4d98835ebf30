'use strict';

// Drives fc-emulator through the official Node.js SDK @alicloud/fc2 2.6.6,
// unmodified: /2016-08-15 paths, "FC <id>:<sig>" signatures, triggerConfig as
// a JSON object, errors read from ErrorCode. The Go test conformance/node_test.go
// starts the emulator, creates FC_GO_CREATED_SERVICE through the Go SDK before
// this runs, and reads back the node-made service this file leaves in place.
//
// Run it alone against a running emulator with
//   FC_ENDPOINT=http://127.0.0.1:PORT FC_ACCOUNT_ID=... FC_ACCESS_KEY_ID=... \
//   FC_ACCESS_KEY_SECRET=... node --test fc2.test.js

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { crc64, makeZip } = require('./codezip');
const { accessKeyID, accessKeySecret, client, newClient, rejectsWith, downloadCode } = require('./harness');

const goCreatedService = process.env.FC_GO_CREATED_SERVICE;
const stsKey = {
  id: process.env.FC_STS_KEY_ID,
  secret: process.env.FC_STS_KEY_SECRET,
  token: process.env.FC_STS_TOKEN,
};

// FUNCRAFT_MADE is deployed with funcraft's PascalCase bodies and read back,
// and cloned, by the Go side; keep these names in step with node_test.go.
const FUNCRAFT_MADE = { service: 'funcraft-made', func: 'api', trigger: 'http' };

// NODE_MADE is read back by the Go side; keep these names in step with node_test.go.
const NODE_MADE = {
  service: 'node-made',
  func: 'hello',
  trigger: 'web',
  triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
};

const zipV1 = makeZip({
  'index.js': "exports.handler = (event, context, callback) => callback(null, 'v1');\n",
});
const zipV2 = makeZip({
  'index.js': "exports.handler = (event, context, callback) => callback(null, 'v2');\n",
  'package.json': '{"name":"hello","version":"2.0.0"}\n',
});

describe('codeChecksum reference', () => {
  it('CRC-64/XZ of "123456789" is the published check value', () => {
    assert.equal(crc64(Buffer.from('123456789')).toString(), '11051210869376104954');
    assert.equal(crc64(Buffer.alloc(0)), 0n);
  });
});

describe('signatures', () => {
  it('a wrong secret is refused with 403 SignatureNotMatch', async () => {
    const bad = newClient(accessKeyID, `${accessKeySecret}-wrong`);
    await rejectsWith(bad.listServices(), 'SignatureNotMatch', 403);
    await rejectsWith(bad.createService('never-made'), 'SignatureNotMatch', 403);
  });

  it('an unknown access key id is refused with 403 InvalidAccessKeyID', async () => {
    const unknown = newClient(`${accessKeyID}-unknown`, accessKeySecret);
    await rejectsWith(unknown.listServices(), 'InvalidAccessKeyID', 403);
  });

  it('a refused request changed nothing', async () => {
    await rejectsWith(client.getService('never-made'), 'ServiceNotFound', 404);
  });

  it('a request dated more than 15 minutes off is refused with 403', async () => {
    // Per-call headers override the SDK's own Date, which it then signs.
    const stale = { date: new Date(Date.now() - 16 * 60 * 1000).toUTCString() };
    await rejectsWith(client.listServices({}, stale), 'RequestTimeTooSkewed', 403);
    const early = { date: new Date(Date.now() + 16 * 60 * 1000).toUTCString() };
    await rejectsWith(client.getService('never-made', early), 'RequestTimeTooSkewed', 403);
    const recent = { date: new Date(Date.now() - 60 * 1000).toUTCString() };
    await client.listServices({}, recent);
  });

  it('STS credentials sign with their security token', { skip: !stsKey.id && 'FC_STS_KEY_ID not set' }, async () => {
    await newClient(stsKey.id, stsKey.secret, stsKey.token).listServices();
    await rejectsWith(newClient(stsKey.id, stsKey.secret, `${stsKey.token}-expired`).listServices(), 'InvalidSecurityToken', 403);
  });
});

describe('values FC refuses', () => {
  const svc = `node-strict-${process.pid}`;
  const zip = () => ({ zipFile: zipV1.toString('base64') });
  const fn = (extra) => ({ functionName: 'f', runtime: 'nodejs14', handler: 'index.handler', code: zip(), ...extra });

  before(async () => {
    await client.createService(svc);
    await client.createFunction(svc, fn({ functionName: 'ok' }));
    await client.createTrigger(svc, 'ok', {
      triggerName: 'web',
      triggerType: 'http',
      triggerConfig: { authType: 'anonymous', methods: ['GET'] },
    });
  });

  // MemorySize in PascalCase escapes the SDK's parseInt of memorySize, as a
  // funcraft template's value does.
  const functions = {
    'runtime python99': { runtime: 'python99' },
    'memorySize not a multiple of 64': { memorySize: 100 },
    'memorySize over 32 GB': { memorySize: 32832 },
    'memorySize abc': { MemorySize: 'abc' },
    'timeout 0': { Timeout: 0 },
    'initializationTimeout 301': { initializationTimeout: 301 },
    'diskSize 1024': { diskSize: 1024 },
    'instanceType e2': { instanceType: 'e2' },
    'an environment variable that is a number': { environmentVariables: { PORT: 8080 } },
    'code that is not a zip': { code: { zipFile: Buffer.from('not a zip').toString('base64') } },
  };
  for (const [name, extra] of Object.entries(functions)) {
    it(`createFunction: ${name}`, async () => {
      await rejectsWith(client.createFunction(svc, fn(extra)), 'InvalidArgument', 400);
    });
  }

  const triggers = {
    'no triggerType': { triggerConfig: { authType: 'anonymous', methods: ['GET'] } },
    'triggerType ftp': { triggerType: 'ftp', triggerConfig: {} },
    'a second HTTP trigger': { triggerType: 'http', triggerConfig: { authType: 'function', methods: ['POST'] } },
    'an HTTP trigger without methods': { triggerType: 'http', triggerConfig: { authType: 'anonymous' } },
    'a cron of five fields': { triggerType: 'timer', triggerConfig: { cronExpression: '0 2 * * *', enable: true } },
  };
  for (const [name, body] of Object.entries(triggers)) {
    it(`createTrigger: ${name}`, async () => {
      await rejectsWith(client.createTrigger(svc, 'ok', { triggerName: 't2', ...body }), 'InvalidArgument', 400);
    });
  }

  it('createCustomDomain: protocol FTP', async () => {
    await rejectsWith(client.createCustomDomain('ftp.example.com', { protocol: 'FTP' }), 'InvalidArgument', 400);
  });

  it('nothing refused was stored', async () => {
    await rejectsWith(client.getFunction(svc, 'f'), 'FunctionNotFound', 404);
    await rejectsWith(client.getTrigger(svc, 'ok', 't2'), 'TriggerNotFound', 404);
    await rejectsWith(client.getCustomDomain('ftp.example.com'), 'DomainNameNotFound', 404);
    const resp = await client.listTriggers(svc, 'ok');
    assert.deepEqual(resp.data.triggers.map((t) => t.triggerName), ['web']);
  });

  it('a write through a qualified service path is refused and changes nothing', async () => {
    await client.updateService(svc, { description: 'latest' });
    await rejectsWith(client.updateService(`${svc}.prod`, { description: 'through prod' }), 'InvalidArgument', 400);
    await rejectsWith(client.updateFunction(`${svc}.1`, 'ok', { description: 'through v1' }), 'InvalidArgument', 400);
    assert.equal((await client.getService(svc)).data.description, 'latest');
    assert.equal((await client.getFunction(svc, 'ok')).data.description, '');
  });
});

describe('bodies as FC reads them', () => {
  const svc = `node-case-${process.pid}`;

  it('PascalCase keys at every depth come back camelCase, and a partial logConfig completed', async () => {
    const resp = await client.createService(svc, {
      Description: 'pascal',
      LogConfig: { Project: 'logs', Logstore: 'fc' },
      VpcConfig: { VpcId: 'vpc-1', VSwitchIds: ['vsw-1'], SecurityGroupId: 'sg-1' },
    });
    assert.equal(resp.data.description, 'pascal');
    assert.deepEqual(resp.data.logConfig, {
      project: 'logs',
      logstore: 'fc',
      enableRequestMetrics: false,
      enableInstanceMetrics: false,
      logBeginRule: 'None',
    });
    assert.equal(resp.data.vpcConfig.vpcId, 'vpc-1');
    assert.deepEqual(resp.data.vpcConfig.vSwitchIds, ['vsw-1']);
    for (const key of ['Description', 'LogConfig', 'VpcConfig']) {
      assert.ok(!(key in resp.data), `${key} is not returned`);
    }
    assert.ok(!('VpcId' in resp.data.vpcConfig), 'VpcId is not returned');
    const got = await client.getService(svc);
    assert.deepEqual(got.data.vpcConfig, resp.data.vpcConfig);
  });

  it('an unknown field is not returned', async () => {
    const resp = await client.updateService(svc, { description: 'd', futureFeature: { level: 3 } });
    assert.ok(!('futureFeature' in resp.data), 'futureFeature is dropped');
    const got = await client.getService(svc);
    assert.ok(!('futureFeature' in got.data), 'futureFeature is not stored');
    assert.equal(got.data.description, 'd');
  });

  it('answers carry every field FC returns, nulls included', async () => {
    const resp = await client.createFunction(svc, {
      functionName: 'f',
      runtime: 'python3.9',
      handler: 'index.handler',
      code: { zipFile: zipV1.toString('base64') },
    });
    for (const key of ['customDNS', 'customContainerConfig', 'layers', 'instanceLifecycleConfig']) {
      assert.ok(key in resp.data, `${key} is returned`);
      assert.equal(resp.data[key], null, `${key} is null until set`);
    }
    assert.equal(resp.data.instanceType, 'e1');
    assert.deepEqual(resp.data.environmentVariables, {});
  });
});

describe('service, function and trigger lifecycle', () => {
  const svc = `node-life-${process.pid}`;
  const fn = 'hello';
  const trig = 'web';
  let serviceEtag;

  it('creates a service', async () => {
    const resp = await client.createService(svc, { description: 'first' });
    assert.equal(resp.data.serviceName, svc);
    assert.equal(resp.data.description, 'first');
    assert.ok(resp.data.serviceId, 'serviceId is set');
    assert.ok(resp.data.createdTime, 'createdTime is set');
    assert.ok(resp.data.lastModifiedTime, 'lastModifiedTime is set');
    assert.ok(resp.headers.etag, 'ETag header on create');
    assert.match(resp.headers['x-fc-request-id'], /^.{36}$/);
  });

  it('refuses a second service with the same name', async () => {
    await rejectsWith(client.createService(svc), 'ServiceAlreadyExists', 409);
  });

  it('gets the service with its ETag', async () => {
    const resp = await client.getService(svc);
    assert.equal(resp.data.serviceName, svc);
    assert.equal(resp.data.description, 'first');
    assert.ok(resp.headers.etag, 'ETag header on get');
    serviceEtag = resp.headers.etag;
  });

  it('updates the service with If-Match from get', async () => {
    const resp = await client.updateService(svc, { description: 'second' }, { 'If-Match': serviceEtag });
    assert.equal(resp.data.serviceName, svc);
    assert.equal(resp.data.description, 'second');
    assert.ok(resp.headers.etag, 'ETag header on update');
    assert.notEqual(resp.headers.etag, serviceEtag, 'ETag changes on update');
    const got = await client.getService(svc);
    assert.equal(got.data.description, 'second');
    assert.equal(got.headers.etag, resp.headers.etag);
    serviceEtag = got.headers.etag;
  });

  it('lists the service', async () => {
    const resp = await client.listServices({ prefix: 'node-life-' });
    const names = resp.data.services.map((s) => s.serviceName);
    assert.deepEqual(names, [svc]);
    assert.equal(resp.data.services[0].description, 'second');
    assert.equal(resp.data.nextToken, undefined, 'nextToken omitted on the last page');
  });

  it('creates a function from zip code with its CRC-64 as codeChecksum', async () => {
    const resp = await client.createFunction(svc, {
      functionName: fn,
      runtime: 'nodejs14',
      handler: 'index.handler',
      memorySize: 128,
      timeout: 10,
      code: { zipFile: zipV1.toString('base64') },
    });
    assert.equal(resp.data.functionName, fn);
    assert.equal(resp.data.runtime, 'nodejs14');
    assert.equal(resp.data.handler, 'index.handler');
    assert.equal(resp.data.memorySize, 128);
    assert.equal(resp.data.timeout, 10);
    assert.ok(resp.data.functionId, 'functionId is set');
    assert.equal(resp.data.codeSize, zipV1.length);
    assert.equal(resp.data.codeChecksum, crc64(zipV1).toString());
    assert.ok(resp.headers.etag, 'ETag header on create');
  });

  it('serves the code at the URL getFunctionCode returns', async () => {
    const resp = await client.getFunctionCode(svc, fn);
    assert.equal(resp.data.checksum, crc64(zipV1).toString());
    const downloaded = await downloadCode(resp.data.url);
    assert.ok(downloaded.equals(zipV1), 'downloaded code equals the uploaded zip');
  });

  it('updates the function with If-Match, and refuses a stale If-Match with 412', async () => {
    const before = await client.getFunction(svc, fn);
    const staleEtag = before.headers.etag;
    assert.ok(staleEtag, 'ETag header on get');

    const resp = await client.updateFunction(
      svc,
      fn,
      { description: 'v2', code: { zipFile: zipV2.toString('base64') } },
      { 'If-Match': staleEtag },
    );
    assert.equal(resp.data.description, 'v2');
    assert.equal(resp.data.handler, 'index.handler', 'fields not sent are kept');
    assert.equal(resp.data.codeSize, zipV2.length);
    assert.equal(resp.data.codeChecksum, crc64(zipV2).toString());
    assert.notEqual(resp.headers.etag, staleEtag, 'ETag changes on update');

    await rejectsWith(
      client.updateFunction(svc, fn, { description: 'lost update' }, { 'If-Match': staleEtag }),
      'PreconditionFailed',
      412,
    );
    const after = await client.getFunction(svc, fn);
    assert.equal(after.data.description, 'v2', 'the refused update changed nothing');
    assert.equal(after.data.codeChecksum, crc64(zipV2).toString());

    const code = await client.getFunctionCode(svc, fn);
    assert.ok((await downloadCode(code.data.url)).equals(zipV2), 'new code is served');
  });

  it('lists the function', async () => {
    const resp = await client.listFunctions(svc);
    assert.deepEqual(resp.data.functions.map((f) => f.functionName), [fn]);
    assert.equal(resp.data.functions[0].codeChecksum, crc64(zipV2).toString());
  });

  it('creates an HTTP trigger whose triggerConfig round-trips as an object', async () => {
    const triggerConfig = { authType: 'anonymous', methods: ['GET'] };
    const resp = await client.createTrigger(svc, fn, {
      triggerName: trig,
      triggerType: 'http',
      triggerConfig,
    });
    assert.equal(resp.data.triggerName, trig);
    assert.equal(resp.data.triggerType, 'http');
    assert.deepEqual(resp.data.triggerConfig, triggerConfig);
    assert.ok(resp.headers.etag, 'ETag header on create');

    const got = await client.getTrigger(svc, fn, trig);
    assert.deepEqual(got.data.triggerConfig, triggerConfig);
    assert.ok(got.headers.etag, 'ETag header on get');
  });

  it('updates the trigger config with If-Match', async () => {
    const before = await client.getTrigger(svc, fn, trig);
    const triggerConfig = { authType: 'function', methods: ['GET', 'PUT'] };
    const resp = await client.updateTrigger(svc, fn, trig, { triggerConfig }, { 'If-Match': before.headers.etag });
    assert.deepEqual(resp.data.triggerConfig, triggerConfig);
    assert.equal(resp.data.triggerType, 'http');
  });

  it('lists the trigger', async () => {
    const resp = await client.listTriggers(svc, fn);
    assert.deepEqual(resp.data.triggers.map((t) => t.triggerName), [trig]);
    assert.deepEqual(resp.data.triggers[0].triggerConfig, { authType: 'function', methods: ['GET', 'PUT'] });
  });

  it('deletes the trigger, the function and the service, in that order', async () => {
    const t = await client.getTrigger(svc, fn, trig);
    const delTrigger = await client.deleteTrigger(svc, fn, trig, {}, { 'If-Match': t.headers.etag });
    assert.equal(delTrigger.data, '', 'delete answers with no body');
    await rejectsWith(client.getTrigger(svc, fn, trig), 'TriggerNotFound', 404);

    const f = await client.getFunction(svc, fn);
    await client.deleteFunction(svc, fn, {}, { 'If-Match': f.headers.etag });
    await rejectsWith(client.getFunction(svc, fn), 'FunctionNotFound', 404);

    // fc2 quirk: deleteService's second argument is the header map.
    await rejectsWith(client.deleteService(svc, { 'If-Match': `${serviceEtag}-stale` }), 'PreconditionFailed', 412);
    await client.deleteService(svc, { 'If-Match': serviceEtag });
    await rejectsWith(client.getService(svc), 'ServiceNotFound', 404);
    const list = await client.listServices({ prefix: 'node-life-' });
    assert.deepEqual(list.data.services, []);
  });
});

describe('a funcraft template deployed with PascalCase bodies', () => {
  before(async () => {
    await removeService(FUNCRAFT_MADE.service);
  });

  it('creates a service, a function and an HTTP trigger that read back in camelCase', async () => {
    await client.createService(FUNCRAFT_MADE.service, {
      Description: 'deployed by funcraft',
      InternetAccess: true,
      VpcConfig: { VpcId: 'vpc-1', VSwitchIds: ['vsw-1'], SecurityGroupId: 'sg-1' },
      LogConfig: { Project: 'logs', Logstore: 'fc' },
    });
    const fn = await client.createFunction(FUNCRAFT_MADE.service, {
      functionName: FUNCRAFT_MADE.func,
      Runtime: 'nodejs14',
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 30,
      EnvironmentVariables: { Stage: 'prod' },
      Code: { ZipFile: zipV2.toString('base64') },
    });
    assert.equal(fn.data.memorySize, 256);
    assert.deepEqual(fn.data.environmentVariables, { Stage: 'prod' }, 'variable names keep their case');
    const trig = await client.createTrigger(FUNCRAFT_MADE.service, FUNCRAFT_MADE.func, {
      TriggerName: FUNCRAFT_MADE.trigger,
      TriggerType: 'http',
      TriggerConfig: { AuthType: 'anonymous', Methods: ['GET', 'POST'] },
    });
    assert.deepEqual(trig.data.triggerConfig, { authType: 'anonymous', methods: ['GET', 'POST'] });
  });
});

describe('the same store as the Go dialect', () => {
  it('sees the service the Go SDK created', { skip: !goCreatedService && 'FC_GO_CREATED_SERVICE not set' }, async () => {
    const resp = await client.getService(goCreatedService);
    assert.equal(resp.data.serviceName, goCreatedService);
    assert.equal(resp.data.description, 'made by go');
    const list = await client.listServices({ prefix: goCreatedService, limit: 100 });
    assert.ok(
      list.data.services.some((s) => s.serviceName === goCreatedService),
      `${goCreatedService} is listed`,
    );
  });

  describe('leaves node-made in place for the Go side', () => {
    before(async () => {
      await removeService(NODE_MADE.service);
    });

    it('creates a service, a function and an HTTP trigger', async () => {
      await client.createService(NODE_MADE.service, { description: 'made by node' });
      const fn = await client.createFunction(NODE_MADE.service, {
        functionName: NODE_MADE.func,
        runtime: 'nodejs14',
        handler: 'index.handler',
        code: { zipFile: zipV2.toString('base64') },
      });
      assert.equal(fn.data.codeChecksum, crc64(zipV2).toString());
      const trig = await client.createTrigger(NODE_MADE.service, NODE_MADE.func, {
        triggerName: NODE_MADE.trigger,
        triggerType: 'http',
        triggerConfig: NODE_MADE.triggerConfig,
      });
      assert.deepEqual(trig.data.triggerConfig, NODE_MADE.triggerConfig);
    });
  });
});

// removeService deletes a service left by an earlier run against the same
// emulator, children first, so the file can be rerun; a fresh emulator has
// nothing to remove.
async function removeService(name) {
  try {
    await client.getService(name);
  } catch (err) {
    if (err.code === 'ServiceNotFound') {
      return;
    }
    throw err;
  }
  const fns = await client.listFunctions(name, { limit: 100 });
  for (const f of fns.data.functions) {
    const trigs = await client.listTriggers(name, f.functionName, { limit: 100 });
    for (const t of trigs.data.triggers) {
      await client.deleteTrigger(name, f.functionName, t.triggerName);
    }
    await client.deleteFunction(name, f.functionName);
  }
  await client.deleteService(name);
}
