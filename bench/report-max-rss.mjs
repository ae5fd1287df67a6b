// Preloaded with `node --import` by the big-send benchmark: prints the process's peak resident
// set (KiB) as the last line on stderr when it exits.
process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
