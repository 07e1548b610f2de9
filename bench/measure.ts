import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

export type Measured = { seconds: number; peakRssMb: number; output: string }

/**
 * Runs a shell command and measures its wall time and peak RSS (the largest resident set of it or any child),
 * with GNU time when present, else Python's getrusage. Asynchronous, so servers in this process keep answering.
 * Rejects with the output when the command fails.
 */
export function measure(command: string, env: Record<string, string> = {}): Promise<Measured> {
  if (process.env.MODELDAO_BENCH_DEBUG) console.error(`bench: ${command}`)
  const [program, args] = existsSync('/usr/bin/time')
    ? ['/usr/bin/time', ['-f', '__MEASURE__ %e %M', 'bash', '-c', command]]
    : [
        'python3',
        [
          '-c',
          'import resource,subprocess,sys,time\nt=time.time()\nr=subprocess.run(["bash","-c",sys.argv[1]])\n' +
            'sys.stderr.write("__MEASURE__ %f %d\\n" % (time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\nsys.exit(r.returncode)',
          command,
        ],
      ]
  return new Promise((resolve, reject) => {
    const child = spawn(program as string, args as string[], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('error', reject)
    child.once('close', (code) => {
      const line = /__MEASURE__ ([\d.]+) (\d+)/.exec(stderr)
      if (code !== 0 || !line) return reject(new Error(`measure: "${command}" failed (${code}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`))
      resolve({ seconds: Number(line[1]), peakRssMb: Number(line[2]) / 1024, output: stdout })
    })
  })
}
