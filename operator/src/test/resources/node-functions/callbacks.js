// Callback and context-method handlers of NodeRuntimeClientTest.
exports.waits = (event, context, callback) => {
  const state = { timerRan: false };
  setTimeout(() => {
    state.timerRan = true;
  }, 20);
  context.callbackWaitsForEmptyEventLoop = event.wait;
  // The answer is serialised when it is sent: after the timer when the runtime waits for the empty event loop.
  callback(null, state);
};

exports.callbackError = (event, context, callback) => callback('not an error object');

exports.succeeds = (event, context) => context.succeed({ via: 'succeed' });

exports.failsViaContext = (event, context) => context.fail(new RangeError('via fail'));

exports.syncReturn = () => 'a synchronous handler answers null';
