// Errors the runtime raises itself, named as Lambda's Node.js runtime names them, and the error document sent to the
// Runtime API.
'use strict';

const util = require('node:util');

/** A handler module that is not there: the message is the loader's whole error, as text. */
class ImportModuleError extends Error {
  constructor(cause) {
    super(String(cause));
  }
}

class UserCodeSyntaxError extends Error {
  constructor(cause) {
    super(String(cause));
    this.stack = cause.stack;
  }
}

class HandlerNotFound extends Error {
}

class MalformedHandlerName extends Error {
}

class MalformedStreamingHandler extends Error {
}

class InvalidStreamingOperation extends Error {
}

class CallbackHandlerDeprecated extends Error {
}

class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}

/** An async handler whose promise never settled: the event loop ran empty before it did. */
class NodeJsExit extends Error {
  constructor() {
    super('The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a'
      + ' Promise that was never settled. For more information, see'
      + ' https://nodejs.org/docs/latest/api/process.html#exit-codes');
  }
}

function errorLike(value) {
  return value && typeof value.name === 'string' && typeof value.message === 'string'
    && typeof value.stack === 'string' && value.name && value.message && value.stack;
}

const noDel = (text) => text?.replaceAll('\x7F', '%7F');

/**
 * The document posted to /error and /init/error (and as a stream's error trailer): errorType, errorMessage and the
 * stack's lines as trace. Anything thrown that is not an error is described by its type and its text.
 */
function errorDocument(error) {
  try {
    if (util.types.isNativeError(error) || errorLike(error)) {
      return { errorType: noDel(error.name), errorMessage: noDel(error.message), trace: noDel(error.stack).split('\n') };
    }
    return { errorType: typeof error, errorMessage: error.toString(), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of'
        + ' its message, name, and stack',
    };
  }
}

function asError(value) {
  return value instanceof Error ? value : new Error(value);
}

// The name lives on the prototype, as for built-in errors, so it is no field of an error's JSON.
for (const type of [ImportModuleError, UserCodeSyntaxError, HandlerNotFound, MalformedHandlerName,
  MalformedStreamingHandler, InvalidStreamingOperation, CallbackHandlerDeprecated, UnhandledPromiseRejection,
  NodeJsExit]) {
  type.prototype.name = `Runtime.${type.name}`;
}

/** An error for a text log line: a tab, then its JSON with name, message, code, the stack's lines and own fields. */
function errorText(error) {
  try {
    return '\t' + JSON.stringify(error, (key, value) => {
      if (!(value instanceof Error)) {
        return value;
      }
      const described = Object.assign({ errorType: value.name, errorMessage: value.message, code: value.code }, value);
      if (typeof value.stack === 'string') {
        described.stack = value.stack.split('\n');
      }
      return described;
    });
  } catch {
    return '\t' + JSON.stringify(errorDocument(error));
  }
}

module.exports = {
  ImportModuleError, UserCodeSyntaxError, HandlerNotFound, MalformedHandlerName, MalformedStreamingHandler,
  InvalidStreamingOperation, CallbackHandlerDeprecated, UnhandledPromiseRejection, NodeJsExit, errorDocument, asError,
  errorText,
};
