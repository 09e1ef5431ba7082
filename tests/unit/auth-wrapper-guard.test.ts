/**
 * Convention 5 made structural: "authorization that each route must remember to call" is what
 * weaker codebases do; here the safe path is the only path, and this test fails the build when
 * someone adds a route handler, server action or page import that bypasses lib/auth/access.ts.
 *
 * Rules, over app/** and components/**:
 * 1. every exported HTTP handler of a route.ts is `withMerchantRoute(…)` or `withActorRoute(…)`
 *    (except the Auth.js handlers and the allow-list below, each with its reason);
 * 2. every export of a "use server" module is `withMerchantAction(…)` (except the allow-list);
 *    no inline "use server" functions (they would bypass the wrapper);
 * 3. nothing imports the database or the tenancy scope directly (`@/db…`, `@/lib/tenancy…`):
 *    merchant data is reached only through MerchantAccess.run;
 * 4. (ADR 0008) every handler under app/api/m/** and app/api/v1/** is derived from a view
 *    definition (lib/endpoints/route.ts: endpointRoute, endpointExportRoute on the session side,
 *    apiEndpointRoute, apiEndpointExportRoute on the token side, which never reads cookies), except
 *    the hand-written allow-list below; and those derivations are themselves built on the
 *    wrappers of lib/auth/access.ts;
 * 5. components/** import the server side of lib/endpoints (registry, views, loaders, routes)
 *    for types only, so no loader or database code reaches the browser bundle.
 * The checkers are tested on fixtures first, so the guard itself can fail.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** The view derivations (rule 4) wrap withMerchantRoute / withApiTokenRoute themselves (checked below). */
const SESSION_DERIVATIONS = new Set(["endpointRoute", "endpointExportRoute"]);
const TOKEN_DERIVATIONS = new Set(["apiEndpointRoute", "apiEndpointExportRoute"]);
const ROUTE_WRAPPERS = new Set(["withMerchantRoute", "withActorRoute", ...SESSION_DERIVATIONS, ...TOKEN_DERIVATIONS]);
const ACTION_WRAPPERS = new Set(["withMerchantAction", "withActorAction"]);

/** Route files that are public on purpose (path relative to the repository -> why). */
const PUBLIC_ROUTES: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "Auth.js's own endpoints (sign-in, session, sign-out)",
  "app/api/locale/route.ts": "sets the language cookie only; used signed out on the login page",
  "app/api/unsubscribe/route.ts": "RFC 8058 one-click unsubscribe posted by mail providers: authenticated by the link's HMAC signature (lib/mail/unsubscribe.ts), changes only its own signed subject",
  "app/api/stripe/webhook/route.ts": "called by Stripe, not a user: authenticated by the Stripe-Signature HMAC (lib/billing/webhooks.ts)",
  "app/api/v1/openapi.json/route.ts": "the OpenAPI description of the token API: no merchant data, generated from the definitions",
};
/** Handlers under app/api/m and app/api/v1 written by hand, not derived from a definition ("file#METHOD" -> why). */
const HAND_WRITTEN_ROUTES: Record<string, string> = {
  "app/api/m/[slug]/campaigns/route.ts#POST": "the campaign upload: a streamed request body with progress, not a read view",
  "app/api/m/[slug]/campaigns/[id]/effects/route.ts#GET": "streams one CSV row per customer in pages of 20,000, each page its own scoped transaction",
  "app/api/m/[slug]/offers/route.ts#POST": "creating an offer (and its preview): a write with a JSON body, not a read view",
};
/** Server-action modules that run without a merchant (path -> why). */
const PUBLIC_ACTIONS: Record<string, string> = {
  "app/login/actions.ts": "signing in happens before there is a session",
  "lib/auth/actions.ts": "signing out needs no merchant",
  "app/invite/[token]/actions.ts": "accepting an invitation happens before there is an account; the single-use token is the credential",
};

function parse(file: string, text: string) {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}
const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const calleeName = (expr: ts.Expression | undefined) =>
  expr && ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) ? expr.expression.text : null;

function hasUseServerDirective(statements: ts.NodeArray<ts.Statement>): boolean {
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return false;
    if (s.expression.text === "use server") return true;
  }
  return false;
}

/** Violations of rule 1 in one route file's source. */
export function routeViolations(file: string, text: string): string[] {
  const out: string[] = [];
  for (const st of parse(file, text).statements) {
    if (ts.isFunctionDeclaration(st) && isExported(st) && st.name && METHODS.has(st.name.text)) {
      out.push(`${file}: ${st.name.text} is a plain function; wrap it: export const ${st.name.text} = withMerchantRoute(…)`);
    }
    if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) {
        const names = ts.isIdentifier(d.name)
          ? [d.name.text]
          : ts.isObjectBindingPattern(d.name)
            ? d.name.elements.map((e) => e.name.getText())
            : [];
        for (const name of names.filter((n) => METHODS.has(n))) {
          const callee = calleeName(d.initializer);
          if (!callee || !ROUTE_WRAPPERS.has(callee)) out.push(`${file}: ${name} is not created by withMerchantRoute/withActorRoute`);
        }
      }
    }
    if (ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause)) {
      for (const e of st.exportClause.elements) {
        if (METHODS.has(e.name.text)) out.push(`${file}: ${e.name.text} is re-exported; define it with a wrapper in this file`);
      }
    }
  }
  return out;
}

/** Violations of rule 2 in one module's source (file-level or inline "use server"). */
export function actionViolations(file: string, text: string, allowFileLevel: boolean): string[] {
  const out: string[] = [];
  const source = parse(file, text);
  if (hasUseServerDirective(source.statements) && !allowFileLevel) {
    for (const st of source.statements) {
      if (!isExported(st)) continue;
      if (ts.isFunctionDeclaration(st)) {
        out.push(`${file}: server action ${st.name?.text ?? "default"} must be created by withMerchantAction`);
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          const callee = calleeName(d.initializer);
          if (!callee || !ACTION_WRAPPERS.has(callee)) out.push(`${file}: server action ${d.name.getText()} must be created by withMerchantAction`);
        }
      }
    }
  }
  const visit = (node: ts.Node) => {
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)) && node.body && ts.isBlock(node.body)) {
      if (hasUseServerDirective(node.body.statements)) {
        out.push(`${file}: inline "use server" function; move it to a module and wrap it with withMerchantAction`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Violations of rule 3: direct imports of the database or the tenancy scope. */
export function importViolations(file: string, text: string): string[] {
  const out: string[] = [];
  const check = (spec: string) => {
    if (/^@\/(db|lib\/tenancy)(\/|$)/.test(spec) || /(^|\/)db\/(client|schema)/.test(spec)) {
      out.push(`${file}: imports ${spec}; reach merchant data through MerchantAccess.run (lib/auth/access.ts)`);
    }
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      // Type-only imports carry no capability.
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly;
      if (!typeOnly) check(node.moduleSpecifier.text);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0])) {
      check((node.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file, text));
  return out;
}

/** The exported handlers of a route file with the name of the function that creates each (null: not a call). */
function handlerCallees(file: string, text: string): Array<{ method: string; callee: string | null }> {
  const out: Array<{ method: string; callee: string | null }> = [];
  for (const st of parse(file, text).statements) {
    if (ts.isFunctionDeclaration(st) && isExported(st) && st.name && METHODS.has(st.name.text)) out.push({ method: st.name.text, callee: null });
    if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && METHODS.has(d.name.text)) out.push({ method: d.name.text, callee: calleeName(d.initializer) });
      }
    }
  }
  return out;
}

/**
 * Violations of rule 4 in one route file under app/api/m (session) or app/api/v1/m (token): each
 * handler must be created by that side's derivations, unless `file#METHOD` is hand-written.
 */
export function definitionViolations(file: string, text: string, handWritten: Record<string, string> = HAND_WRITTEN_ROUTES): string[] {
  const token = file.startsWith("app/api/v1/m/");
  const session = file.startsWith("app/api/m/");
  if (!token && !session) return [];
  const allowed = token ? TOKEN_DERIVATIONS : SESSION_DERIVATIONS;
  return handlerCallees(file, text)
    .filter(({ method, callee }) => !(callee && allowed.has(callee)) && !(`${file}#${method}` in handWritten))
    .map(({ method }) => `${file}: ${method} bypasses the view definitions; serve it with ${[...allowed].join(" / ")}(def) (lib/endpoints/route.ts)`);
}

/**
 * Violations of rule 4's second half: each derivation exported by lib/endpoints/route.ts must
 * return withMerchantRoute(…) (session) or withApiTokenRoute(…) (token).
 */
export function derivationViolations(text: string): string[] {
  const out: string[] = [];
  const found = new Set<string>();
  for (const st of parse("route.ts", text).statements) {
    if (!ts.isFunctionDeclaration(st) || !st.name || !isExported(st)) continue;
    const name = st.name.text;
    const wrapper = SESSION_DERIVATIONS.has(name) ? "withMerchantRoute" : TOKEN_DERIVATIONS.has(name) ? "withApiTokenRoute" : null;
    if (!wrapper) continue;
    found.add(name);
    const statements: readonly ts.Statement[] = st.body ? st.body.statements : [];
    const returns = statements.filter((x): x is ts.ReturnStatement => ts.isReturnStatement(x));
    const value = returns.length === 1 ? returns[0].expression : undefined;
    const callee = value && ts.isCallExpression(value) ? value.expression : null;
    if (!callee || !ts.isIdentifier(callee) || callee.text !== wrapper) out.push(`lib/endpoints/route.ts: ${name} must return ${wrapper}(…)`);
  }
  for (const name of [...SESSION_DERIVATIONS, ...TOKEN_DERIVATIONS]) if (!found.has(name)) out.push(`lib/endpoints/route.ts: ${name} is missing`);
  return out;
}

/** Server modules of lib/endpoints that client components may import for types only (rule 5). */
const SERVER_ENDPOINT_MODULE = /^@\/lib\/endpoints\/(registry|views\/.*|route|prefetch|export|openapi|portfolio)$/;

/** Violations of rule 5 in one components/ file: value imports of lib/endpoints' server modules. */
export function clientImportViolations(file: string, text: string): string[] {
  const out: string[] = [];
  for (const st of parse(file, text).statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    if (!SERVER_ENDPOINT_MODULE.test(st.moduleSpecifier.text)) continue;
    const clause = st.importClause;
    const typeOnly = !clause || clause.isTypeOnly || (!clause.name && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.every((e) => e.isTypeOnly));
    if (!typeOnly) out.push(`${file}: imports ${st.moduleSpecifier.text} as a value; use \`import type\` (server code must not reach the browser)`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(abs, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.(ts|tsx)$/.test(entry.name)) {
      out.push(path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
    }
  }
  return out.sort();
}

describe("the guard's checkers (fixtures)", () => {
  it("flag unwrapped, re-exported and plain-function route handlers; accept wrapped ones", () => {
    expect(routeViolations("r.ts", `export async function GET() { return new Response() }`)).toHaveLength(1);
    expect(routeViolations("r.ts", `export const POST = async () => new Response();`)).toHaveLength(1);
    expect(routeViolations("r.ts", `export const GET = other(async () => new Response());`)).toHaveLength(1);
    expect(routeViolations("r.ts", `const GET = () => 1; export { GET };`)).toHaveLength(1);
    expect(routeViolations("r.ts", `export const { GET, POST } = handlers;`)).toHaveLength(2);
    expect(routeViolations("r.ts", `export const GET = withMerchantRoute(async (r, a) => new Response());\nexport const dynamic = "force-dynamic";`)).toEqual([]);
    expect(routeViolations("r.ts", `export const GET = withActorRoute(async () => new Response());`)).toEqual([]);
  });

  it("flag unwrapped and inline server actions; accept wrapped ones", () => {
    expect(actionViolations("a.ts", `"use server";\nexport async function save() {}`, false)).toHaveLength(1);
    expect(actionViolations("a.ts", `"use server";\nexport const save = async () => {};`, false)).toHaveLength(1);
    expect(actionViolations("a.ts", `"use server";\nexport const save = withMerchantAction(async (access) => 1);`, false)).toEqual([]);
    expect(actionViolations("p.tsx", `export default function P() { async function act() { "use server"; } return null }`, false)).toHaveLength(1);
    expect(actionViolations("a.ts", `export async function helper() { return "use server"; }`, false)).toEqual([]);
    expect(actionViolations("a.ts", `"use server";\nexport async function login() {}`, true)).toEqual([]);
  });

  it("flag value imports of the database and the scope; allow type-only imports", () => {
    expect(importViolations("x.ts", `import { getDatabase } from "@/db/client";`)).toHaveLength(1);
    expect(importViolations("x.ts", `import { merchants } from "@/db/schema";`)).toHaveLength(1);
    expect(importViolations("x.ts", `import { withMerchantScope } from "@/lib/tenancy/scope";`)).toHaveLength(1);
    expect(importViolations("x.ts", `const m = await import("@/db/client");`)).toHaveLength(1);
    expect(importViolations("x.ts", `import { x } from "../../db/client";`)).toHaveLength(1);
    expect(importViolations("x.ts", `import type { MerchantRef } from "@/lib/tenancy/context";`)).toEqual([]);
    expect(importViolations("x.ts", `import type { Db } from "@/db/client";`)).toEqual([]);
  });
});

describe("the definition checkers (fixtures)", () => {
  it("flag session and token handlers that bypass the definitions; accept derived and hand-written ones", () => {
    const m = "app/api/m/[slug]/x/route.ts";
    const v1 = "app/api/v1/m/[slug]/[view]/route.ts";
    expect(definitionViolations(m, `export const GET = withMerchantRoute(async () => new Response());`)).toHaveLength(1);
    expect(definitionViolations(m, `export async function GET() { return new Response() }`)).toHaveLength(1);
    expect(definitionViolations(m, `export const GET = endpointRoute(overview);`)).toEqual([]);
    expect(definitionViolations(m, `export const GET = endpointExportRoute();`)).toEqual([]);
    // A cookie route cannot serve the token API, nor a token route the session side.
    expect(definitionViolations(v1, `export const GET = endpointRoute();`)).toHaveLength(1);
    expect(definitionViolations(m, `export const GET = apiEndpointRoute();`)).toHaveLength(1);
    expect(definitionViolations(v1, `export const GET = apiEndpointRoute();`)).toEqual([]);
    expect(definitionViolations(m, `export const POST = withMerchantRoute(async () => new Response());`, { [`${m}#POST`]: "upload" })).toEqual([]);
    expect(definitionViolations("app/api/portfolio/route.ts", `export const GET = withActorRoute(async () => new Response());`)).toEqual([]);
  });

  it("flag a derivation that is not built on the access wrappers", () => {
    const good = ["endpointRoute", "endpointExportRoute"].map((n) => `export function ${n}(d) { return withMerchantRoute((r, a, p) => x(d, r, a, p)); }`).join("\n") +
      ["apiEndpointRoute", "apiEndpointExportRoute"].map((n) => `export function ${n}(d) { return withApiTokenRoute((r, a, p) => x(d, r, a, p)); }`).join("\n");
    expect(derivationViolations(good)).toEqual([]);
    expect(derivationViolations(good.replace("return withApiTokenRoute(", "return withMerchantRoute("))).toHaveLength(1);
    expect(derivationViolations(good.replace("export function endpointRoute(d) { return withMerchantRoute((r, a, p) => x(d, r, a, p)); }", "export function endpointRoute(d) { return async () => x(d); }"))).toHaveLength(1);
  });

  it("flag value imports of lib/endpoints' server modules in components; allow types and the client-safe keys", () => {
    expect(clientImportViolations("c.tsx", `import { churn } from "@/lib/endpoints/views/churn";`)).toHaveLength(1);
    expect(clientImportViolations("c.tsx", `import { ENDPOINTS } from "@/lib/endpoints/registry";`)).toHaveLength(1);
    expect(clientImportViolations("c.tsx", `import type { Endpoints } from "@/lib/endpoints/registry";`)).toEqual([]);
    expect(clientImportViolations("c.tsx", `import { type Portfolio } from "@/lib/endpoints/portfolio";`)).toEqual([]);
    expect(clientImportViolations("c.tsx", `import { endpointKey } from "@/lib/endpoints/keys";`)).toEqual([]);
  });
});

describe("the repository", () => {
  const files = [...sourceFiles("app"), ...sourceFiles("components")];
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

  it("every route handler goes through withMerchantRoute / withActorRoute", () => {
    const routes = files.filter((f) => /(^|\/)route\.tsx?$/.test(f) && !(f in PUBLIC_ROUTES));
    expect(routes.flatMap((f) => routeViolations(f, read(f)))).toEqual([]);
  });

  it("every server action goes through withMerchantAction", () => {
    const all = [...files, ...sourceFiles("lib")];
    expect(all.flatMap((f) => actionViolations(f, read(f), f in PUBLIC_ACTIONS))).toEqual([]);
  });

  it("every handler under app/api/m and app/api/v1 is derived from a view definition (or hand-written on the list)", () => {
    const routes = files.filter((f) => /(^|\/)route\.tsx?$/.test(f));
    expect(routes.flatMap((f) => definitionViolations(f, read(f)))).toEqual([]);
    expect(derivationViolations(read("lib/endpoints/route.ts"))).toEqual([]);
    for (const key of Object.keys(HAND_WRITTEN_ROUTES)) expect(fs.existsSync(path.join(ROOT, key.split("#")[0])), key).toBe(true);
  });

  it("components import lib/endpoints' server modules for types only", () => {
    expect(files.filter((f) => f.startsWith("components/")).flatMap((f) => clientImportViolations(f, read(f)))).toEqual([]);
  });

  it("app/ and components/ never import the database or the tenancy scope", () => {
    expect(files.flatMap((f) => importViolations(f, read(f)))).toEqual([]);
  });

  it("the allow-lists name files that exist (no stale exemptions)", () => {
    for (const file of [...Object.keys(PUBLIC_ROUTES), ...Object.keys(PUBLIC_ACTIONS)]) {
      expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
    }
  });
});
