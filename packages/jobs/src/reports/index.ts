export {
  RedisReportStore,
  type RedisReportStoreOptions,
  type StoredReportSummary,
  StoredReportUnreadableError,
} from './report-store.js';
