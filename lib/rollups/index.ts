export { refreshRollups, refreshCustomerSnapshots } from "./refresh";
