package io.trueup.ssh;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.sshd.client.session.ClientSession;

/**
 * At most one open session per target, made on first use and made again once it has closed.
 * Callers asking for the same target while its session is being made wait for that one; no
 * two sessions for a target are ever made at once. Safe to call from many threads.
 */
final class SessionPool implements AutoCloseable {

    private final Function<SshTarget, ClientSession> opener;
    private final ConcurrentMap<SshTarget, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicInteger opened = new AtomicInteger();
    private volatile boolean closed;

    /** @param opener makes an authenticated session, or throws a {@link RemoteException} */
    SessionPool(Function<SshTarget, ClientSession> opener) {
        this.opener = opener;
    }

    /** The open session for {@code target}, made now if there is none. */
    ClientSession session(SshTarget target) {
        Slot slot = slots.computeIfAbsent(target, t -> new Slot());
        ClientSession current = slot.session;
        if (current != null && current.isOpen()) {
            return current;
        }
        try {
            slot.lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostUnreachableException(target, "interrupted while waiting to connect to " + target, e);
        }
        try {
            return slot.openSession(target);
        } finally {
            slot.lock.unlock();
        }
    }

    /** How many sessions have been made since this pool was. */
    int opened() {
        return opened.get();
    }

    /** Closes every session; later calls to {@link #session} fail. */
    @Override
    public void close() {
        closed = true;
        for (Slot slot : slots.values()) {
            slot.lock.lock();
            try {
                if (slot.session != null) {
                    slot.session.close(true);
                }
            } finally {
                slot.lock.unlock();
            }
        }
    }

    private final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile ClientSession session;

        /** Called holding {@link #lock}. */
        ClientSession openSession(SshTarget target) {
            if (closed) {
                throw new IllegalStateException("the SSH client is closed; cannot connect to " + target);
            }
            if (session != null && session.isOpen()) {
                return session;
            }
            if (session != null) {
                session.close(true);
            }
            session = opener.apply(target);
            opened.incrementAndGet();
            return session;
        }
    }
}
