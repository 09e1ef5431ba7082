export { refreshRollups, refreshRollupsForDays, refreshCustomerSnapshots } from "./refresh";
