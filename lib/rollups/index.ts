export { refreshRollups, refreshRollupsForDays, refreshCustomerSnapshots } from "./refresh";
export { prepareRollupBatch, applyRollupBatch, ROLLUP_BATCH_TABLE } from "./delta";
