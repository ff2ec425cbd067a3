// pb/org-owned: a service reaches an org-owned collection only through its ScopedModel (docs/adr/0012).
// The raw mongoose model of a collection registered as org-owned (option `models`: the model-name
// constants) may not be injected or looked up: `@InjectModel(X)`, `getModelToken(X)`,
// `connection.model(X)`. Inject `@InjectScopedModel(X)` instead, whose every query takes a `Scope`;
// system work (event handlers, schedulers) gets the raw model from `scoped.unscoped(Scope.system('why'))`.

const LOOKUPS = new Set(['InjectModel', 'getModelToken', 'model']);

/** `f(...)` -> f, `a.b.f(...)` -> f. */
function calleeName(call) {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'MemberExpression' && c.property.type === 'Identifier') return c.property.name;
  return undefined;
}

/** The registered name an argument denotes: an identifier (the constant) or its string value. */
function argName(arg) {
  if (!arg) return undefined;
  if (arg.type === 'Identifier') return arg.name;
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
        properties: { models: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    ],
    messages: {
      raw:
        '{{name}} is org-owned: inject @InjectScopedModel({{name}}) and query it with a Scope; ' +
        "system work takes scoped.unscoped(Scope.system('why')) (docs/adr/0012).",
    },
  },
  create(context) {
    const models = new Set(context.options[0]?.models ?? []);
    return {
      CallExpression(call) {
        const fn = calleeName(call);
        if (!fn || !LOOKUPS.has(fn)) return;
        // `.model(X)` only as a member call (connection.model), never a bare function named model.
        if (fn === 'model' && call.callee.type !== 'MemberExpression') return;
        const name = argName(call.arguments[0]);
        if (name && models.has(name)) context.report({ node: call, messageId: 'raw', data: { name } });
      },
    };
  },
};

export default { rules: { 'org-owned': orgOwned } };
