// The parts of the asana SDK vahub calls, each by its own path: its index loads all 49 of its API
// classes (about 2 MB of heap in every worker) where the connector uses six and the client.
export { ApiClient } from 'asana/dist/ApiClient.js';
export { EventsApi } from 'asana/dist/api/EventsApi.js';
export { ProjectsApi } from 'asana/dist/api/ProjectsApi.js';
export { StatusUpdatesApi } from 'asana/dist/api/StatusUpdatesApi.js';
export { TasksApi } from 'asana/dist/api/TasksApi.js';
export { UsersApi } from 'asana/dist/api/UsersApi.js';
export { WebhooksApi } from 'asana/dist/api/WebhooksApi.js';
