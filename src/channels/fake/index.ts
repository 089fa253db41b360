export { FakePlatform, type FakeDelivery } from './fake-platform.js';
export { FakeChannel } from './fake-channel.js';
