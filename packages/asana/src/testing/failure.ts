import { type ConnectorError, isConnectorError } from '@vahub/core';

/** The `ConnectorError` a call failed with; anything else (a success, another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isConnectorError(err)) throw new Error(`expected a ConnectorError, got ${String(err)}`);
  return err;
}
