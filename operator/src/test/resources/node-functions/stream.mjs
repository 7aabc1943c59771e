// Streaming handlers of NodeRuntimeClientTest.
export const words = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  for (const word of event.words) {
    responseStream.write(word);
  }
  responseStream.end();
});

export const http = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream,
    { statusCode: 201, headers: { 'x-stream': 'yes' } });
  stream.write('body');
  stream.end();
});

export const breaks = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.write('partial');
  throw new Error('stream broke');
});
