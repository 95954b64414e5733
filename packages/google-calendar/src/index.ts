// @vahub/google-calendar: see issues; filled in by its capability.
export {};
