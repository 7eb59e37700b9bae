// Opens COUNT idle TCP connections from FROM to 127.0.0.1:PORT (argv: port count from) and holds
// them; prints one JSON line {"opened", "open"} once every attempt has settled and the server had
// a second to close what it would not keep, then holds them until its standard input closes (or
// 60 s pass). Run in a process of its own with a high file limit (prlimit), since one process
// holding 20,000 sockets needs more descriptors than a test runner has.
import net from 'node:net';

const [port, count, from] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const sockets = new Set();
let settled = 0;
let opened = 0;

function settle() {
  if (++settled < count) return;
  setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ opened, open: sockets.size })}\n`);
  }, 1000);
}

let next = 0;
function openMore() {
  // At most 500 connects in flight: the listen backlog stays far from full.
  while (next < count && next - settled < 500) {
    next++;
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let done = false;
    const finish = () => { if (!done) { done = true; settle(); openMore(); } };
    socket.once('connect', () => { opened++; sockets.add(socket); finish(); });
    socket.once('error', () => { sockets.delete(socket); finish(); });
    socket.once('close', () => { sockets.delete(socket); finish(); });
  }
}
openMore();

const stop = () => { for (const s of sockets) s.destroy(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.resume();
setTimeout(stop, 60000);
