// CommonJS handlers of NodeRuntimeClientTest.
exports.context = async (event, context) => ({
  event,
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remainingTimeInMillis: context.getRemainingTimeInMillis(),
  identity: context.identity,
  clientContext: context.clientContext,
  callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
  legacyMethods: ['done', 'succeed', 'fail'].filter((name) => typeof context[name] === 'function'),
  executionEnv: process.env.AWS_EXECUTION_ENV,
  traceId: process.env._X_AMZN_TRACE_ID,
});

exports.nested = { deeper: { handler: async () => 'nested export' } };

exports.fails = async (event) => {
  throw new TypeError(`bad input: ${event.value}`);
};

class OrderNotFound extends Error {
  constructor(message) {
    super(message);
    this.name = 'OrderNotFound';
  }
}

exports.custom = async () => {
  throw new OrderNotFound('no order 7');
};

exports.logs = async (event) => {
  console.log('hello %s', event.name);
  console.info('two\nlines');
  console.warn('careful');
  console.error('broken', new Error('inner'));
  return 'logged';
};

exports.unhandled = () => new Promise(() => {
  Promise.reject(new Error('lost'));
});

exports.neverSettles = async () => new Promise(() => {});

exports.notAFunction = 42;
