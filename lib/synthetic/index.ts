/**
 * The deterministic synthetic bank (docs/synthetic-bank.md): `generateBank(config)` streams
 * merchants, customers (with planted truths) and transactions; `writeBank` puts them in files.
 */
export { generateBank, planBank, resolveBankConfig } from "./bank";
export type { BankConfig, BankPlan, BankRecord, BankSummary } from "./bank";
export type {
  CustomerTruth,
  RelationshipTruth,
  SwitchEvent,
  SyntheticCustomer,
  SyntheticTransaction,
} from "./customer";
export type { MerchantTruth } from "./merchants";
export * from "./csv";
export { BANK_FILES, readWrittenBank, writeBank } from "./files";
export type { WrittenBank } from "./files";
