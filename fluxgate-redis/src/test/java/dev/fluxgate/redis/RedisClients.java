package dev.fluxgate.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce clients for tests, each with its own resources (as separate instances of a service would have),
 * reconnecting every 100 ms rather than Lettuce's default of up to 30 s, so that a restarted server is
 * found quickly. {@link #close()} shuts them all down.
 */
final class RedisClients implements AutoCloseable {

    private final List<RedisClient> clients = new ArrayList<>();
    private final List<ClientResources> resources = new ArrayList<>();

    /** A new client and connection to {@code server}. */
    StatefulRedisConnection<byte[], byte[]> connect(RedisServer server) {
        return connect(RedisURI.builder().withHost("127.0.0.1").withPort(server.port()).build());
    }

    /** A new client and connection to {@code uri}. */
    synchronized StatefulRedisConnection<byte[], byte[]> connect(RedisURI uri) {
        ClientResources r = ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .build();
        resources.add(r);
        RedisClient client = RedisClient.create(r, uri);
        clients.add(client);
        return client.connect(ByteArrayCodec.INSTANCE);
    }

    @Override
    public synchronized void close() {
        for (RedisClient c : clients) {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(5));
        }
        for (ClientResources r : resources) {
            r.shutdown(0, 5, TimeUnit.SECONDS);
        }
        clients.clear();
        resources.clear();
    }
}
