// The invoicing engine (issue 4) lives in this folder.
export {};
