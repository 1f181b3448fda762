export { FileStore } from './file.store';
export type { FileStoreKey, FileStoreOptions } from './file-store-options';
