// ES module syntax in a .js file without "type": "module": CommonJS on Lambda unless NODE_OPTIONS says otherwise.
export const handler = async () => "ES module syntax in a .js file";
