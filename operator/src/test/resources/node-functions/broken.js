// Does not parse.
exports.handler = async () => {
