import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and applied by scripts/migrate.ts on both databases.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
});
