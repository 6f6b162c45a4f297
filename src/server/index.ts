export { createServer, errorBody, type ServerContext, type ServerModule, type CreateServerOptions } from './app.js';
export { startServer, type RunningServer, type StartServerOptions } from './serve.js';
export { findRunningServer, readServerLock, serverLockPath, type ServerLock } from './lock.js';
