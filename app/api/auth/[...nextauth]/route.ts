// Auth.js endpoints (session, csrf, callback/credentials, signout) under /api/auth/*.
import { handlers } from "@/lib/auth/config";

export const { GET, POST } = handlers;
