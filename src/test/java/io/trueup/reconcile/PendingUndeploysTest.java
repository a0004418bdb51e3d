package io.trueup.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trueup.desired.AppEnv;
import io.trueup.desired.HostAddress;
import io.trueup.desired.Removal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hosts pending undeploy, kept in trueup's state directory across restarts. */
class PendingUndeploysTest {

    private static final AppEnv ID = new AppEnv("hello", "prod");

    @TempDir
    Path dir;

    private static PendingUndeploys.Pending pending(String host, Optional<String> stop) {
        return new PendingUndeploys.Pending(new Removal(ID, HostAddress.parse(host), "/srv/hello", "deploy", stop),
                "a".repeat(40), "sha256:" + "e".repeat(64), "b".repeat(40), Instant.parse("2026-12-06T10:00:00Z"),
                false, Optional.empty(), false);
    }

    @Test
    void whatIsPendingIsReadBackAfterARestart() {
        Path file = dir.resolve("undeploys.json");
        PendingUndeploys before = new FilePendingUndeploys(file);
        before.add(pending("web1", Optional.of("sudo systemctl stop hello")));
        before.add(pending("web2:2222", Optional.empty()));
        before.update(new PendingUndeploys.Key(ID, HostAddress.parse("web2:2222")), PendingUndeploys.Pending::approve);

        PendingUndeploys after = new FilePendingUndeploys(file);

        assertEquals(before.all(), after.all());
        assertEquals(List.of(false, true), after.all().stream().map(PendingUndeploys.Pending::approved).toList());
    }

    @Test
    void anEntryThatBreaksTheDesiredStateRulesIsDroppedWhenReadBack() throws Exception {
        Path file = dir.resolve("undeploys.json");
        PendingUndeploys before = new FilePendingUndeploys(file);
        before.add(pending("web1", Optional.of("sudo systemctl stop hello")));
        before.add(pending("web2", Optional.of("sudo systemctl stop hello")));
        Files.writeString(file, Files.readString(file).replaceFirst("\"/srv/hello\"", "\"/srv/../etc\""));

        PendingUndeploys after = new FilePendingUndeploys(file);

        assertEquals(List.of(HostAddress.parse("web2")),
                after.all().stream().map(p -> p.removal().host()).toList());
    }
}
