// The scheduling engine (issue 3) lives in this folder.
export {};
