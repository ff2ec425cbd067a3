// pb/org-owned: a service reaches an org-owned collection only through its ScopedModel (docs/adr/0012).
// The raw mongoose model of a collection registered as org-owned (option `models`: the model-name
// constants) may not be injected or looked up: `@InjectModel(X)`, `getModelToken(X)`,
// `connection.model(X)`. Inject `@InjectScopedModel(X)` instead, whose every query takes a `Scope`;
// system work (event handlers, schedulers) gets the raw model from `scoped.unscoped(Scope.system('why'))`.
// Native driver collections registered as org-owned (option `collections`: names or their constants)
// may not be opened with `x.collection(NAME)`: wrap them once in a `ScopedCollection`.

const LOOKUPS = new Set(['InjectModel', 'getModelToken', 'model', 'collection']);

/** `f(...)` -> f, `a.b.f(...)` -> f. */
function calleeName(call) {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && c.property.type === 'Identifier') return c.property.name;
  return undefined;
}

/** The registered name an argument denotes: an identifier (the constant), `C.log`, or its string value. */
function argName(arg) {
  if (!arg) return undefined;
  if (arg.type === 'Identifier') return arg.name;
  if (arg.type === 'MemberExpression' && !arg.computed && arg.object.type === 'Identifier' && arg.property.type === 'Identifier') {
    return `${arg.object.name}.${arg.property.name}`;
  }
  if (arg.type === 'Literal' && typeof arg.value === 'string') return arg.value;
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const orgOwned = {
  meta: {
    type: 'problem',
    docs: { description: 'Org-owned collections are read and written only through their ScopedModel' },
    schema: [
      {
        type: 'object',
        properties: {
          models: { type: 'array', items: { type: 'string' } },
          collections: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      raw:
        '{{name}} is org-owned: inject @InjectScopedModel({{name}}) and query it with a Scope; ' +
        "system work takes scoped.unscoped(Scope.system('why')) (docs/adr/0012).",
      rawCollection:
        'collection {{name}} is org-owned: open it once as a ScopedCollection and query it with a Scope; ' +
        "system work takes scoped.unscoped(Scope.system('why')) (docs/adr/0012).",
    },
  },
  create(context) {
    const models = new Set(context.options[0]?.models ?? []);
    const collections = new Set(context.options[0]?.collections ?? []);
    return {
      CallExpression(call) {
        const fn = calleeName(call);
        if (!fn || !LOOKUPS.has(fn)) return;
        // `.model(X)`, `.collection(X)` only as member calls (connection.model), never bare functions.
        if ((fn === 'model' || fn === 'collection') && call.callee.type !== 'MemberExpression') return;
        const name = argName(call.arguments[0]);
        if (!name) return;
        if (fn === 'collection') {
          if (collections.has(name)) context.report({ node: call, messageId: 'rawCollection', data: { name } });
        } else if (models.has(name)) context.report({ node: call, messageId: 'raw', data: { name } });
      },
    };
  },
};

export default { rules: { 'org-owned': orgOwned } };
