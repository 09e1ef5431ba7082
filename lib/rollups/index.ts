export { refreshRollups, refreshRollupsForDays, refreshCustomerSnapshots } from "./refresh";
export { prepareRollupBatch, applyRollupBatch } from "./delta";
