package dev.lakehouse.views;

/** How a view may be refreshed. */
public enum RefreshPolicy {
  /** Incremental when it can be, else full, with the reason recorded. */
  AUTO,
  /** Incremental or fail: never silently recompute everything. */
  INCREMENTAL,
  /** Always recompute the whole window. */
  FULL
}
