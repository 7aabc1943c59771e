// Finds the handler _HANDLER names, as Lambda's Node.js runtime does: "[dir/]module.export[.nested]" relative to the
// task root; the module as CommonJS (no extension, .js, .cjs) or as an ES module (.mjs, or .js under a package.json of
// "type": "module").
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { HandlerNotFound, ImportModuleError, MalformedHandlerName, MalformedStreamingHandler,
  UserCodeSyntaxError } = require('./errors.cjs');

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
const STREAM_RESPONSE = 'response';
const DELIMITER = new Uint8Array(8);

/** awslambda.HttpResponseStream: a streamed HTTP answer's status and headers as a JSON prelude and eight zero bytes. */
class HttpResponseStream {
  static from(stream, prelude) {
    stream.setContentType('application/vnd.awslambda.http-integration-response');
    const metadata = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(DELIMITER);
    };
    return stream;
  }
}

/** The global awslambda object handlers use to stream, unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set. */
function defineAwsLambda() {
  const off = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (off === '1' || off === 'true') {
    return;
  }
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') {
        handler[HIGH_WATER_MARK] = parseInt(options.highWaterMark);
      }
      return handler;
    },
    HttpResponseStream,
  };
}

const requireIfThere = (file) => (fs.existsSync(file) ? require(file) : undefined);
const importIfThere = async (file) => (fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined);

/** Whether the nearest package.json above the directory says "type": "module" (none below node_modules counts). */
function typeModule(dir) {
  if (dir.endsWith('/node_modules')) {
    return false;
  }
  const manifest = path.join(dir, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      return JSON.parse(fs.readFileSync(manifest)).type === 'module';
    } catch (e) {
      console.warn(`${manifest} cannot be read, it will be ignored for ES module detection purposes.`, e);
      return false;
    }
  }
  const parent = path.dirname(dir);
  return parent !== dir && typeModule(parent);
}

async function loadModule(taskRoot, moduleRoot, module) {
  const file = path.resolve(taskRoot, moduleRoot, module);
  const extensionless = requireIfThere(file);
  if (extensionless) {
    return extensionless;
  }
  const esm = fs.existsSync(file + '.js') && typeModule(path.dirname(file + '.js'));
  if (!esm) {
    const commonJs = requireIfThere(file + '.js');
    if (commonJs) {
      return commonJs;
    }
  }
  const loaded = (esm && await importIfThere(file + '.js')) || await importIfThere(file + '.mjs')
    || requireIfThere(file + '.cjs');
  if (loaded) {
    return loaded;
  }
  // Not beside the task root: a package (node_modules, NODE_PATH) of that name.
  return require(require.resolve(module, { paths: [taskRoot, moduleRoot] }));
}

/** Loads the handler function; throws Lambda's Runtime.* errors for a name or module that does not do. */
async function loadHandler(taskRoot, handler) {
  if (handler.includes('..')) {
    throw new MalformedHandlerName(`'${handler}' is not a valid handler name. Use absolute paths when specifying`
      + ' root directories in handler names.');
  }
  const name = path.basename(handler);
  const moduleRoot = handler.substring(0, handler.indexOf(name));
  const parts = name.match(/^([^.]*)\.(.*)$/);
  if (!parts) {
    throw new MalformedHandlerName('Bad handler');
  }
  const [, module, exportPath] = parts;
  defineAwsLambda();
  let loaded;
  try {
    loaded = await loadModule(taskRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    }
    if (e?.code === 'MODULE_NOT_FOUND') {
      throw new ImportModuleError(e);
    }
    throw e;
  }
  const fn = exportPath.split('.').reduce((value, key) => value && value[key], loaded);
  if (!fn) {
    throw new HandlerNotFound(`${handler} is undefined or not exported`);
  }
  if (typeof fn !== 'function') {
    throw new HandlerNotFound(`${handler} is not a function`);
  }
  return fn;
}

/** How the handler wants to be called: streaming (and its buffer size), async, its number of parameters. */
function handlerShape(fn) {
  const marked = fn[STREAMING];
  if (marked !== undefined && marked !== null && marked !== false && marked !== STREAM_RESPONSE) {
    throw new MalformedStreamingHandler('Only response streaming is supported.');
  }
  const highWaterMark = parseInt(fn[HIGH_WATER_MARK]);
  return {
    streaming: marked === STREAM_RESPONSE,
    highWaterMark: isNaN(highWaterMark) ? undefined : highWaterMark,
    async: fn.constructor?.name === 'AsyncFunction',
    parameters: fn.length,
  };
}

module.exports = { loadHandler, handlerShape };
