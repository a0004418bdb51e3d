package io.trueup.reconcile;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The hosts that left desired state and are not undeployed yet, kept across restarts of trueup
 * and shared by its replicas. Only what an undeploy needs is kept (no spec: its rendered config
 * may hold secrets), and each entry is checked again when read. Implementations are
 * thread-safe: {@link FilePendingUndeploys} and {@code io.trueup.store.PostgresPendingUndeploys}.
 */
public interface PendingUndeploys {

    /**
     * One host to undeploy.
     *
     * @param sha the SHA last desired for it, for the histories
     * @param requirementsHash the requirements hash last desired for it, for the histories
     * @param removedIn the desired-state revision that removed it
     * @param since when trueup saw it removed
     * @param approved whether an operator asked for the undeploy (trueup.undeploy=manual)
     * @param error why its last undeploy did not happen, if it did not
     * @param failed whether that was a host's step (not the network): then only an operator tries again
     */
    record Pending(Removal removal, String sha, String requirementsHash, String removedIn, Instant since,
            boolean approved, Optional<String> error, boolean failed) {

        public Key key() {
            return new Key(removal.id(), removal.host());
        }

        public Pending approve() {
            return new Pending(removal, sha, requirementsHash, removedIn, since, true, Optional.empty(), false);
        }

        public Pending failed(String why, boolean transientFailure) {
            return new Pending(removal, sha, requirementsHash, removedIn, since, approved && transientFailure,
                    Optional.of(why), !transientFailure);
        }
    }

    /** Which host of which app/environment. */
    record Key(AppEnv id, HostAddress host) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byId = id.compareTo(other.id);
            return byId != 0 ? byId : host.compareTo(other.host);
        }
    }

    /** One entry as the stores hold it: plain values, checked again when read. */
    record Stored(String app, String env, String host, String path, String user, String stop, String sha,
            String requirementsHash, String removedIn, Instant since, boolean approved, String error, boolean failed) {

        public static Stored of(Pending p) {
            Removal r = p.removal();
            return new Stored(r.id().app(), r.id().env(), r.host().toString(), r.path(), r.user(),
                    r.stop().orElse(null), p.sha(), p.requirementsHash(), p.removedIn(), p.since(), p.approved(),
                    p.error().orElse(null), p.failed());
        }

        /** @throws IllegalArgumentException when a value breaks the desired-state rules */
        public Pending pending() {
            Removal removal = new Removal(new AppEnv(app, env), HostAddress.parse(host), path, user,
                    Optional.ofNullable(stop));
            return new Pending(removal, String.valueOf(sha), String.valueOf(requirementsHash),
                    String.valueOf(removedIn), since == null ? Instant.EPOCH : since, approved,
                    Optional.ofNullable(error), failed);
        }
    }

    List<Pending> all();

    List<Pending> of(AppEnv id);

    Optional<Pending> get(Key key);

    /** Adds {@code p} unless its host is pending already (the first removal is the one that counts). */
    void add(Pending p);

    /** Changes the entry of {@code key}, if there is one. */
    void update(Key key, UnaryOperator<Pending> change);

    /** Forgets the entry of {@code key}; true if there was one. */
    boolean remove(Key key);
}
