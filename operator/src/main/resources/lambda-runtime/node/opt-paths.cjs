// Code written for Lambda loads modules from its layers by absolute paths under /opt. Local mode has no /opt: each
// function's layers are unpacked into a directory of its own, named by LAMINA_OPT. With it set, `require` and
// `import` of /opt/... read from there (other file access under /opt is not redirected).
'use strict';

const Module = require('node:module');
const { pathToFileURL } = require('node:url');

function mapOptPaths(opt) {
  if (!opt) {
    return;
  }
  const local = (request) => (request === '/opt' || request.startsWith('/opt/') ? opt + request.slice(4) : request);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolveFilename.call(this, local(request), ...rest);
  };
  Module.register('./opt-hooks.mjs', pathToFileURL(__filename), { data: { opt } });
}

module.exports = { mapOptPaths };
