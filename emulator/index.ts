// `calbridge/emulator`: start the Microsoft 365 or Google Calendar emulator from a test suite (HTTPS on a free port,
// own CA, sign-in and consent pages, Graph / Calendar API), and the helpers to trust it and sign a user in.
export { startEmulator, DEMO_APP, type EmulatorOptions, type RunningEmulator } from './microsoft/server.js';
export { startGoogleEmulator, type GoogleEmulatorOptions, type RunningGoogleEmulator } from './google/server.js';
export { trustEmulatorCa, followAuthorize, userToken, appToken, type TokenSet } from './microsoft/testing.js';
