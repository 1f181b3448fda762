// `node --require` this to run as if the packages named in HIDE_PACKAGES (comma-separated) were
// not installed: resolving them throws MODULE_NOT_FOUND, as on a machine without them.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: require is how it loads */
const Module = require('node:module');

const hidden = new Set((process.env.HIDE_PACKAGES ?? '').split(',').filter(Boolean));
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0];
  if (hidden.has(name)) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
