/**
 * The platform floor: a Node process whose only work is a timer at the monitor's poll interval.
 * Whatever it costs, every poller on this machine pays before doing any work of its own.
 */
const pollMs = Number(process.argv[2] ?? 100);
setInterval(() => {}, pollMs);
