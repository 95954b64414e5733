// @vahub/toggl: see issues; filled in by its capability.
export {};
