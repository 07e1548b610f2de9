import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export type Measured = { seconds: number; peakRssMb: number; output: string }

/**
 * Runs a shell command and measures its wall time and peak RSS (the largest resident set of it or any child),
 * with GNU time when present, else Python's getrusage. Throws with the output when the command fails.
 */
export function measure(command: string, env: Record<string, string> = {}): Measured {
  const options = { encoding: 'utf8' as const, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }
  if (existsSync('/usr/bin/time')) {
    const result = spawnSync('/usr/bin/time', ['-f', '__MEASURE__ %e %M', 'bash', '-c', command], options)
    const line = /__MEASURE__ ([\d.]+) (\d+)/.exec(result.stderr)
    if (result.status !== 0 || !line) throw new Error(`measure: "${command}" failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
    return { seconds: Number(line[1]), peakRssMb: Number(line[2]) / 1024, output: result.stdout }
  }
  const script =
    'import resource,subprocess,sys,time\nt=time.time()\nr=subprocess.run(["bash","-c",sys.argv[1]])\n' +
    'sys.stderr.write("__MEASURE__ %f %d\\n" % (time.time()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\nsys.exit(r.returncode)'
  const result = spawnSync('python3', ['-c', script, command], options)
  const line = /__MEASURE__ ([\d.]+) (\d+)/.exec(result.stderr)
  if (result.status !== 0 || !line) throw new Error(`measure: "${command}" failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
  return { seconds: Number(line[1]), peakRssMb: Number(line[2]) / 1024, output: result.stdout }
}
