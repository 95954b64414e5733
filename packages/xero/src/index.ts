// @vahub/xero: see issues; filled in by its capability.
export {};
