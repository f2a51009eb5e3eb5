package dev.fluxgate;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The default workers of the policies that run synchronous calls on another thread ({@link Timeout},
 * {@link Hedge}): a virtual thread per task where the JDK has them (21 and later), else a cached pool
 * of daemon threads that end after a minute idle.
 */
final class Workers {

    private Workers() {
    }

    /**
     * A new default executor; {@code prefix} names the daemon threads of the fallback pool.
     *
     * @param prefix the thread name prefix, e.g. {@code fluxgate-hedge}
     * @return virtual threads on JDK 21+, a cached daemon pool before
     */
    static ExecutorService create(String prefix) {
        try {
            // Reflection keeps the --release 17 build free of preview/unknown-API warnings.
            Method virtual = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) virtual.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException notAvailable) {
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                    Calls.daemonThreads(prefix));
        }
    }
}
