// Lamina's runtime client for Node.js: serves the handler named by _HANDLER from the task root (the working
// directory) over the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API, as Lambda's Node.js runtimes do.
// Usage: node bootstrap.cjs <runtime>, e.g. nodejs22.x. From nodejs24.x on, Lambda calls async handlers only: a
// callback handler fails init, and the context has no callbackWaitsForEmptyEventLoop, done, succeed or fail.
'use strict';

const { RuntimeApi } = require('./runtime-api.cjs');
const { logError, patchConsole, setRequestId } = require('./logging.cjs');
const { handlerShape, loadHandler } = require('./handler.cjs');
const { CallbackHandlerDeprecated, NodeJsExit, UnhandledPromiseRejection } = require('./errors.cjs');
const { mapOptPaths } = require('./opt-paths.cjs');

// Handlers see no main module (require.main), as under Lambda's runtime client, an ES module.
process.mainModule = undefined;

const runtime = process.argv[2] ?? '';
const callbacks = Number(runtime.match(/^nodejs(\d+)/)?.[1] ?? 0) < 24;
process.env.AWS_EXECUTION_ENV ??= `AWS_Lambda_${runtime}`;

patchConsole();
mapOptPaths(process.env.LAMINA_OPT);
const api = new RuntimeApi(process.env.AWS_LAMBDA_RUNTIME_API);

// Until the first event, a crash is an init error; afterwards the current invocation's error. Either way the
// process then ends, and the environment starts a fresh one.
let reportCrash = (error, exitCode) => api.initError(error).finally(() => process.exit(exitCode));
process.on('uncaughtException', (error) => {
  logError('Uncaught Exception', error);
  reportCrash(error, 129);
});
process.on('unhandledRejection', (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError('Unhandled Promise Rejection', error);
  reportCrash(error, 128);
});

// Runs when the event loop has run empty: sends a callback's answer that waited for it
// (callbackWaitsForEmptyEventLoop), or answers for a handler that gave no answer.
let onEmptyLoop = () => {};
process.on('beforeExit', () => onEmptyLoop());

let handler;
let shape;
init();

async function init() {
  // The loop running empty before the handler has loaded (its module awaits what never comes) ends the process with
  // the status of a top-level await left unsettled, as under Lambda's ES module runtime client.
  onEmptyLoop = () => {
    process.exitCode = 13;
  };
  try {
    handler = await loadHandler(process.cwd(), process.env._HANDLER ?? '');
    shape = handlerShape(handler);
    if (shape.parameters >= 3 && !shape.streaming && !callbacks) {
      throw new CallbackHandlerDeprecated('ERROR: AWS Lambda has removed support for callback-based function'
        + ' handlers starting with Node.js 24. You need to modify this function to use a supported handler signature'
        + ' to use Node.js 24 or later. For more information see'
        + ' https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
    }
  } catch (error) {
    logError('Uncaught Exception', error);
    await reportCrash(error, 129);
  }
  onEmptyLoop = () => {};
  if (shape.parameters === 3 && !shape.async && !shape.streaming
      && process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined) {
    console.warn('AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24.'
      + ' You will need to update this function to use an async handler to use Node.js 24 or later. For more'
      + ' information and to provide feedback on this change, see'
      + ' https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set'
      + ' the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.');
  }
  scheduleNext();
}

function scheduleNext() {
  setImmediate(() => serveNext().catch((error) => {
    console.log(`Unexpected Top Level Error: ${error.toString()}`);
    reportCrash(error, 129);
  }));
}

async function serveNext() {
  const { body, headers } = await api.next();
  const requestId = headers['lambda-runtime-aws-request-id'];
  setRequestId(requestId);
  if (headers['lambda-runtime-trace-id']) {
    process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  } else {
    delete process.env._X_AMZN_TRACE_ID;
  }
  reportCrash = (error, exitCode) => api.fail(requestId, error).finally(() => process.exit(exitCode));
  if (shape.streaming) {
    await serveStreaming(requestId, body, headers);
  } else {
    serveBuffered(requestId, body, headers);
  }
}

/** The context's fields from the environment and the event's headers. */
function invocationFields(requestId, headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: parseHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
    identity: parseHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    awsRequestId: requestId,
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

function parseHeader(text, name) {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Cannot parse ${name} as json: ${e.toString()}`);
  }
}

function isPromise(value) {
  return value && typeof value.then === 'function';
}

/**
 * A handler answering with its return value (async) or, before nodejs24.x, with a callback or context.done/
 * succeed/fail. A callback's answer waits for the event loop to run empty unless callbackWaitsForEmptyEventLoop is
 * set to false; the first answer counts, later ones are ignored.
 */
function serveBuffered(requestId, body, headers) {
  let answered = false;
  let waitForEmptyLoop = true;
  const complete = (result) => {
    if (answered) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per'
        + ' invocation.');
      return;
    }
    answered = true;
    api.respond(requestId, result).then(scheduleNext);
  };
  const failWith = (error) => {
    logError('Invoke Error', error);
    api.fail(requestId, error).then(scheduleNext);
  };
  const done = (error, result) => {
    onEmptyLoop = () => {};
    if (error !== undefined && error !== null) {
      failWith(error);
    } else {
      complete(result);
    }
  };
  const callback = (error, result) => {
    onEmptyLoop = () => {};
    if (error !== undefined && error !== null) {
      failWith(error);
    } else if (!waitForEmptyLoop) {
      complete(result);
    } else {
      onEmptyLoop = () => setImmediate(() => complete(result));
    }
  };
  let finished = false;
  const once = (fn) => (...args) => {
    if (!finished) {
      fn(...args);
      finished = true;
    }
  };
  const succeed = once((result) => done(null, result));
  const fail = once((error) => done(error === undefined || error === null ? 'handled' : error, null));
  const context = callbacks ? {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyLoop = value;
    },
    succeed,
    fail,
    done: once(done),
  } : {};
  const answer = once(callback);
  try {
    // Should the loop run empty with no answer: an async handler's promise never settled, any other sent nothing.
    onEmptyLoop = () => {
      const asyncHandler = shape.async;
      answered = true;
      onEmptyLoop = () => {};
      if (asyncHandler) {
        const error = new NodeJsExit();
        logError('Invoke Error', error);
        api.fail(requestId, error).then(scheduleNext);
      } else {
        api.respond(requestId, null).then(scheduleNext);
      }
    };
    Object.assign(context, invocationFields(requestId, headers));
    const result = callbacks ? handler(JSON.parse(body), context, answer) : handler(JSON.parse(body), context);
    if (isPromise(result)) {
      result.then(succeed, fail).catch(fail);
    } else if (!callbacks) {
      succeed(result);
    }
  } catch (error) {
    answer(error);
  }
}

/**
 * A handler streaming its response (awslambda.streamifyResponse): it gets the stream, must be async, and must end
 * the stream; an error thrown ends the stream with the error as trailers.
 */
async function serveStreaming(requestId, body, headers) {
  let waitForEmptyLoop = true;
  const { stream, answered, fail } = api.stream(requestId, shape.highWaterMark);
  answered.catch(() => {});
  const next = () => {
    onEmptyLoop = () => {};
    if (!callbacks || !waitForEmptyLoop) {
      scheduleNext();
    } else {
      onEmptyLoop = () => setImmediate(scheduleNext);
    }
  };
  const failWith = async (error) => {
    logError('Invoke Error', error);
    await fail(error);
    next();
  };
  const context = callbacks ? {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyLoop = value;
    },
  } : {};
  try {
    onEmptyLoop = () => scheduleNext();
    Object.assign(context, invocationFields(requestId, headers));
    const result = handler(JSON.parse(body), stream, context);
    if (!isPromise(result)) {
      await failWith('Streaming does not support non-async handlers.');
      return;
    }
    if (await result !== undefined) {
      console.warn('Streaming handlers ignore return values.');
    }
    if (!stream.writableEnded) {
      await failWith('Response stream is not finished.');
      return;
    }
    await answered;
    next();
  } catch (error) {
    await failWith(error);
  }
}
