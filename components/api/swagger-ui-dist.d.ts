// swagger-ui-dist ships no types; the one entry point ApiReference uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  const SwaggerUIBundle: (options: Record<string, unknown> & { url: string; domNode: HTMLElement }) => unknown;
  export default SwaggerUIBundle;
}
