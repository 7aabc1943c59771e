// A .js ES module (its package.json says "type": "module").
export const handler = async () => ({ module: typeof require === 'undefined' ? 'esm' : 'cjs' });
