'use strict';

// Drives the emulator's versions, aliases, provision, on-demand and async
// invocation configs, tags, layers, VPC bindings, invocations and account
// settings through the official Node.js SDK @alicloud/fc2 2.6.6, unmodified:
// for each kind a create, read, update, list and delete, and one invalid
// value refused with FC's code. The Go test conformance/node_test.go runs it
// with fc2.test.js, then reads back FUNCRAFT_ASYNC through the Go SDK.

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { crc64, makeZip } = require('./codezip');
const { accountId, client, rejectsWith, downloadCode } = require('./harness');

// FUNCRAFT_ASYNC is left in place with the async config funcraft deploys
// for a template's AsyncConfiguration; keep in step with node_test.go.
const FUNCRAFT_ASYNC = { service: 'funcraft-async', func: 'worker', retries: 3, age: 20 };

const code = makeZip({ 'index.js': "exports.handler = (event, context, callback) => callback(null, 'ok');\n" });
const code2 = makeZip({ 'index.js': "exports.handler = (event, context, callback) => callback(null, 'two');\n" });

const fnOptions = (name, extra = {}) => ({
  functionName: name,
  runtime: 'nodejs14',
  handler: 'index.handler',
  code: { zipFile: code.toString('base64') },
  ...extra,
});

// withVersions makes a service with function f and versions 1 and 2 (f's
// description differs between them).
async function withVersions(svc) {
  await client.createService(svc);
  await client.createFunction(svc, fnOptions('f', { description: 'one' }));
  await client.publishVersion(svc, 'v1');
  await client.updateFunction(svc, 'f', { description: 'two' });
  await client.publishVersion(svc, 'v2');
}

describe('versions', () => {
  const svc = `node-versions-${process.pid}`;

  it('publishes, lists, reads through and deletes versions', async () => {
    await client.createService(svc, { description: 'latest' });
    await client.createFunction(svc, fnOptions('f'));
    const v1 = await client.publishVersion(svc, 'first');
    assert.equal(v1.data.versionId, '1');
    assert.equal(v1.data.description, 'first');
    assert.ok(v1.data.createdTime && v1.data.lastModifiedTime);

    await client.updateFunction(svc, 'f', { description: 'changed', code: { zipFile: code2.toString('base64') } });
    const v2 = await client.publishVersion(svc, 'second');
    assert.equal(v2.data.versionId, '2');

    const list = await client.listVersions(svc);
    assert.equal(list.data.direction, 'BACKWARD');
    assert.deepEqual(list.data.versions.map((v) => v.versionId), ['2', '1']);
    const forward = await client.listVersions(svc, { direction: 'FORWARD', limit: 1 });
    assert.deepEqual(forward.data.versions.map((v) => v.versionId), ['1']);
    assert.equal(forward.data.nextToken, '2');

    // Reads through a version see its snapshot; the service answers with
    // the version's description.
    assert.equal((await client.getService(svc, {}, '1')).data.description, 'first');
    assert.equal((await client.getFunction(svc, 'f', {}, '1')).data.description, '');
    const old = await client.getFunctionCode(svc, 'f', {}, '1');
    assert.ok((await downloadCode(old.data.url)).equals(code), 'version 1 serves its own code');

    const del = await client.deleteVersion(svc, '1');
    assert.equal(del.data, '');
    await rejectsWith(client.getService(svc, {}, '1'), 'VersionNotFound', 404);
  });

  it('refuses a version with nothing changed, and a service with versions', async () => {
    await rejectsWith(client.publishVersion(svc, 'again'), 'InvalidArgument', 400);
    await client.deleteFunction(svc, 'f');
    await rejectsWith(client.deleteService(svc), 'ServiceNotEmpty', 409);
    await client.deleteVersion(svc, '2');
    await client.deleteService(svc);
  });
});

describe('aliases', () => {
  const svc = `node-aliases-${process.pid}`;
  let etag;

  before(() => withVersions(svc));

  it('creates and reads an alias with its ETag', async () => {
    const created = await client.createAlias(svc, 'prod', '1', { description: 'live' });
    assert.equal(created.data.aliasName, 'prod');
    assert.equal(created.data.versionId, '1');
    assert.equal(created.data.description, 'live');
    assert.deepEqual(created.data.additionalVersionWeight, {});
    assert.equal(created.data.resolvePolicy, 'Random');
    assert.ok(created.data.createdTime && created.data.lastModifiedTime);
    assert.match(created.headers.etag, /^[0-9a-f]{32}$/);
    const got = await client.getAlias(svc, 'prod');
    assert.equal(got.headers.etag, created.headers.etag);
    etag = got.headers.etag;
    // Reads through the alias resolve to its version.
    assert.equal((await client.getFunction(svc, 'f', {}, 'prod')).data.description, 'one');
  });

  it('shifts traffic with If-Match, and refuses a stale ETag with 412', async () => {
    const shifted = await client.updateAlias(svc, 'prod', null,
      { additionalVersionWeight: { 2: 0.1 } }, { 'If-Match': etag });
    assert.deepEqual(shifted.data.additionalVersionWeight, { 2: 0.1 });
    assert.equal(shifted.data.versionId, '1', 'fields not sent are kept');
    assert.notEqual(shifted.headers.etag, etag);
    await rejectsWith(client.updateAlias(svc, 'prod', '2', {}, { 'If-Match': etag }), 'PreconditionFailed', 412);
    assert.equal((await client.getAlias(svc, 'prod')).data.versionId, '1', 'the refused update changed nothing');
  });

  it('lists aliases', async () => {
    await client.createAlias(svc, 'beta', '2');
    const list = await client.listAliases(svc, { limit: 1 });
    assert.deepEqual(list.data.aliases.map((a) => a.aliasName), ['beta']);
    assert.equal(list.data.nextToken, 'prod');
  });

  it('refuses a canary weight on the main version', async () => {
    await rejectsWith(client.updateAlias(svc, 'beta', null, { additionalVersionWeight: { 2: 0.5 } }),
      'AdditionalVersionContainsMajorVersion', 400);
    await rejectsWith(client.createAlias(svc, 'prod', '1'), 'AliasAlreadyExists', 409);
    await rejectsWith(client.createAlias(svc, 'gone', '9'), 'VersionNotFound', 404);
  });

  it('deletes an alias with If-Match', async () => {
    await rejectsWith(client.deleteAlias(svc, 'beta', { 'If-Match': etag }), 'PreconditionFailed', 412);
    const del = await client.deleteAlias(svc, 'beta');
    assert.equal(del.data, '');
    await rejectsWith(client.getAlias(svc, 'beta'), 'AliasNotFound', 404);
  });
});

describe('provision configs', () => {
  const svc = `node-provision-${process.pid}`;

  before(async () => {
    await withVersions(svc);
    await client.createAlias(svc, 'prod', '1');
  });

  it('puts, reads and lists provisioned instances of an alias', async () => {
    const put = await client.putProvisionConfig(svc, 'f', 'prod', {
      target: 2,
      scheduledActions: [{ name: 'night', scheduleExpression: 'cron(0 0 22 * * *)', target: 1 }],
    });
    assert.equal(put.data.target, 2);
    assert.equal(put.data.current, 2);
    assert.equal(put.data.resource, `${accountId}#${svc}#prod#f`);
    assert.equal(put.data.alwaysAllocateCPU, true);
    const got = await client.getProvisionConfig(svc, 'f', 'prod');
    assert.equal(got.data.target, 2);
    assert.equal(got.data.scheduledActions[0].name, 'night');
    const updated = await client.putProvisionConfig(svc, 'f', 'prod', { target: 5, alwaysAllocateCPU: false });
    assert.deepEqual(updated.data.scheduledActions, [], 'a put replaces the config whole');
    const list = await client.listProvisionConfigs({ serviceName: svc, qualifier: 'prod' });
    assert.deepEqual(list.data.provisionConfigs.map((p) => [p.resource, p.target]), [[`${accountId}#${svc}#prod#f`, 5]]);
  });

  it('refuses a target over 10000 and a version qualifier', async () => {
    await rejectsWith(client.putProvisionConfig(svc, 'f', 'prod', { target: 10001 }), 'InvalidArgument', 400);
    await rejectsWith(client.putProvisionConfig(svc, 'f', '1', { target: 1 }), 'InvalidArgument', 400);
    await rejectsWith(client.deleteFunction(svc, 'f'), 'ProvisionConfigExist', 400);
  });

  it('releases them with a target of 0', async () => {
    await client.putProvisionConfig(svc, 'f', 'prod', { target: 0 });
    assert.equal((await client.getProvisionConfig(svc, 'f', 'prod')).data.target, 0);
    const list = await client.listProvisionConfigs({ serviceName: svc });
    assert.deepEqual(list.data.provisionConfigs, []);
  });
});

describe('on-demand configs', () => {
  const svc = `node-ondemand-${process.pid}`;

  before(async () => {
    await withVersions(svc);
    await client.createAlias(svc, 'prod', '2');
  });

  it('puts, reads, lists and deletes the on-demand maximum, with ETags', async () => {
    const put = await client.putOnDemandConfig(svc, 'f', 'prod', { maximumInstanceCount: 5 });
    assert.equal(put.data.maximumInstanceCount, 5);
    assert.equal(put.data.resource, `services/${svc}.prod/functions/f`);
    const got = await client.getOnDemandConfig(svc, 'f', 'prod');
    assert.equal(got.headers.etag, put.headers.etag);
    const raised = await client.putOnDemandConfig(svc, 'f', 'prod', { maximumInstanceCount: 8 }, { 'If-Match': got.headers.etag });
    assert.equal(raised.data.maximumInstanceCount, 8);
    await rejectsWith(client.putOnDemandConfig(svc, 'f', 'prod', { maximumInstanceCount: 1 }, { 'If-Match': got.headers.etag }),
      'PreconditionFailed', 412);
    const list = await client.listOnDemandConfigs({ prefix: `${svc}.` });
    assert.deepEqual(list.data.configs.map((c) => c.maximumInstanceCount), [8]);
    await client.deleteOnDemandConfig(svc, 'f', 'prod');
    await rejectsWith(client.getOnDemandConfig(svc, 'f', 'prod'), 'OnDemandConfigNotFound', 404);
  });

  it('refuses a negative maximum', async () => {
    await rejectsWith(client.putOnDemandConfig(svc, 'f', 'LATEST', { maximumInstanceCount: -1 }), 'InvalidArgument', 400);
  });
});

describe('async invocation configs', () => {
  const svc = `node-async-${process.pid}`;
  const dest = `acs:mns:cn-hangzhou:${accountId}:/queues/q/messages`;

  before(() => withVersions(svc));

  it('puts, reads, lists and deletes per qualifier', async () => {
    const put = await client.putFunctionAsyncConfig(svc, 'f', '', {
      destinationConfig: { onSuccess: { destination: dest } },
      maxAsyncRetryAttempts: 1,
      maxAsyncEventAgeInSeconds: 100,
    });
    assert.equal(put.data.qualifier, 'LATEST');
    assert.equal(put.data.service, svc);
    assert.equal(put.data.function, 'f');
    assert.equal(put.data.destinationConfig.onSuccess.destination, dest);
    assert.equal(put.data.statefulInvocation, null);
    assert.ok(put.data.createdTime && put.data.lastModifiedTime);
    await client.putFunctionAsyncConfig(svc, 'f', '1', { maxAsyncRetryAttempts: 0, statefulInvocation: true });
    const got = await client.getFunctionAsyncConfig(svc, 'f', '1');
    assert.equal(got.data.maxAsyncRetryAttempts, 0);
    assert.equal(got.data.statefulInvocation, true);
    const list = await client.listFunctionAsyncConfigs(svc, 'f', { limit: 1 });
    assert.deepEqual(list.data.configs.map((c) => c.qualifier), ['1']);
    assert.equal(list.data.nextToken, 'LATEST');
    await client.deleteFunctionAsyncConfig(svc, 'f', '1');
    await rejectsWith(client.getFunctionAsyncConfig(svc, 'f', '1'), 'AsyncConfigNotExists', 404);
  });

  it('refuses more than 8 retries', async () => {
    await rejectsWith(client.putFunctionAsyncConfig(svc, 'f', '', { maxAsyncRetryAttempts: 9 }), 'InvalidArgument', 400);
  });
});

// funcraft deploys a template's AsyncConfiguration as its
// lib/function-async-config.js does: read the config (AsyncConfigNotExists
// when there is none), delete it if it differs, put the new one, with the
// template's acs:fc::: destinations completed with region and account.
describe('a funcraft AsyncConfiguration', () => {
  const { service, func } = FUNCRAFT_ASYNC;
  const template = {
    Destination: {
      OnSuccess: `acs:fc:::services/${service}/functions/${func}`,
      OnFailure: 'acs:mns:::/queues/failed/messages',
    },
    MaxAsyncEventAgeInSeconds: FUNCRAFT_ASYNC.age,
    MaxAsyncRetryAttempts: FUNCRAFT_ASYNC.retries,
  };
  const fill = (arn) => arn.replace(':::', `:cn-hangzhou:${accountId}:`);

  // Left by an earlier run against the same emulator, it is made again so
  // that the file can be rerun.
  const ignore = (...codes) => (err) => {
    if (!codes.includes(err.code)) {
      throw err;
    }
  };
  before(async () => {
    await client.deleteFunction(service, func).catch(ignore('ServiceNotFound', 'FunctionNotFound'));
    await client.deleteService(service).catch(ignore('ServiceNotFound'));
    await client.createService(service);
    await client.createFunction(service, fnOptions(func));
  });

  it('deploys as funcraft does', async () => {
    await rejectsWith(client.getFunctionAsyncConfig(service, func, 'LATEST'), 'AsyncConfigNotExists', 404);
    const asyncConfig = {
      maxAsyncRetryAttempts: template.MaxAsyncRetryAttempts,
      maxAsyncEventAgeInSeconds: template.MaxAsyncEventAgeInSeconds,
      statefulInvocation: template.StatefulInvocation,
      destinationConfig: {
        onSuccess: { destination: fill(template.Destination.OnSuccess) },
        onFailure: { destination: fill(template.Destination.OnFailure) },
      },
    };
    const put = await client.putFunctionAsyncConfig(service, func, 'LATEST', asyncConfig);
    assert.equal(put.data.maxAsyncRetryAttempts, FUNCRAFT_ASYNC.retries);
    // A second deploy finds the config and replaces it.
    await client.getFunctionAsyncConfig(service, func, 'LATEST');
    await client.deleteFunctionAsyncConfig(service, func, 'LATEST');
    await client.putFunctionAsyncConfig(service, func, 'LATEST', asyncConfig);
  });

  it('takes the same config in PascalCase, and answers in camelCase', async () => {
    const put = await client.putFunctionAsyncConfig(service, func, 'LATEST', {
      MaxAsyncRetryAttempts: FUNCRAFT_ASYNC.retries,
      MaxAsyncEventAgeInSeconds: FUNCRAFT_ASYNC.age,
      DestinationConfig: {
        OnSuccess: { Destination: fill(template.Destination.OnSuccess) },
        OnFailure: { Destination: fill(template.Destination.OnFailure) },
      },
    });
    assert.equal(put.data.maxAsyncRetryAttempts, FUNCRAFT_ASYNC.retries);
    assert.equal(put.data.maxAsyncEventAgeInSeconds, FUNCRAFT_ASYNC.age);
    assert.deepEqual(put.data.destinationConfig, {
      onSuccess: { destination: fill(template.Destination.OnSuccess) },
      onFailure: { destination: fill(template.Destination.OnFailure) },
    });
    for (const key of Object.keys(put.data)) {
      assert.match(key, /^[a-z]/, `${key} is camelCase`);
    }
  });

  it('refuses a destination left as the template wrote it', async () => {
    await rejectsWith(client.putFunctionAsyncConfig(service, func, 'LATEST', {
      DestinationConfig: { OnSuccess: { Destination: template.Destination.OnSuccess } },
    }), 'InvalidArgument', 400);
  });
});

describe('tags', () => {
  const svc = `node-tags-${process.pid}`;

  before(() => client.createService(svc));

  it('tags, reads, lists, filters and untags a service', async () => {
    await client.tagResource(`services/${svc}`, { team: 'pay', env: 'prod' });
    const got = await client.getResourceTags({ resourceArn: `services/${svc}` });
    assert.equal(got.data.resourceArn, `acs:fc:cn-hangzhou:${accountId}:services/${svc}`);
    assert.deepEqual(got.data.tags, { team: 'pay', env: 'prod' });
    const filtered = await client.listServices({ tags: { team: 'pay', env: 'prod' } });
    assert.ok(filtered.data.services.some((s) => s.serviceName === svc));
    const none = await client.listServices({ tags: { team: 'ops' } });
    assert.ok(!none.data.services.some((s) => s.serviceName === svc));
    await client.untagResource(`services/${svc}`, ['env']);
    assert.deepEqual((await client.getResourceTags({ resourceArn: `services/${svc}` })).data.tags, { team: 'pay' });
    await client.untagResource(`services/${svc}`, [], true);
    assert.deepEqual((await client.getResourceTags({ resourceArn: `services/${svc}` })).data.tags, {});
  });

  it('refuses more than 20 tags, and a function', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    await rejectsWith(client.tagResource(`services/${svc}`, many), 'InvalidArgument', 400);
    await rejectsWith(client.tagResource(`services/${svc}/functions/f`, { k: 'v' }), 'InvalidArgument', 400);
    await rejectsWith(client.tagResource('services/never-made', { k: 'v' }), 'ServiceNotFound', 404);
  });
});

describe('layers', () => {
  const layer = `node-layer-${process.pid}`;
  const svc = `node-layers-${process.pid}`;
  const arn = (v) => `acs:fc:cn-hangzhou:${accountId}:layers/${layer}/versions/${v}`;
  const layerZip = makeZip({ 'nodejs/node_modules/lib/index.js': 'module.exports = 1;\n' });

  it('publishes, reads and lists layer versions', async () => {
    const pub = await client.publishLayerVersion(layer, {
      code: { zipFile: layerZip.toString('base64') },
      compatibleRuntime: ['nodejs14', 'nodejs16'],
      description: 'shared code',
    });
    assert.equal(pub.data.version, 1);
    assert.equal(pub.data.layerName, layer);
    assert.equal(pub.data.codeChecksum, crc64(layerZip).toString());
    assert.equal(pub.data.codeSize, layerZip.length);
    assert.equal(pub.data.arnV2, arn(1));
    assert.deepEqual(pub.data.compatibleRuntime, ['nodejs14', 'nodejs16']);
    assert.equal(pub.data.code.repositoryType, 'OSS');
    assert.ok((await downloadCode(pub.data.code.location)).equals(layerZip), 'the location serves the layer');
    await client.publishLayerVersion(layer, { Code: { ZipFile: layerZip.toString('base64') }, CompatibleRuntime: ['nodejs14'] });

    const got = await client.getLayerVersion(layer, '2');
    assert.equal(got.data.version, 2);
    const byArn = await client.getLayerVersionByArn(arn(1));
    assert.equal(byArn.data.description, 'shared code');
    const layers = await client.listLayers({ prefix: layer });
    assert.deepEqual(layers.data.layers.map((l) => [l.layerName, l.version]), [[layer, 2]]);
    const versions = await client.listLayerVersions(layer, { limit: 1 });
    assert.deepEqual(versions.data.layers.map((l) => l.version), [1]);
    assert.equal(versions.data.nextVersion, 2);
  });

  it('lets a function name a layer version that exists, and no other', async () => {
    await client.createService(svc);
    const fn = await client.createFunction(svc, fnOptions('f', { layers: [arn(1)] }));
    assert.deepEqual(fn.data.layers, [arn(1)]);
    assert.deepEqual(fn.data.layersArnV2, [arn(1)]);
    await rejectsWith(client.createFunction(svc, fnOptions('g', { layers: [arn(9)] })), 'LayerVersionNotFound', 404);
    await rejectsWith(client.updateFunction(svc, 'f', { layers: ['not-an-arn'] }), 'InvalidArgument', 400);
  });

  it('refuses a runtime FC does not have', async () => {
    await rejectsWith(client.publishLayerVersion(layer, {
      code: { zipFile: layerZip.toString('base64') },
      compatibleRuntime: ['nodejs99'],
    }), 'InvalidArgument', 400);
  });

  it('deletes a layer version', async () => {
    const del = await client.deleteLayerVersion(layer, '1');
    assert.equal(del.data, '');
    await rejectsWith(client.getLayerVersion(layer, '1'), 'LayerVersionNotFound', 404);
  });
});

// @alicloud/fc2 has no methods for VPC bindings; its raw requests reach
// the 2021-04-06 paths under its own prefix.
describe('VPC bindings', () => {
  const svc = `node-bindings-${process.pid}`;

  before(() => client.createService(svc));

  it('binds, lists and unbinds VPCs', async () => {
    await client.post(`/services/${svc}/bindings`, { vpcId: 'vpc-b' });
    await client.post(`/services/${svc}/bindings`, { VpcId: 'vpc-a' });
    const list = await client.get(`/services/${svc}/bindings`);
    assert.deepEqual(list.data.vpcIds, ['vpc-a', 'vpc-b']);
    await client.delete(`/services/${svc}/bindings/vpc-b`);
    assert.deepEqual((await client.get(`/services/${svc}/bindings`)).data.vpcIds, ['vpc-a']);
  });

  it('refuses what is not a VPC id', async () => {
    await rejectsWith(client.post(`/services/${svc}/bindings`, { vpcId: 'sg-1' }), 'InvalidArgument', 400);
  });
});

describe('invocations and account settings', () => {
  const svc = `node-invoke-${process.pid}`;

  before(async () => {
    await withVersions(svc);
    await client.createAlias(svc, 'prod', '1');
  });

  it('echoes a synchronous invocation, through a qualifier too', async () => {
    const resp = await client.invokeFunction(svc, 'f', 'hello');
    assert.equal(resp.data, 'hello');
    assert.equal(resp.headers['x-fc-invocation-service-version'], 'LATEST');
    assert.match(resp.headers['x-fc-request-id'], /^.{36}$/);
    const prod = await client.invokeFunction(svc, 'f', 'hi', {}, 'prod');
    assert.equal(prod.headers['x-fc-invocation-service-version'], '1');
  });

  it('accepts an asynchronous invocation with 202 and no body', async () => {
    const resp = await client.invokeFunction(svc, 'f', Buffer.from('later'), { 'x-fc-invocation-type': 'Async' });
    assert.equal(resp.data, '');
  });

  it('refuses a log type FC does not have', async () => {
    await rejectsWith(client.invokeFunction(svc, 'f', 'x', { 'x-fc-log-type': 'Verbose' }), 'InvalidArgument', 400);
    await rejectsWith(client.invokeFunction(svc, 'f', 'x', { 'x-fc-invocation-type': 'Async', 'x-fc-log-type': 'Tail' }), 'InvalidArgument', 400);
  });

  it('reads the account settings', async () => {
    const resp = await client.getAccountSettings();
    assert.ok(Array.isArray(resp.data.availableAZs) && resp.data.availableAZs.length > 0);
    assert.equal(resp.data.defaultRole, `acs:ram::${accountId}:role/aliyunfcdefaultrole`);
  });
});
