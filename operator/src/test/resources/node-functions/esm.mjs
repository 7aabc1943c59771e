// An ES module handler of NodeRuntimeClientTest.
export const handler = async (event) => ({ module: typeof require === 'undefined' ? 'esm' : 'cjs', name: event.name });
