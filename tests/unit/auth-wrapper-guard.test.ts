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
 *    merchant data is reached only through MerchantAccess.run.
 * The checkers are tested on fixtures first, so the guard itself can fail.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const ROUTE_WRAPPERS = new Set(["withMerchantRoute", "withActorRoute"]);
const ACTION_WRAPPERS = new Set(["withMerchantAction", "withActorAction"]);

/** Route files that are public on purpose (path relative to the repository -> why). */
const PUBLIC_ROUTES: Record<string, string> = {
  "app/api/auth/[...nextauth]/route.ts": "Auth.js's own endpoints (sign-in, session, sign-out)",
  "app/api/locale/route.ts": "sets the language cookie only; used signed out on the login page",
  "app/api/stripe/webhook/route.ts": "called by Stripe, not a user: authenticated by the Stripe-Signature HMAC (lib/billing/webhooks.ts)",
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

  it("app/ and components/ never import the database or the tenancy scope", () => {
    expect(files.flatMap((f) => importViolations(f, read(f)))).toEqual([]);
  });

  it("the allow-lists name files that exist (no stale exemptions)", () => {
    for (const file of [...Object.keys(PUBLIC_ROUTES), ...Object.keys(PUBLIC_ACTIONS)]) {
      expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
    }
  });
});
