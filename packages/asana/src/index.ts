// @vahub/asana: see issues; filled in by its capability.
export {};
