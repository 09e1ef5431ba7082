/**
 * The deterministic synthetic bank (docs/synthetic-bank.md): `generateBank(config)` streams
 * merchants, customers (with planted truths) and transactions; `writeBank` puts them in files.
 */
export { DEFAULT_BANK, GENERATOR_VERSION, buildTruths, generateBank, planBank, resolveBankConfig } from "./bank";
export type { BankConfig, BankPlan, BankRecord, BankSummary, ResolvedBankConfig } from "./bank";
export type {
  CustomerTruth,
  Gender,
  MaritalStatus,
  RelationshipTruth,
  SwitchEvent,
  SyntheticCustomer,
  SyntheticTransaction,
} from "./customer";
export type { MerchantTruth, SyntheticMerchant } from "./merchants";
export { Calendar, TIME_ZONE_OFFSETS } from "./calendar";
export * from "./csv";
export { BANK_FILES, bankConfigHash, readWrittenBank, writeBank } from "./files";
export type { WrittenBank, WrittenFile } from "./files";
