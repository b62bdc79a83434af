// Runs one debugger process and measures it: wall time, CPU time and peak RSS (/usr/bin/time, else VmHWM polled from /proc).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  seconds: number;
  /** CPU time (user + system) of the process, when /usr/bin/time measured it: under load this varies far less than wall time. */
  cpuSeconds?: number;
  /** Peak resident set size, in MB. */
  rssMb: number;
  stdout: string;
  stderr: string;
  status: number | null;
}

const TIME = '/usr/bin/time';

/** Runs `cmd args` in `cwd`, with a time limit; stdout is collected, the measurement taken around the process. */
export function measure(cmd: string, args: string[], cwd: string, limitMs = 30 * 60_000): Promise<Measured> {
  const useTime = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), 'duster-measure-'));
  const out = join(dir, 'time');
  const [file, argv] = useTime ? [TIME, ['-f', '%e %U %S %M', '-o', out, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(file, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwmKb = 0;
    p.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    p.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // Without /usr/bin/time: poll the child's VmHWM (peak RSS) while it runs.
    const poll = useTime ? undefined : setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {
        // the process is gone
      }
    }, 20);
    const timer = setTimeout(() => p.kill('SIGKILL'), limitMs);
    p.on('error', reject);
    p.on('close', (status) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      let seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let cpuSeconds: number | undefined;
      if (useTime && existsSync(out)) {
        const m = /([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(readFileSync(out, 'utf8'));
        if (m) {
          seconds = Number(m[1]);
          cpuSeconds = Number(m[2]) + Number(m[3]);
          hwmKb = Number(m[4]);
        }
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ seconds, ...(cpuSeconds !== undefined ? { cpuSeconds } : {}), rssMb: hwmKb / 1024, stdout, stderr, status });
    });
  });
}
