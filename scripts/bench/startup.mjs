// CLI start-up: `eskeys --help` and `eskeys lint roles/` against bare `node -e ""`.
// Target: each at most 2.5x bare node (commands load lazily; lint never loads the client).
import { CLI, interleaved, report, runTimed } from './lib.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const medians = await interleaved(
  {
    bare: () => runTimed(process.execPath, ['-e', '']),
    help: () => runTimed(process.execPath, [CLI, '--help']),
    lint: () => runTimed(process.execPath, [CLI, 'lint', 'roles/']),
  },
  rounds,
);
const results = [];
for (const name of ['help', 'lint']) {
  const ratio = medians[name] / medians.bare;
  results.push(
    report(
      `startup ${name === 'help' ? 'eskeys --help' : 'eskeys lint roles/'}`,
      `${medians[name].toFixed(1)} ms vs bare node ${medians.bare.toFixed(1)} ms`,
      `${ratio.toFixed(2)}x`,
      '<= 2.5x',
      ratio <= 2.5,
    ),
  );
}
export default results;
