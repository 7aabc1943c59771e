// console.* as Lambda's Node.js runtime writes it: one line per call on stdout, in the text format
// (timestamp, request id, level, message) or, when AWS_LAMBDA_LOG_FORMAT is JSON, as a JSON object per line; lines
// below AWS_LAMBDA_LOG_LEVEL are dropped. A message's own line breaks become carriage returns so that it stays one
// log line.
'use strict';

const util = require('node:util');
const { asError, errorText } = require('./errors.cjs');

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const JSON_FORMAT = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';

let requestId;

/** The request id the following lines carry (undefined during init, as on Lambda). */
function setRequestId(id) {
  requestId = id;
}

function errorFields(error) {
  return {
    errorType: error?.constructor?.name ?? 'UnknownError',
    errorMessage: error.message,
    stackTrace: typeof error.stack === 'string' ? error.stack.split('\n') : error.stack,
  };
}

function jsonLine(timestamp, level, params) {
  const line = { timestamp, level, requestId };
  if (params.length === 1) {
    line.message = params[0];
    try {
      return JSON.stringify(line, (key, value) => value instanceof Error
        ? Object.assign(errorFields(value), value) : value);
    } catch {
      line.message = util.format(line.message);
      return JSON.stringify(line);
    }
  }
  line.message = util.format(...params);
  const error = params.find((p) => p instanceof Error);
  if (error) {
    Object.assign(line, errorFields(error));
    line.stackTrace ??= [];
  }
  return JSON.stringify(line);
}

function write(level, params) {
  const timestamp = new Date().toISOString();
  const line = JSON_FORMAT ? jsonLine(timestamp, level, params)
    : `${timestamp}\t${requestId}\t${level}\t${util.format(...params)}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

/** Replaces console's log, info, warn, error, debug, trace and adds fatal. */
function patchConsole() {
  const configured = LEVELS.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase());
  const lowest = configured < 0 ? 0 : configured;
  const logger = (level) => LEVELS.indexOf(level) >= lowest || level === 'FATAL'
    ? (...params) => write(level, params) : () => {};
  console.trace = logger('TRACE');
  console.debug = logger('DEBUG');
  console.info = logger('INFO');
  console.log = console.info;
  console.warn = logger('WARN');
  console.error = logger('ERROR');
  console.fatal = logger('FATAL');
}

/** An error the runtime reports (an invocation's, or one during init), logged at ERROR after a title. */
function logError(title, error) {
  if (JSON_FORMAT) {
    console.error(asError(error));
  } else {
    console.error(title, errorText(asError(error)));
  }
}

module.exports = { setRequestId, patchConsole, logError };
