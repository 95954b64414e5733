// The fake server of this vendor, for tests.
export {};
