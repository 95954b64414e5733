import { createRequire } from 'node:module';
import type * as Client from 'asana/dist/ApiClient.js';
import type * as Events from 'asana/dist/api/EventsApi.js';
import type * as Projects from 'asana/dist/api/ProjectsApi.js';
import type * as StatusUpdates from 'asana/dist/api/StatusUpdatesApi.js';
import type * as Tasks from 'asana/dist/api/TasksApi.js';
import type * as Users from 'asana/dist/api/UsersApi.js';
import type * as Webhooks from 'asana/dist/api/WebhooksApi.js';
import type * as Workspaces from 'asana/dist/api/WorkspacesApi.js';

// The parts of the asana SDK vahub calls, each by its own path: its index loads all 49 of its API
// classes (about 2 MB of heap in every worker) where the connector uses six and the client
// (a seventh, for `vahub ids`, on demand).
// Required as the CommonJS they are: imported, each file goes through the ES module loader, which
// under a loader (tsx) keeps a second copy of its source.
const require = createRequire(import.meta.url);

export const { ApiClient } = require('asana/dist/ApiClient.js') as typeof Client;
export const { EventsApi } = require('asana/dist/api/EventsApi.js') as typeof Events;
export const { ProjectsApi } = require('asana/dist/api/ProjectsApi.js') as typeof Projects;
export const { StatusUpdatesApi } = require('asana/dist/api/StatusUpdatesApi.js') as typeof StatusUpdates;
export const { TasksApi } = require('asana/dist/api/TasksApi.js') as typeof Tasks;
export const { UsersApi } = require('asana/dist/api/UsersApi.js') as typeof Users;
export const { WebhooksApi } = require('asana/dist/api/WebhooksApi.js') as typeof Webhooks;
export type ApiClient = Client.ApiClient;
export type EventsApi = Events.EventsApi;
export type ProjectsApi = Projects.ProjectsApi;
export type StatusUpdatesApi = StatusUpdates.StatusUpdatesApi;
export type TasksApi = Tasks.TasksApi;
export type UsersApi = Users.UsersApi;
export type WebhooksApi = Webhooks.WebhooksApi;
export type WorkspacesApi = Workspaces.WorkspacesApi;

/**
 * The workspaces API, loaded on first use: only `vahub ids asana` lists workspaces, so a worker
 * never loads it.
 */
export function loadWorkspacesApi(): typeof Workspaces.WorkspacesApi {
  return (require('asana/dist/api/WorkspacesApi.js') as typeof Workspaces).WorkspacesApi;
}
