export * from "./bank";
export * from "./merchants";
export * from "./rollups";
export * from "./auth";
export * from "./models";
export { BITMAP_CHUNK_BITS } from "./types";
export * from "./mail";
export * from "./campaigns";
export * from "./billing";
