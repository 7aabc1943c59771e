// A .cjs module in a directory, with a nested export.
module.exports = { handlers: { greet: async (event) => `hello ${event.name}` } };
