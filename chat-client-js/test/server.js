// Starts the real reference server (chat-server-app/target/parley-server.jar) for the tests: on a free port at
// first, then restartable on the SAME port and the same SQLite file, so that clients reconnect to "the same server".

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const SERVER_JAR = process.env.PARLEY_SERVER_JAR
  || resolve(here, '../../chat-server-app/target/parley-server.jar');
const START_TIMEOUT_MS = 180_000; // a JVM on a busy two-core CI machine can take half a minute

export class TestServer {
  constructor() {
    if (!existsSync(SERVER_JAR)) {
      throw new Error(`no server jar at ${SERVER_JAR}: build it (mvn -B -DskipTests package -pl chat-server-app -am) `
        + 'or set PARLEY_SERVER_JAR');
    }
    this.dir = mkdtempSync(join(tmpdir(), 'parley-js-'));
    this.db = join(this.dir, 'parley.db');
    this.port = 0;
    this.proc = null;
    this.output = '';
  }

  /** The server's origin, e.g. http://127.0.0.1:43121 */
  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the server (on the port it had before, if any) and waits for "Parley is running at …". */
  async start() {
    const env = {
      ...process.env,
      PARLEY_PORT: String(this.port),
      PARLEY_BIND: '127.0.0.1',
      PARLEY_DB_URL: `jdbc:sqlite:${this.db}`,
      PARLEY_LOG_FORMAT: 'text',
      // many connections from one address, and a generous frame rate: the tests are one machine hammering itself
      PARLEY_WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      PARLEY_WS_RATE_PER_SECOND: '200',
    };
    const proc = spawn('java', ['-jar', SERVER_JAR], { env, cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.output = '';
    const collect = (chunk) => { this.output += chunk.toString(); };
    proc.stderr.on('data', collect);
    await new Promise((resolveStart, rejectStart) => {
      const timer = setTimeout(() => rejectStart(new Error('the server did not start in time:\n' + this.output)),
        START_TIMEOUT_MS);
      let out = '';
      proc.stdout.on('data', (chunk) => {
        out += chunk.toString();
        collect(chunk);
        const m = /Parley is running at http:\/\/[^:\s]+:(\d+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          resolveStart();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        rejectStart(new Error(`the server exited with ${code}:\n${this.output}`));
      });
    });
    this.exited = new Promise((r) => proc.once('exit', r));
  }

  /** Stops the server: SIGTERM (a clean shutdown, sockets closed with 1001) or SIGKILL (a crash). */
  async stop(signal = 'SIGTERM') {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    // SIGKILL ends a frozen (SIGSTOP) process without letting it run again: what it had not read is never read
    proc.kill(signal);
    await this.exited;
    this.proc = null;
  }

  /** Freezes the process (SIGSTOP): its sockets stay open but nothing is answered. */
  freeze() {
    this.proc.kill('SIGSTOP');
  }

  /** Copies the database files (the server must be stopped) to `name` inside the temp dir. */
  snapshot(name) {
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith('parley.db') && !f.endsWith('.lock')) copyFileSync(join(this.dir, f), join(this.dir, name + f.slice(9)));
    }
  }

  /** Puts back a snapshot taken with snapshot(name) (the server must be stopped): a "restore from backup". */
  restore(name) {
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith('parley.db') && !f.endsWith('.lock')) rmSync(join(this.dir, f));
    }
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith(name)) copyFileSync(join(this.dir, f), join(this.dir, 'parley.db' + f.slice(name.length)));
    }
  }

  async close() {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
