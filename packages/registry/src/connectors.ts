import { asanaConnector } from '@vahub/asana';
import type { ComposedConfig } from '@vahub/core';
import { googleCalendarConnector } from '@vahub/google-calendar';
import { togglConnector } from '@vahub/toggl';
import { xeroConnector } from '@vahub/xero';

/**
 * Every connector vahub knows, in one list: the only place an app learns which vendors exist. A
 * second provider for a port (Outlook, Clockify, QuickBooks) is a new package and a line here.
 */
export const connectors = [asanaConnector, togglConnector, googleCalendarConnector, xeroConnector] as const;

export type Connectors = typeof connectors;

/** The whole config, typed from the descriptors. */
export type Config = ComposedConfig<Connectors>;
