// Echo server on raw Node `net`: the baseline. Prints its port, serves until killed.
import net from 'node:net';
import './report_cpu.mjs';

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (data) => socket.write(data));
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
