'use strict';

// What the FC 3.0 files share (fc3.test.js, console3.js): an unmodified
// @alicloud/fc20230330 client on the emulator, configured as the reference
// says a custom endpoint is (fc3-api.md 1.1: a bare host:port and the
// protocol apart), and how FC 3.0's errors look through it.

const assert = require('node:assert/strict');
const fc = require('@alicloud/fc20230330');
const { $OpenApiUtil } = require('@alicloud/openapi-core');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`conformance: environment variable ${name} is not set`);
  return value;
};

const endpointURL = new URL(env('FC_ENDPOINT'));
const accountId = env('FC_ACCOUNT_ID');
const accessKeyID = env('FC_ACCESS_KEY_ID');
const accessKeySecret = env('FC_ACCESS_KEY_SECRET');
const region = 'cn-hangzhou';

const newClient3 = (keyID, secret) =>
  new fc.default(
    new $OpenApiUtil.Config({
      accessKeyId: keyID,
      accessKeySecret: secret,
      endpoint: endpointURL.host,
      protocol: endpointURL.protocol.replace(':', ''),
      readTimeout: 10000,
    }),
  );

const client3 = newClient3(accessKeyID, accessKeySecret);

const functionArn = (name) => `acs:fc:${region}:${accountId}:functions/${name}`;

// rejectsWith3 asserts that promise fails the way the FC 3.0 SDK reports an
// FC error body {Code, Message, RequestId}: err.code and err.statusCode,
// and the request id in the message.
async function rejectsWith3(promise, code, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `error code (message: ${err.message})`);
    assert.equal(err.statusCode, status, `status (message: ${err.message})`);
    assert.match(err.message, new RegExp(`^${code}: code: ${status}, .+ request id: [^ ]{36}$`));
    return true;
  });
}

module.exports = { fc, accountId, accessKeyID, accessKeySecret, region, client3, newClient3, functionArn, rejectsWith3 };
