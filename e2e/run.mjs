// Runs the browser tests against one server (bin/klplay) and one headless Chromium
// for the whole run. node:test gives each test file a process of its own; each
// connects to these two (harness.mjs fixture(), through KLPLAY_URL and
// KLPLAY_BROWSER) instead of starting a server and a browser per file. Two files
// run at a time: a test spends much of its time waiting on the page (a frame, the
// hash's 250 ms, a debounce), and every test has a browser context of its own.
//
//   node e2e/run.mjs [test file …]     (default: every file in e2e/browser/)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { launchServer, root, startServer } from './harness.mjs';

const files = process.argv.slice(2);
const server = await startServer();
let code = 1;
try {
  const browser = await launchServer();
  try {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...(files.length ? files : [path.join(root, 'e2e', 'browser')])], {
      stdio: 'inherit',
      env: { ...process.env, KLPLAY_URL: server.url, KLPLAY_BROWSER: browser.wsEndpoint() },
    });
    code = await new Promise((resolve) => { child.on('exit', (status) => resolve(status ?? 1)); });
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}
process.exit(code);
