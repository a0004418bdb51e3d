package io.trueup.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trueup.TrueupException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code trueup.cluster.replica}: a name Quartz and the leases can keep, or trueup does not start. */
class ReplicaNameTest {

    private static TrueupConfig.Cluster named(Optional<String> replica) {
        return new TrueupConfig.Cluster() {
            @Override
            public Optional<String> replica() {
                return replica;
            }

            @Override
            public Duration checkinInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration leaseTtl() {
                return Duration.ofSeconds(30);
            }

            @Override
            public int threads() {
                return 10;
            }
        };
    }

    @Test
    void aNameIsKeptAsWritten() {
        assertEquals("trueup-2.eu_west", Wiring.replica(named(Optional.of("trueup-2.eu_west"))));
    }

    @Test
    void aNameWithOtherCharactersOrTooLongIsRefusedNamingTheKey() {
        for (String bad : new String[] {"", "r 1", "r1;drop", "x".repeat(64), "ré"}) {
            TrueupException e = assertThrows(TrueupException.class, () -> Wiring.replica(named(Optional.of(bad))));
            assertTrue(e.getMessage().startsWith("trueup.cluster.replica: '" + bad + "' is not a replica name"),
                    e.getMessage());
        }
    }

    @Test
    void withoutANameTheHostNameIsTaken() {
        String name = Wiring.replica(named(Optional.empty()));
        assertTrue(name.matches("[A-Za-z0-9._-]{1,63}"), name);
    }
}
