package cn.tongban.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder to a server on this machine: while it is cut, its port refuses
 * connections and every connection through it is gone, as if the network to the server were down.
 */
public final class TcpProxy implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;
    private ServerSocket listener;

    /** Listens on a free loopback port at once; connections are dropped until {@link #forwardTo}. */
    public TcpProxy() {
        listener = listen(0);
        port = listener.getLocalPort();
    }

    public int port() {
        return port;
    }

    /** "127.0.0.1:port", for clients. */
    public String address() {
        return LOOPBACK.getHostAddress() + ":" + port;
    }

    public void forwardTo(int targetPort) {
        this.target = targetPort;
    }

    /** The server becomes unreachable: the port refuses connections, open ones are closed. */
    public synchronized void cut() {
        quietly(listener);
        open.forEach(TcpProxy::quietly);
        open.clear();
    }

    /** The server is reachable again on the same port. */
    public synchronized void restore() {
        if (listener.isClosed()) {
            listener = listen(port);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private ServerSocket listen(int on) {
        ServerSocket socket;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(LOOPBACK, on));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accepting = new Thread(() -> accept(socket), "tcp-proxy-" + socket.getLocalPort());
        accepting.setDaemon(true);
        accepting.start();
        return socket;
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // cut
            }
            Socket server = null;
            try {
                server = new Socket(LOOPBACK, target);
                open.add(client);
                open.add(server);
                if (socket.isClosed()) { // cut while this one was being accepted
                    throw new IOException("cut");
                }
                pump(client, server);
                pump(server, client);
            } catch (IOException | IllegalArgumentException e) {
                quietly(client);
                quietly(server);
            }
        }
    }

    /** Copies one direction until it ends; then the connection is over both ways. */
    private void pump(Socket from, Socket to) {
        Thread copying = new Thread(
                () -> {
                    try {
                        from.getInputStream().transferTo(to.getOutputStream());
                    } catch (IOException e) {
                        // closed by cut() or by either side
                    } finally {
                        quietly(from);
                        quietly(to);
                        open.remove(from);
                        open.remove(to);
                    }
                },
                "tcp-proxy-pump");
        copying.setDaemon(true);
        copying.start();
    }

    private static void quietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // already closed
        }
    }
}
