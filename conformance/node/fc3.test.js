'use strict';

// Drives fc-emulator's 2023-03-30 dialect through the official FC 3.0
// Node.js SDK @alicloud/fc20230330 4.7.6, unmodified: ACS3 signatures over
// the SignedHeaders the SDK picks (x-acs-credentials-provider among them),
// every body sent chunked, errors read from Code/Message/RequestId, and
// every answer cast into the SDK's models (triggerConfig a string, layers
// [{arn, size}], tags {Key, Value}). conformance/node_test.go starts the
// emulator; FC_GO_CREATED_SERVICE/FUNCTION is an FC 2.0 function it made,
// which FC 3.0 must show as "svc$fn".
//
//   FC_ENDPOINT=http://127.0.0.1:PORT FC_ACCOUNT_ID=... FC_ACCESS_KEY_ID=... \
//   FC_ACCESS_KEY_SECRET=... node --test fc3.test.js

const { describe, it, before } = require('node:test');
const assert = require('node:assert/strict');
const { Readable } = require('node:stream');
const { crc64, makeZip } = require('./codezip');
const { fc, accessKeyID, accessKeySecret, client3: c, newClient3, functionArn, rejectsWith3 } = require('./harness3');

const goService = process.env.FC_GO_CREATED_SERVICE;
const goFunction = process.env.FC_GO_CREATED_FUNCTION;

const zipV1 = makeZip({ 'index.py': "def handler(event, context):\n    return 'v1'\n" });
const zipV2 = makeZip({ 'index.py': "def handler(event, context):\n    return 'v2'\n", 'lib.py': 'X = 1\n' });
const b64 = (zip) => zip.toString('base64');

const createFunction = (input) => c.createFunction(new fc.CreateFunctionRequest({ body: new fc.CreateFunctionInput(input) }));
const updateFunction = (name, input) =>
  c.updateFunction(name, new fc.UpdateFunctionRequest({ body: new fc.UpdateFunctionInput(input) }));
const getFunction = (name, qualifier) => c.getFunction(name, new fc.GetFunctionRequest({ qualifier }));
const pyFunction = (name, extra = {}) => ({
  functionName: name,
  runtime: 'python3.10',
  handler: 'index.handler',
  code: new fc.InputCodeLocation({ zipFile: b64(zipV1) }),
  ...extra,
});

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

// listAll follows nextToken from page to page and returns every item.
async function listAll(call, key, limit) {
  const items = [];
  const tokens = new Set();
  let nextToken;
  do {
    const body = (await call({ limit, nextToken })).body;
    assert.ok(body[key].length <= limit, `a page of ${body[key].length} items, limit ${limit}`);
    items.push(...body[key]);
    nextToken = body.nextToken;
    assert.ok(!tokens.has(nextToken), `nextToken ${nextToken} repeated`);
    tokens.add(nextToken);
  } while (nextToken);
  return items;
}

describe('signatures', () => {
  it('a wrong secret is refused with 403 SignatureNotMatch and changes nothing', async () => {
    const bad = newClient3(accessKeyID, `${accessKeySecret}-wrong`);
    await rejectsWith3(bad.createFunction(new fc.CreateFunctionRequest({ body: new fc.CreateFunctionInput(pyFunction('never')) })), 'SignatureNotMatch', 403);
    await rejectsWith3(getFunction('never'), 'FunctionNotFound', 404);
  });

  it('an unknown access key id is refused with 403 InvalidAccessKeyID', async () => {
    const unknown = newClient3(`${accessKeyID}-unknown`, accessKeySecret);
    await rejectsWith3(unknown.listFunctions(new fc.ListFunctionsRequest({})), 'InvalidAccessKeyID', 403);
  });

  it('an operation the emulator does not play is 400 PathNotSupported', async () => {
    await rejectsWith3(c.listInstances('anything', new fc.ListInstancesRequest({})), 'PathNotSupported', 400);
  });
});

describe('functions', () => {
  let created;
  before(async () => {
    created = (await createFunction(pyFunction('alpha', {
      environmentVariables: { STAGE: 'test' },
      tags: [new fc.Tag({ key: 'team', value: 'core' })],
    }))).body;
  });

  it('create answers the function with the defaults FC fills in', () => {
    assert.equal(created.functionName, 'alpha');
    assert.equal(created.functionArn, functionArn('alpha'));
    assert.equal(created.codeChecksum, crc64(zipV1).toString(), 'codeChecksum is the CRC-64 of the zip, as a string');
    assert.equal(created.codeSize, zipV1.length);
    assert.equal(created.timeout, 3);
    assert.equal(created.memorySize, 512);
    assert.equal(created.cpu, 0.35);
    assert.equal(created.diskSize, 512);
    assert.equal(created.internetAccess, true);
    assert.equal(created.state, 'Active');
    assert.equal(created.lastUpdateStatus, 'Successful');
    assert.deepEqual(created.layers, []);
    assert.deepEqual(created.environmentVariables, { STAGE: 'test' });
    assert.deepEqual(created.tags.map((t) => [t.key, t.value]), [['team', 'core']]);
    assert.equal(created.vpcConfig.vpcId, '');
    assert.ok(created.createdTime && created.lastModifiedTime);
  });

  it('a second create is 409 FunctionAlreadyExists', async () => {
    await rejectsWith3(createFunction(pyFunction('alpha')), 'FunctionAlreadyExists', 409);
  });

  it('names with $ (FC 2.0 functions) cannot be made', async () => {
    await rejectsWith3(createFunction(pyFunction('svc$fn')), 'InvalidArgument', 400);
    await rejectsWith3(createFunction(pyFunction('9lives')), 'InvalidArgument', 400);
  });

  it('invalid values are refused with 400 InvalidArgument', async () => {
    await rejectsWith3(createFunction(pyFunction('bad', { memorySize: 100 })), 'InvalidArgument', 400);
    await rejectsWith3(createFunction(pyFunction('bad', { memorySize: 8192, cpu: 1 })), 'InvalidArgument', 400);
    await rejectsWith3(createFunction(pyFunction('bad', { runtime: 'cobol' })), 'InvalidArgument', 400);
    await rejectsWith3(createFunction(pyFunction('bad', { instanceConcurrency: 5 })), 'InvalidArgument', 400);
    await rejectsWith3(createFunction({ functionName: 'bad', runtime: 'python3.10', handler: 'index.handler' }), 'InvalidArgument', 400);
    await rejectsWith3(createFunction(pyFunction('bad', { code: new fc.InputCodeLocation({ zipFile: b64(zipV1), checksum: '1' }) })), 'InvalidArgument', 400);
    await rejectsWith3(getFunction('bad'), 'FunctionNotFound', 404);
  });

  it('update changes the fields sent and moves lastModifiedTime', async () => {
    const before = (await getFunction('alpha')).body;
    const updated = (await updateFunction('alpha', { description: 'second', memorySize: 1024, cpu: 0.5 })).body;
    assert.equal(updated.description, 'second');
    assert.equal(updated.memorySize, 1024);
    assert.deepEqual(updated.environmentVariables, { STAGE: 'test' }, 'fields not sent are kept');
    assert.ok(updated.lastModifiedTime > before.lastModifiedTime, `${updated.lastModifiedTime} after ${before.lastModifiedTime}`);
    const again = (await updateFunction('alpha', { description: 'second' })).body;
    assert.ok(again.lastModifiedTime > updated.lastModifiedTime, 'an update that changes nothing still moves it');
  });

  it('new code changes codeChecksum, and GetFunctionCode serves that zip', async () => {
    const updated = (await updateFunction('alpha', { code: new fc.InputCodeLocation({ zipFile: b64(zipV2) }) })).body;
    assert.equal(updated.codeChecksum, crc64(zipV2).toString());
    const code = (await c.getFunctionCode('alpha', new fc.GetFunctionCodeRequest({}))).body;
    assert.equal(code.checksum, crc64(zipV2).toString());
    const resp = await fetch(code.url);
    assert.equal(resp.status, 200);
    assert.deepEqual(Buffer.from(await resp.arrayBuffer()), zipV2);
  });

  it('InvokeFunction sends its event chunked and gets it back', async () => {
    const event = Buffer.from(JSON.stringify({ hello: 'world' }));
    const resp = await c.invokeFunction('alpha', new fc.InvokeFunctionRequest({ body: Readable.from([event]) }));
    assert.equal(resp.statusCode, 200);
    assert.deepEqual(await readAll(resp.body), event);
    assert.equal(resp.headers['x-fc-code-checksum'], crc64(zipV2).toString());
  });

  it('ListFunctions pages with nextToken, and fcVersion tells FC 2.0 from FC 3.0', async () => {
    for (const name of ['beta', 'gamma', 'delta']) await createFunction(pyFunction(name, { runtime: 'python3.9' }));
    const all = await listAll((q) => c.listFunctions(new fc.ListFunctionsRequest(q)), 'functions', 2);
    const names = all.map((f) => f.functionName);
    assert.deepEqual(names, [...names].sort());
    for (const name of ['alpha', 'beta', 'delta', 'gamma', `${goService}$${goFunction}`]) assert.ok(names.includes(name), name);
    assert.equal(all[0].state, undefined, 'list items lack the state fields');
    const v3 = (await c.listFunctions(new fc.ListFunctionsRequest({ fcVersion: 'v3', limit: 100 }))).body.functions;
    assert.ok(v3.every((f) => !f.functionName.includes('$')));
    const v2 = (await c.listFunctions(new fc.ListFunctionsRequest({ fcVersion: 'v2', limit: 100 }))).body.functions;
    assert.deepEqual(v2.map((f) => f.functionName), [`${goService}$${goFunction}`]);
    const py39 = (await c.listFunctions(new fc.ListFunctionsRequest({ runtime: 'python3.9', prefix: 'd' }))).body.functions;
    assert.deepEqual(py39.map((f) => f.functionName), ['delta']);
    await rejectsWith3(c.listFunctions(new fc.ListFunctionsRequest({ limit: 101 })), 'InvalidArgument', 400);
  });

  it('delete answers 204 and the function is gone', async () => {
    const resp = await c.deleteFunction('delta');
    assert.equal(resp.statusCode, 204);
    await rejectsWith3(getFunction('delta'), 'FunctionNotFound', 404);
    await rejectsWith3(c.deleteFunction('delta'), 'FunctionNotFound', 404);
  });
});

describe('FC 2.0 functions through FC 3.0', () => {
  const name = `${goService}$${goFunction}`;

  it('read as svc$fn with the service settings merged in', async () => {
    const f = (await getFunction(name)).body;
    assert.equal(f.functionName, name);
    assert.equal(f.functionArn, functionArn(name));
    assert.equal(typeof f.codeChecksum, 'string');
    assert.equal(f.role, '');
  });

  it('update the fields both APIs share', async () => {
    const f = (await updateFunction(name, { description: 'via fc3' })).body;
    assert.equal(f.description, 'via fc3');
  });

  it('a missing FC 2.0 function or service is 404 FunctionNotFound', async () => {
    await rejectsWith3(getFunction(`${goService}$nope`), 'FunctionNotFound', 404);
    await rejectsWith3(getFunction('nope$nope'), 'FunctionNotFound', 404);
  });
});

describe('triggers', () => {
  const httpConfig = { authType: 'anonymous', methods: ['GET', 'POST'] };
  const createTrigger = (fn, input) => c.createTrigger(fn, new fc.CreateTriggerRequest({ body: new fc.CreateTriggerInput(input) }));

  it('create, read, update, list and delete, triggerConfig a JSON string', async () => {
    const t = (await createTrigger('alpha', { triggerName: 'web', triggerType: 'http', triggerConfig: JSON.stringify(httpConfig) })).body;
    assert.equal(typeof t.triggerConfig, 'string');
    assert.deepEqual(JSON.parse(t.triggerConfig), httpConfig);
    assert.equal(t.qualifier, 'LATEST');
    assert.ok(t.httpTrigger.urlInternet);
    await createTrigger('alpha', { triggerName: 'tick', triggerType: 'timer', triggerConfig: JSON.stringify({ cronExpression: '@every 5m', enable: true }) });
    await rejectsWith3(createTrigger('alpha', { triggerName: 'web', triggerType: 'http', triggerConfig: JSON.stringify(httpConfig) }), 'TriggerAlreadyExists', 409);
    await rejectsWith3(createTrigger('alpha', { triggerName: 'bad', triggerType: 'timer', triggerConfig: JSON.stringify({ cronExpression: 'sometimes' }) }), 'InvalidArgument', 400);
    await rejectsWith3(createTrigger('nope', { triggerName: 't', triggerType: 'timer', triggerConfig: '{}' }), 'FunctionNotFound', 404);

    const updated = (await c.updateTrigger('alpha', 'web', new fc.UpdateTriggerRequest({
      body: new fc.UpdateTriggerInput({ triggerConfig: JSON.stringify({ authType: 'function', methods: ['GET'] }), description: 'd' }),
    }))).body;
    assert.equal(JSON.parse(updated.triggerConfig).authType, 'function');
    assert.ok(updated.lastModifiedTime > t.lastModifiedTime);
    assert.equal((await c.getTrigger('alpha', 'web')).body.description, 'd');

    const all = await listAll((q) => c.listTriggers('alpha', new fc.ListTriggersRequest(q)), 'triggers', 1);
    assert.deepEqual(all.map((x) => x.triggerName), ['tick', 'web']);
    assert.equal((await c.deleteTrigger('alpha', 'tick')).statusCode, 204);
    await rejectsWith3(c.getTrigger('alpha', 'tick'), 'TriggerNotFound', 404);
  });
});

describe('versions and aliases', () => {
  const createAlias = (fn, input) => c.createAlias(fn, new fc.CreateAliasRequest({ body: new fc.CreateAliasInput(input) }));
  const publish = (fn, description) =>
    c.publishFunctionVersion(fn, new fc.PublishFunctionVersionRequest({ body: new fc.PublishVersionInput({ description }) }));

  it('publish, list, alias, read through the alias, delete', async () => {
    await createFunction(pyFunction('versioned', { description: 'one' }));
    const v1 = (await publish('versioned', 'first')).body;
    assert.equal(v1.versionId, '1');
    await rejectsWith3(publish('versioned', 'nothing changed'), 'InvalidArgument', 400);
    await updateFunction('versioned', { description: 'two' });
    const v2 = (await publish('versioned', 'second')).body;
    assert.equal(v2.versionId, '2');
    const versions = await listAll((q) => c.listFunctionVersions('versioned', new fc.ListFunctionVersionsRequest(q)), 'versions', 1);
    assert.deepEqual(versions.map((v) => v.versionId), ['2', '1'], 'BACKWARD, newest first');

    const a = (await createAlias('versioned', { aliasName: 'prod', versionId: '1', additionalVersionWeight: { 2: 0.1 } })).body;
    assert.equal(a.versionId, '1');
    assert.deepEqual(a.additionalVersionWeight, { 2: 0.1 });
    await rejectsWith3(createAlias('versioned', { aliasName: 'prod', versionId: '1' }), 'AliasAlreadyExists', 409);
    await rejectsWith3(createAlias('versioned', { aliasName: 'next', versionId: '9' }), 'VersionNotFound', 404);
    assert.equal((await getFunction('versioned', 'prod')).body.description, 'one', 'the alias reads version 1');
    assert.equal((await getFunction('versioned', '2')).body.description, 'two');
    await rejectsWith3(getFunction('versioned', 'staging'), 'AliasNotFound', 404);

    const moved = (await c.updateAlias('versioned', 'prod', new fc.UpdateAliasRequest({
      body: new fc.UpdateAliasInput({ versionId: '2', additionalVersionWeight: {} }),
    }))).body;
    assert.equal(moved.versionId, '2');
    assert.equal((await c.getAlias('versioned', 'prod')).body.versionId, '2');
    assert.deepEqual((await c.listAliases('versioned', new fc.ListAliasesRequest({}))).body.aliases.map((x) => x.aliasName), ['prod']);
    await rejectsWith3(c.deleteFunctionVersion('versioned', '2'), 'InvalidArgument', 400);
    assert.equal((await c.deleteFunctionVersion('versioned', '1')).statusCode, 204);
    assert.equal((await c.deleteAlias('versioned', 'prod')).statusCode, 204);
    await rejectsWith3(c.getAlias('versioned', 'prod'), 'AliasNotFound', 404);
  });
});

describe('configurations', () => {
  it('concurrency: put, get, list, delete', async () => {
    const put = (await c.putConcurrencyConfig('alpha', new fc.PutConcurrencyConfigRequest({
      body: new fc.PutConcurrencyInput({ reservedConcurrency: 7 }),
    }))).body;
    assert.deepEqual([put.functionArn, put.reservedConcurrency], [functionArn('alpha'), 7]);
    assert.equal((await c.getConcurrencyConfig('alpha')).body.reservedConcurrency, 7);
    await c.putConcurrencyConfig('beta', new fc.PutConcurrencyConfigRequest({ body: new fc.PutConcurrencyInput({ reservedConcurrency: 1 }) }));
    const all = await listAll((q) => c.listConcurrencyConfigs(new fc.ListConcurrencyConfigsRequest(q)), 'configs', 1);
    assert.deepEqual(all.map((x) => x.functionArn), [functionArn('alpha'), functionArn('beta')]);
    assert.equal((await c.deleteConcurrencyConfig('alpha')).statusCode, 204);
    await rejectsWith3(c.getConcurrencyConfig('alpha'), 'OnDemandConfigNotFound', 404);
  });

  it('provision: put, get, list, delete per qualifier', async () => {
    const put = (await c.putProvisionConfig('alpha', new fc.PutProvisionConfigRequest({
      qualifier: 'LATEST', body: new fc.PutProvisionConfigInput({ defaultTarget: 2, alwaysAllocateCPU: false }),
    }))).body;
    assert.deepEqual([put.target, put.defaultTarget, put.current, put.alwaysAllocateCPU], [2, 2, 2, false]);
    const got = (await c.getProvisionConfig('alpha', new fc.GetProvisionConfigRequest({}))).body;
    assert.equal(got.target, 2);
    const list = (await c.listProvisionConfigs(new fc.ListProvisionConfigsRequest({ functionName: 'alpha' }))).body.provisionConfigs;
    assert.equal(list.length, 1);
    await rejectsWith3(c.putProvisionConfig('alpha', new fc.PutProvisionConfigRequest({
      qualifier: 'LATEST', body: new fc.PutProvisionConfigInput({ target: 10001 }),
    })), 'InvalidArgument', 400);
    await rejectsWith3(c.deleteFunction('alpha'), 'ProvisionConfigExist', 400);
    assert.equal((await c.deleteProvisionConfig('alpha', new fc.DeleteProvisionConfigRequest({ qualifier: 'LATEST' }))).statusCode, 204);
    assert.equal((await c.getProvisionConfig('alpha', new fc.GetProvisionConfigRequest({}))).body.target, 0);
  });

  it('async invocation: put, get, list, delete', async () => {
    await rejectsWith3(c.getAsyncInvokeConfig('alpha', new fc.GetAsyncInvokeConfigRequest({})), 'AsyncConfigNotExists', 404);
    const dest = `acs:mns:cn-hangzhou:123:/queues/q/messages`;
    const put = (await c.putAsyncInvokeConfig('alpha', new fc.PutAsyncInvokeConfigRequest({
      body: new fc.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 1, destinationConfig: { onFailure: { destination: dest } } }),
    }))).body;
    assert.equal(put.maxAsyncRetryAttempts, 1);
    assert.equal(put.maxAsyncEventAgeInSeconds, 86400);
    assert.equal(put.destinationConfig.onFailure.destination, dest);
    await rejectsWith3(c.putAsyncInvokeConfig('alpha', new fc.PutAsyncInvokeConfigRequest({
      body: new fc.PutAsyncInvokeConfigInput({ maxAsyncRetryAttempts: 9 }),
    })), 'InvalidArgument', 400);
    const list = (await c.listAsyncInvokeConfigs(new fc.ListAsyncInvokeConfigsRequest({}))).body.configs;
    assert.deepEqual(list.map((x) => x.functionArn), [functionArn('alpha')]);
    assert.equal((await c.deleteAsyncInvokeConfig('alpha', new fc.DeleteAsyncInvokeConfigRequest({}))).statusCode, 204);
  });

  it('VPC bindings: create, list, delete', async () => {
    const resp = await c.createVpcBinding('alpha', new fc.CreateVpcBindingRequest({ body: new fc.CreateVpcBindingInput({ vpcId: 'vpc-1' }) }));
    assert.equal(resp.statusCode, 204);
    assert.deepEqual((await c.listVpcBindings('alpha')).body.vpcIds, ['vpc-1']);
    assert.equal((await c.deleteVpcBinding('alpha', 'vpc-1')).statusCode, 204);
    assert.deepEqual((await c.listVpcBindings('alpha')).body.vpcIds, []);
  });
});

describe('custom domains', () => {
  it('routes name a function and a qualifier; create, read, update, list, delete', async () => {
    const routeConfig = { routes: [{ path: '/api/*', functionName: 'alpha', qualifier: 'LATEST', methods: ['GET'] }] };
    const d = (await c.createCustomDomain(new fc.CreateCustomDomainRequest({
      body: new fc.CreateCustomDomainInput({ domainName: 'api.example.com', protocol: 'HTTP', routeConfig }),
    }))).body;
    assert.equal(d.apiVersion, '2023-03-30');
    assert.equal(d.routeConfig.routes[0].functionName, 'alpha');
    await rejectsWith3(c.createCustomDomain(new fc.CreateCustomDomainRequest({
      body: new fc.CreateCustomDomainInput({ domainName: 'api.example.com' }),
    })), 'DomainNameAlreadyExists', 409);
    await rejectsWith3(c.createCustomDomain(new fc.CreateCustomDomainRequest({
      body: new fc.CreateCustomDomainInput({ domainName: 'x.example.com', routeConfig: { routes: [{ path: '/' }] } }),
    })), 'InvalidArgument', 400);
    const updated = (await c.updateCustomDomain('api.example.com', new fc.UpdateCustomDomainRequest({
      body: new fc.UpdateCustomDomainInput({ routeConfig: { routes: [...routeConfig.routes, { path: '/v2/*', functionName: 'beta', qualifier: 'LATEST' }] } }),
    }))).body;
    assert.deepEqual(updated.routeConfig.routes.map((r) => r.functionName), ['alpha', 'beta']);
    assert.equal((await c.getCustomDomain('api.example.com')).body.routeConfig.routes.length, 2);
    const list = (await c.listCustomDomains(new fc.ListCustomDomainsRequest({}))).body.customDomains;
    assert.deepEqual(list.map((x) => x.domainName), ['api.example.com']);
    assert.equal((await c.deleteCustomDomain('api.example.com')).statusCode, 204);
    await rejectsWith3(c.getCustomDomain('api.example.com'), 'DomainNameNotFound', 404);
  });
});

describe('layers', () => {
  it('publish versions, list them, read by ARN, and name them on a function', async () => {
    const publish = () => c.createLayerVersion('shared', new fc.CreateLayerVersionRequest({
      body: new fc.CreateLayerVersionInput({ code: new fc.InputCodeLocation({ zipFile: b64(zipV1) }), compatibleRuntime: ['python3.10'], description: 'd' }),
    }));
    const l1 = (await publish()).body;
    const l2 = (await publish()).body;
    assert.deepEqual([l1.version, l2.version], [1, 2]);
    assert.equal(l1.codeChecksum, crc64(zipV1).toString());
    const byArn = (await c.getLayerVersionByArn(l2.layerVersionArn)).body;
    assert.equal(byArn.version, 2);
    const page = (await c.listLayerVersions('shared', new fc.ListLayerVersionsRequest({ limit: 1 }))).body;
    assert.deepEqual([page.layers.length, page.nextVersion], [1, 2]);
    assert.deepEqual((await c.listLayers(new fc.ListLayersRequest({}))).body.layers.map((x) => x.layerName), ['shared']);
    const f = (await updateFunction('beta', { layers: [l1.layerVersionArn] })).body;
    assert.deepEqual(f.layers.map((x) => [x.arn, x.size]), [[l1.layerVersionArn, zipV1.length]]);
    await rejectsWith3(updateFunction('beta', { layers: [`${l1.layerVersionArn}9`] }), 'LayerVersionNotFound', 404);
  });
});

describe('tags', () => {
  it('TagResources, ListTagResources, UntagResources on function ARNs', async () => {
    const before = (await getFunction('beta')).body;
    const tag = new fc.TagResourcesRequest({
      body: new fc.TagResourcesInput({
        resourceType: 'function', resourceId: [functionArn('beta')],
        tag: [new fc.Tag({ key: 'env', value: 'prod' }), new fc.Tag({ key: 'owner', value: 'ops' })],
      }),
    });
    assert.equal((await c.tagResources(tag)).statusCode, 204);
    const after = (await getFunction('beta')).body;
    assert.deepEqual(after.tags.map((t) => `${t.key}=${t.value}`), ['env=prod', 'owner=ops']);
    assert.ok(after.lastModifiedTime > before.lastModifiedTime);
    const rows = (await c.listTagResources(new fc.ListTagResourcesRequest({
      resourceType: 'function', resourceId: [functionArn('beta')], limit: 1,
    }))).body;
    assert.equal(rows.tagResources.length, 1);
    assert.ok(rows.nextToken);
    const filtered = (await c.listTagResources(new fc.ListTagResourcesRequest({
      resourceType: 'function', tag: [new fc.ListTagResourcesRequestTag({ key: 'team', value: 'core' })],
    }))).body;
    assert.deepEqual(filtered.tagResources.map((r) => r.resourceId), [functionArn('alpha')]);
    await c.untagResources(new fc.UntagResourcesRequest({ resourceType: 'function', resourceId: [functionArn('beta')], tagKey: ['env'] }));
    assert.deepEqual((await getFunction('beta')).body.tags.map((t) => t.key), ['owner']);
    await rejectsWith3(c.untagResources(new fc.UntagResourcesRequest({ resourceType: 'bucket', resourceId: [functionArn('beta')], tagKey: ['x'] })), 'InvalidArgument', 400);
  });
});
