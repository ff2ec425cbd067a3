// pb/route-auth: every HTTP route of a NestJS controller is declared once, in the route table
// (`Routes` in libs/contracts), and bound with `@Handle(Routes.<id>)`: the entry says who may call it
// (its roles, or `public`), so a route cannot ship unguarded or with roles that differ between the
// gateway and the service (ARCHITECTURE.md §2 and §7; the idea is Twenty's
// `rest-api-methods-should-be-guarded`).
//  - A handler with Nest's own route decorators (`@Get()`, `@Post()`, ...) fails, unless it is an
//    infrastructure route outside the public API (health, metrics): `@Public()` on the handler, in a
//    controller excluded from the OpenAPI document (`@InfrastructureController()` of libs/platform,
//    or swagger's `@ApiExcludeController()`).
//  - `@Roles()` or `@Public()` beside `@Handle()` fails: the table entry is the one place for them.
//  - `@Handle(...)` must name an entry of the table: `@Handle(Routes.someId)`.
//  - `@Public()` on a controller class fails: a public route must be visible where it is declared.
const ROUTE_DECORATORS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Head', 'Options', 'Search']);

/** Name of a decorator: `@Get()` -> Get, `@Get` -> Get, `@common.Get()` -> Get. */
function nameOf(decorator) {
  let expr = decorator.expression;
  if (expr.type === 'CallExpression') expr = expr.callee;
  if (expr.type === 'Identifier') return expr.name;
  if (expr.type === 'MemberExpression' && expr.property.type === 'Identifier') return expr.property.name;
  return undefined;
}

const names = (node) => new Set((node.decorators ?? []).map(nameOf).filter(Boolean));

/** Whether `@Handle(x)` names a table entry: `Routes.id` or `Routes['id']`. */
function namesTableEntry(decorator) {
  const expr = decorator.expression;
  if (expr.type !== 'CallExpression' || expr.arguments.length !== 1) return false;
  const arg = expr.arguments[0];
  return arg.type === 'MemberExpression' && arg.object.type === 'Identifier' && arg.object.name === 'Routes';
}

/** @type {import('eslint').Rule.RuleModule} */
export const routeAuth = {
  meta: {
    type: 'problem',
    docs: { description: 'Every controller route is bound to its route-table entry with @Handle(Routes.x)' },
    schema: [],
    messages: {
      undeclared:
        'Route handler {{name}} is not in the route table: declare it in libs/contracts/src/routes/routes.ts and bind it with @Handle(Routes.<id>).',
      notAnEntry: 'Route handler {{name}}: @Handle() takes an entry of the route table, @Handle(Routes.<id>).',
      twice: 'Route handler {{name}}: its roles (or public) come from its table entry; drop @Roles()/@Public() here.',
      publicClass: '@Public() on a controller class hides which routes are public: put it on each public handler.',
    },
  },
  create(context) {
    return {
      ClassDeclaration(cls) {
        const classNames = names(cls);
        if (!classNames.has('Controller')) return;
        if (classNames.has('Public')) context.report({ node: cls, messageId: 'publicClass' });
        const infrastructure = classNames.has('InfrastructureController') || classNames.has('ApiExcludeController');
        for (const member of cls.body.body) {
          if (member.type !== 'MethodDefinition') continue;
          const own = names(member);
          const name = member.key.type === 'Identifier' ? member.key.name : '(computed)';
          const handle = (member.decorators ?? []).find((d) => nameOf(d) === 'Handle');
          if (handle) {
            if (!namesTableEntry(handle)) context.report({ node: handle, messageId: 'notAnEntry', data: { name } });
            if (own.has('Roles') || own.has('Public') || [...own].some((n) => ROUTE_DECORATORS.has(n)))
              context.report({ node: member.key, messageId: 'twice', data: { name } });
            continue;
          }
          if (![...own].some((n) => ROUTE_DECORATORS.has(n))) continue;
          if (infrastructure && own.has('Public') && !own.has('Roles')) continue;
          context.report({ node: member.key, messageId: 'undeclared', data: { name } });
        }
      },
    };
  },
};

export default { rules: { 'route-auth': routeAuth } };
