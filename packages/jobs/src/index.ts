// @vahub/jobs: see issues; filled in by its capability.
export {};
