// The domain's public surface: types, ports and rules that every layer may use.
export * from './channel.js';
export * from './live-events.js';
export * from './pipeline-port.js';
export * from './canned-replies.js';
export * from './mailbox-item.js';
export * from './ownership.js';
export * from './errors.js';
export * from './coordination.js';
export * from './monitoring.js';
