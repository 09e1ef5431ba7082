export { refreshRollups, refreshRollupsForDays, refreshCustomerSnapshots, bumpRollupVersions } from "./refresh";
export { prepareRollupBatch, applyRollupBatch, ROLLUP_BATCH_TABLE } from "./delta";
