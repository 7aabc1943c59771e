// Module resolution hooks (node:module register): `import "/opt/..."` reads from the function's layers, which local
// mode keeps in LAMINA_OPT instead of /opt. See opt-paths.mjs.
let opt;

export async function initialize(data) {
  opt = data.opt;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '/opt' || specifier.startsWith('/opt/')) {
    return nextResolve(opt + specifier.slice('/opt'.length), context);
  }
  if (specifier.startsWith('file:///opt/')) {
    return nextResolve(new URL(`file://${opt}${specifier.slice('file:///opt'.length)}`).href, context);
  }
  return nextResolve(specifier, context);
}
