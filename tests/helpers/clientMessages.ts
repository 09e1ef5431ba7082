import fs from "node:fs";
import path from "node:path";

/*
 * Which message paths the client components under each page and layout read (ADR 0034): a static
 * walk of the import graph from an app/ file, following every value import (type-only imports
 * carry no code). A module is client code when it says "use client" or is imported by client
 * code; the message paths of client code are
 *  - `useTranslations("a.b")`: the path a.b (every key under it);
 *  - `useTranslations()`: each literal key its translator is called with (`tm("value.nav")`),
 *    and a call with anything but a literal is an error;
 *  - any other namespace (a template literal, a variable): the paths listed in a comment
 *    `// client-messages: a.b c.d` in that module, else an error.
 * Server code reads the whole catalogue on the server (getTranslations) and is not counted.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const EXTENSIONS = [".tsx", ".ts", "/index.tsx", "/index.ts"];

/** Resolves an import specifier of `from` to a file of the repository; null for packages and non-code files. */
function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  if (/\.(tsx?)$/.test(base) && fs.existsSync(base)) return base;
  for (const ext of EXTENSIONS) if (fs.existsSync(base + ext)) return base + ext;
  return null;
}

interface ModuleInfo {
  file: string;
  client: boolean;
  imports: string[];
  /** Message paths this module's own code reads on the client (when it runs there). */
  paths: string[];
  errors: string[];
}

const infoCache = new Map<string, ModuleInfo>();

/** A module's "use client" mark, value imports and the message paths its translators read. */
export function moduleInfo(file: string): ModuleInfo {
  const cached = infoCache.get(file);
  if (cached) return cached;
  const source = fs.readFileSync(file, "utf8");
  const annotated = [...source.matchAll(/\/\/\s*client-messages:\s*([^\n]+)/g)].flatMap((m) => m[1].trim().split(/\s+/));
  // Comments out (a "//" after a quote or a colon is part of a string or URL), type-only imports out.
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[\s;{}()])\/\/[^\n]*/g, "$1")
    .replace(/^\s*(import|export)\s+type\s[\s\S]*?from\s+["'][^"']+["'];?/gm, "");
  const client = /^\s*["']use client["']/.test(code);
  const specs = [
    ...code.matchAll(/\bfrom\s+["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\s+["']([^"']+)["']/g),
    ...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
  const imports = [...new Set(specs.map((s) => resolveImport(file, s)).filter((f): f is string => f !== null))];
  const paths: string[] = [];
  const errors: string[] = [];
  const rel = path.relative(ROOT, file);
  for (const m of code.matchAll(/(?:const|let)\s+(\w+)\s*=\s*useTranslations\(([^)]*)\)/g)) {
    const [, name, arg] = m;
    const literal = /^\s*["']([^"'`$]*)["']\s*$/.exec(arg);
    if (literal) {
      paths.push(literal[1]);
    } else if (arg.trim() === "") {
      // The whole catalogue's translator: each call must name its key literally.
      for (const call of code.matchAll(new RegExp(`\\b${name}(?:\\.(?:rich|markup|raw|has))?\\(([^,)]*)`, "g"))) {
        const key = /^\s*["']([^"'`$]+)["']\s*$/.exec(call[1]);
        if (key) paths.push(key[1]);
        else errors.push(`${rel}: ${name}(${call[1]}) of useTranslations() has no literal key`);
      }
    } else if (annotated.length > 0) {
      paths.push(...annotated);
    } else {
      errors.push(`${rel}: useTranslations(${arg}) is not a literal; list its paths in a "// client-messages: …" comment`);
    }
  }
  // A translator not kept in a variable (useTranslations("x")("key")) is read the same way.
  for (const m of code.matchAll(/useTranslations\(\s*["']([^"']*)["']\s*\)\s*\(/g)) paths.push(m[1]);
  const info = { file, client, imports, paths: [...new Set(paths)], errors };
  infoCache.set(file, info);
  return info;
}

/**
 * The message paths read by client code reachable from `entry` (an app/ page or layout), and the
 * modules they come from. Errors: translators whose keys cannot be read statically.
 */
export function clientMessagePaths(entry: string): { paths: Map<string, string[]>; errors: string[] } {
  const paths = new Map<string, string[]>();
  const errors: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string, inClient: boolean) => {
    const info = moduleInfo(file);
    const client = inClient || info.client;
    const key = `${file}:${client}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (client) {
      errors.push(...info.errors);
      for (const p of info.paths) paths.set(p, [...(paths.get(p) ?? []), path.relative(ROOT, file)]);
    }
    for (const dep of info.imports) visit(dep, client);
  };
  visit(path.resolve(entry), false);
  return { paths, errors: [...new Set(errors)] };
}

/** Whether message path `p` is inside one of `granted` (equal to it, or below it). */
export function covered(p: string, granted: readonly string[]): boolean {
  return granted.some((g) => p === g || p.startsWith(`${g}.`));
}

/**
 * The paths a file hands to its subtree with `<ClientMessages paths={[…]}>` (lib/i18n/ClientMessages),
 * or null when it has none. Only one list per file, of string literals.
 */
export function declaredPaths(file: string): string[] | null {
  const source = fs.readFileSync(file, "utf8");
  const lists = [...source.matchAll(/<ClientMessages\s+paths=\{\s*\[([^\]]*)\]\s*\}/g)];
  if (lists.length === 0) return null;
  if (lists.length > 1) throw new Error(`${path.relative(ROOT, file)}: more than one <ClientMessages>`);
  return [...lists[0][1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]);
}

/** Every page, layout, template, loading, error and not-found file under app/. */
export function appEntries(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) walk(full);
      else if (/^(page|layout|template|loading|error|not-found)\.tsx$/.test(d.name)) out.push(full);
    }
  };
  walk(path.join(ROOT, "app"));
  return out.sort();
}

/**
 * The message paths the client receives in `file`'s subtree: the root layout's
 * (ROOT_CLIENT_MESSAGES), then every enclosing layout's `<ClientMessages>` and the file's own
 * (each adds to what is above it).
 */
export function grantedPaths(file: string, rootPaths: readonly string[]): string[] {
  const granted = [...rootPaths];
  const appDir = path.join(ROOT, "app");
  const dirs: string[] = [];
  for (let dir = path.dirname(file); dir.startsWith(appDir); dir = path.dirname(dir)) dirs.unshift(dir);
  for (const dir of dirs) {
    const layout = path.join(dir, "layout.tsx");
    if (layout !== file && fs.existsSync(layout)) granted.push(...(declaredPaths(layout) ?? []));
  }
  granted.push(...(declaredPaths(file) ?? []));
  return granted;
}

export const REPO_ROOT = ROOT;
