'use strict';

// What the conformance test files share: the emulator's address and keys
// from the environment (set by conformance/node_test.go), an @alicloud/fc2
// client, and how FC's errors look through it.

const assert = require('node:assert/strict');
const FC = require('@alicloud/fc2');

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`conformance: environment variable ${name} is not set`);
  }
  return value;
};

const endpoint = env('FC_ENDPOINT');
const accountId = env('FC_ACCOUNT_ID');
const accessKeyID = env('FC_ACCESS_KEY_ID');
const accessKeySecret = env('FC_ACCESS_KEY_SECRET');

const newClient = (keyID, secret, securityToken) =>
  new FC(accountId, {
    accessKeyID: keyID,
    accessKeySecret: secret,
    securityToken,
    region: 'cn-hangzhou',
    endpoint,
    timeout: 10000,
  });

const client = newClient(accessKeyID, accessKeySecret);

// rejectsWith asserts that promise fails the way fc2 reports an FC error:
// err.code is the ErrorCode, and the message carries the HTTP status and the
// X-Fc-Request-Id (36 characters, as FC's request ids are).
async function rejectsWith(promise, code, status) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `error code (message: ${err.message})`);
    assert.equal(err.name, `FC${code}Error`);
    assert.match(err.message, new RegExp(` failed with ${status}\\. `));
    assert.match(err.message, /requestid: [^ ,]{36}, /);
    return true;
  });
}

// downloadCode fetches a code URL FC returned, with no signature, as FC's
// (OSS) code URLs are fetched.
async function downloadCode(url) {
  const resp = await fetch(url);
  assert.equal(resp.status, 200, `GET ${url}`);
  return Buffer.from(await resp.arrayBuffer());
}

module.exports = { accountId, accessKeyID, accessKeySecret, client, newClient, rejectsWith, downloadCode };
