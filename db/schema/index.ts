export * from "./bank";
export * from "./merchants";
export * from "./rollups";
export * from "./auth";
export { BITMAP_CHUNK_BITS } from "./types";
