"use client";

import { useEffect, useRef } from "react";
import "swagger-ui-dist/swagger-ui.css";

/**
 * Swagger UI over an OpenAPI document, bundled from swagger-ui-dist (no CDN, works offline).
 * Loaded in the browser only (it renders into its own node); the validator badge, which would
 * call validator.swagger.io, is off, and "Try it out" sends the token the reader enters.
 */
export function ApiReference({ url }: { url: string }) {
  const node = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void import("swagger-ui-dist/swagger-ui-es-bundle.js").then(({ default: SwaggerUIBundle }) => {
      if (cancelled || !node.current) return;
      SwaggerUIBundle({
        url,
        domNode: node.current,
        validatorUrl: null,
        deepLinking: false,
        docExpansion: "list",
        defaultModelsExpandDepth: -1,
        tryItOutEnabled: false,
      });
    });
    return () => {
      cancelled = true;
    };
  }, [url]);
  return <div ref={node} className="api-reference" data-testid="api-reference" />;
}
