/**
 * The key and queue prefix of one vahub installation. The braces are a Redis Cluster hash tag: every
 * key that starts with it lands in the same slot, so the Lua scripts that touch two keys (the lock and
 * its fencing counter) and BullMQ's multi-key scripts work on a cluster as on a single Redis. Give it
 * to BullMQ as `prefix` and to the stores as `prefix`; a custom prefix should keep a `{…}` tag.
 */
export const VAHUB_PREFIX = '{vahub}';
