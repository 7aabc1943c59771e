// The Lambda Runtime API at AWS_LAMBDA_RUNTIME_API: the next event, an invocation's response (whole or streamed),
// its error, and an init error.
'use strict';

const http = require('node:http');
const { errorDocument, InvalidStreamingOperation } = require('./errors.cjs');

const BASE = '/2018-06-01/runtime';
const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';

class RuntimeApi {
  constructor(address) {
    const separator = address.lastIndexOf(':');
    this.host = address.slice(0, separator);
    this.port = Number(address.slice(separator + 1));
    // Idle kept-alive sockets are unreferenced: they never keep the event loop from running empty.
    this.agent = new http.Agent({ keepAlive: true });
  }

  /** Waits for the next event: its body (JSON text) and headers. */
  next() {
    return new Promise((resolve, reject) => {
      const request = http.request(this.#options('GET', `${BASE}/invocation/next`), (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => response.statusCode === 200
          ? resolve({ body: Buffer.concat(chunks).toString('utf8'), headers: response.headers })
          : reject(new Error(`The Runtime API answered ${response.statusCode} to next: ${Buffer.concat(chunks)}`)));
      });
      request.on('error', reject);
      request.end();
    });
  }

  /** Posts the handler's result as JSON (undefined as null); throws at once when it has no JSON form. */
  respond(requestId, result) {
    let body;
    try {
      body = JSON.stringify(result === undefined ? null : result);
    } catch {
      throw new Error('Unable to stringify response body');
    }
    return this.#post(`${BASE}/invocation/${encodeURIComponent(requestId)}/response`, body, {});
  }

  fail(requestId, error) {
    const document = errorDocument(error);
    return this.#post(`${BASE}/invocation/${encodeURIComponent(requestId)}/error`, JSON.stringify(document),
      { [ERROR_TYPE]: document.errorType });
  }

  initError(error) {
    const document = errorDocument(error);
    return this.#post(`${BASE}/init/error`, JSON.stringify(document), { [ERROR_TYPE]: document.errorType });
  }

  /**
   * A response streamed to the Runtime API as it is written: a writable stream for the handler, a promise settled
   * when the Runtime API has answered, and a way to end the stream with an error (sent as trailers).
   */
  stream(requestId, highWaterMark) {
    const request = http.request({
      ...this.#options('POST', `${BASE}/invocation/${encodeURIComponent(requestId)}/response`),
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: `${ERROR_TYPE}, ${ERROR_BODY}`,
        'Content-Type': 'application/octet-stream',
      },
      highWaterMark,
    });
    const answered = new Promise((resolve, reject) => {
      request.on('response', (response) => {
        response.resume();
        response.on('end', resolve);
        response.on('aborted', reject);
      });
      request.on('error', reject);
    });
    let written = false;
    const write = request.write.bind(request);
    request.setContentType = (contentType) => {
      if (written) {
        throw new InvalidStreamingOperation('Cannot set content-type, too late.');
      }
      request.setHeader('Content-Type', contentType);
    };
    request.write = (chunk, encoding, callback) => {
      if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk) && chunk?.constructor !== Uint8Array) {
        chunk = JSON.stringify(chunk);
      }
      if (!written && typeof request._onBeforeFirstWrite === 'function') {
        request._onBeforeFirstWrite((prelude) => write(prelude));
      }
      written = true;
      return write(chunk, encoding, callback);
    };
    const fail = (error) => new Promise((resolve) => {
      const document = errorDocument(error);
      request.addTrailers({
        [ERROR_TYPE]: document.errorType,
        [ERROR_BODY]: Buffer.from(JSON.stringify(document)).toString('base64'),
      });
      request.end(resolve);
    });
    return { stream: writableOnly(request), answered, fail };
  }

  #options(method, path) {
    return { host: this.host, port: this.port, method, path, agent: this.agent };
  }

  #post(path, body, headers) {
    return new Promise((resolve, reject) => {
      const request = http.request({
        ...this.#options('POST', path),
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
      }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end(body);
    });
  }
}

const METHODS = ['cork', 'destroy', 'end', 'uncork', 'write', 'addListener', 'emit', 'eventNames', 'getMaxListeners',
  'listenerCount', 'listeners', 'off', 'on', 'once', 'prependListener', 'prependOnceListener', 'rawListeners',
  'removeAllListeners', 'removeListener', 'setMaxListeners', 'setContentType'];
const READ_WRITE = ['destroyed', 'writable', '_onBeforeFirstWrite'];
const READ_ONLY = ['writableFinished', 'writableObjectMode', 'writableBuffer', 'writableEnded', 'writableNeedDrain',
  'writableHighWaterMark', 'writableCorked', 'writableLength'];

/** What a streaming handler gets: the request's writable side only, not its HTTP details. */
function writableOnly(request) {
  const stream = Object.fromEntries(METHODS.map((name) => [name, request[name].bind(request)]));
  for (const name of READ_WRITE) {
    Object.defineProperty(stream, name, { get: () => request[name], set: (value) => { request[name] = value; } });
  }
  for (const name of READ_ONLY) {
    Object.defineProperty(stream, name, { get: () => request[name] });
  }
  return stream;
}

module.exports = { RuntimeApi };
