// Package browsertest starts a real headless browser (Debian's chromium)
// for the end-to-end tests of the web widget and the agent console. A test
// skips with a clear message when no browser is installed, unless the
// environment sets BRIDGE_E2E=require (as CI does), which makes it fail.
package browsertest
