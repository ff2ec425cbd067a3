// pb/route-auth: every HTTP route handler of a NestJS controller says who may call it.
//  - `@Public()` on the handler: no authentication (health, login). Never on a class: a public route
//    must be visible where it is declared.
//  - otherwise `@Roles(...)` on the handler or its class: authenticated, and only those roles.
// A route with neither fails the lint, so a new route cannot ship unguarded or with implicit roles
// (ARCHITECTURE.md §7; the idea is Twenty's `rest-api-methods-should-be-guarded`).
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

/** @type {import('eslint').Rule.RuleModule} */
export const routeAuth = {
  meta: {
    type: 'problem',
    docs: { description: 'Every controller route is @Public() or declares its @Roles()' },
    schema: [],
    messages: {
      unguarded: 'Route handler {{name}} has neither @Public() nor @Roles(...): say who may call it.',
      both: 'Route handler {{name}} has both @Public() and @Roles(...): a public route checks no roles.',
      publicClass: '@Public() on a controller class hides which routes are public: put it on each public handler.',
    },
  },
  create(context) {
    return {
      ClassDeclaration(cls) {
        const classNames = names(cls);
        if (!classNames.has('Controller')) return;
        if (classNames.has('Public')) context.report({ node: cls, messageId: 'publicClass' });
        for (const member of cls.body.body) {
          if (member.type !== 'MethodDefinition') continue;
          const own = names(member);
          if (![...own].some((n) => ROUTE_DECORATORS.has(n))) continue;
          const name = member.key.type === 'Identifier' ? member.key.name : '(computed)';
          const isPublic = own.has('Public');
          const hasRoles = own.has('Roles') || classNames.has('Roles');
          if (isPublic && own.has('Roles')) context.report({ node: member, messageId: 'both', data: { name } });
          else if (!isPublic && !hasRoles) context.report({ node: member.key, messageId: 'unguarded', data: { name } });
        }
      },
    };
  },
};

export default { rules: { 'route-auth': routeAuth } };
