package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Parts sent to a host once, then run from its copy: over MINA's embedded server, with a real {@code sh}. */
@Timeout(60)
class KeepingShellTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A part with a quote, a dollar and a line of its own, as the host scripts have. */
    private static final RemoteCommand.Part GREET = RemoteCommand.Part.of("""
            greet() { printf '%s, %s\\n' "it's" "$1"; }
            greeting=set
            """);
    private static final RemoteCommand.Part COUNT = RemoteCommand.Part.of("""
            count() { echo x >> "$1/count"; }
            """);

    @TempDir
    Path dir;
    SshFixture fixture;
    /** Every command line the keeping shell sent, as MINA sent it. */
    final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    KeepingShell shell;
    Path home;

    @BeforeEach
    void connect() throws IOException {
        fixture = SshFixture.in(dir);
        MinaRemoteShell mina = fixture.shell();
        shell = new KeepingShell(recording(mina));
        home = dir.resolve("host");
        Files.createDirectories(home.resolve("base/.trueup"));
        Files.writeString(home.resolve("base/.trueup/base"), "hello/test\nThe base directory of hello/test.\n");
    }

    @AfterEach
    void close() throws Exception {
        fixture.close();
    }

    @Test
    void aPartIsSentOnceAndThenRunFromTheCopyTheHostKeeps() throws IOException {
        RemoteCommand greet = greeting("base");

        CommandResult first = shell.run(fixture.target(), greet, TIMEOUT);
        CommandResult second = shell.run(fixture.target(), greet, TIMEOUT);

        assertEquals("it's, world set\n", first.stdout(), first.stderr());
        assertEquals(first.stdout(), second.stdout(), second.stderr());
        assertTrue(sent.get(0).contains("greet()"), "the first command carries the part");
        assertFalse(sent.get(1).contains("greet()"), "the second runs the host's copy: " + sent.get(1));
        assertTrue(sent.get(1).length() < sent.get(0).length());
        assertEquals(1, sent.get(1).split("for trueup_p in ", -1).length - 1,
                "every part kept and only defining: checked and read in one loop: " + sent.get(1));
        Path copy = home.resolve("base/.trueup/scripts/" + GREET.hash());
        assertEquals(GREET.text(), Files.readString(copy), "kept whole, under its hash");
        assertEquals(List.of(GREET.hash()), list(home.resolve("base/.trueup/scripts")), "no temporary file left");
    }

    @Test
    void partsSentAlongAreKeptWithTheFirstSentSoThatALaterCommandCarriesNone() throws IOException {
        RemoteCommand.Keep along = new RemoteCommand.Keep("base/.trueup/scripts", "base/.trueup/base", "hello/test",
                List.of(GREET, COUNT));
        RemoteCommand greet = new RemoteCommand("greet", "greet world | tr -d '\\n'\necho \" $greeting\"\n",
                List.of("base")).withParts(new RemoteCommand.Parts(List.of(GREET), Optional.of(along)));
        RemoteCommand count = new RemoteCommand("count", "count \"$1\"\necho counted\n", List.of("base"))
                .withParts(new RemoteCommand.Parts(List.of(COUNT), Optional.of(along)));

        CommandResult first = shell.run(fixture.target(), greet, TIMEOUT);
        CommandResult later = shell.run(fixture.target(), count, TIMEOUT);

        assertEquals("it's, world set\n", first.stdout(), first.stderr());
        assertFalse(first.stderr().contains("count"), "the part sent along is kept, not run: " + first.stderr());
        assertTrue(sent.get(0).contains("count()"), "sent along with the first: " + sent.get(0));
        assertEquals("counted\n", later.stdout(), later.stderr());
        assertFalse(sent.get(1).contains("count()"), "the later command runs the host's copy: " + sent.get(1));
        assertEquals(java.util.Set.of(COUNT.hash(), GREET.hash()),
                java.util.Set.copyOf(list(home.resolve("base/.trueup/scripts"))), "both kept, nothing else");
        assertEquals(2, sent.size(), "no command twice");
    }

    @Test
    void aDeployCommandSentWholeWithEveryScriptAlongStaysFarBelowTheLimitOfOneArgument() {
        // Linux takes at most 128 KiB in one argument (MAX_ARG_STRLEN): the command is one for the
        // login shell's -c, and its script one for the sh -c inside it.
        var spec = io.trueup.support.Specs.spec(io.trueup.support.Specs.sha('a'), io.trueup.support.Specs.env('1'),
                "web1").withTransport(io.trueup.desired.Transport.ARCHIVE);
        RemoteCommand command = io.trueup.host.HostCommands.command(spec,
                List.of(io.trueup.host.HostCommands.cleanup()));

        String rendered = command.as(KeepingShell.script(command, java.util.Set.of())).render();

        assertTrue(rendered.contains("step_gc()") && rendered.contains("step_verify()"), "every script along");
        assertTrue(rendered.length() < 96 * 1024, rendered.length() + " characters");
    }

    @Test
    void aHostWithoutTheDirectoryAboveKeepsNothingAndIsSentThePartEachTime() {
        RemoteCommand greet = greeting("elsewhere");

        for (int i = 0; i < 2; i++) {
            CommandResult result = shell.run(fixture.target(), greet, TIMEOUT);
            assertEquals("it's, world set\n", result.stdout(), result.stderr());
        }

        assertTrue(sent.stream().allMatch(line -> line.contains("greet()")));
        assertFalse(Files.exists(home.resolve("elsewhere")), "nothing made where the directory above is missing");
    }

    @Test
    void aDirectoryMarkedAsAnothersKeepsNothing() throws IOException {
        Files.createDirectories(home.resolve("shop/.trueup"));
        Files.writeString(home.resolve("shop/.trueup/base"), "shop/prod\n");

        for (int i = 0; i < 2; i++) {
            CommandResult result = shell.run(fixture.target(), greeting("shop"), TIMEOUT);
            assertEquals("it's, world set\n", result.stdout(), result.stderr());
        }

        assertTrue(sent.stream().allMatch(line -> line.contains("greet()")));
        assertEquals(List.of("base"), list(home.resolve("shop/.trueup")), "nothing written in another's directory");
    }

    @Test
    void partsFoundGoneAreSentInTheSameCallAndKeptAgain() throws IOException {
        RemoteCommand greet = greeting("base");
        shell.run(fixture.target(), greet, TIMEOUT);
        Files.delete(home.resolve("base/.trueup/scripts/" + GREET.hash()));

        CommandResult result = shell.run(fixture.target(), greet, TIMEOUT);

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("it's, world set\n", result.stdout(), "the caller sees the command's own output alone");
        assertEquals(3, sent.size(), "the short command, then at once the whole one");
        assertTrue(Files.exists(home.resolve("base/.trueup/scripts/" + GREET.hash())));
        shell.run(fixture.target(), greet, TIMEOUT);
        assertFalse(sent.get(3).contains("greet()"), "kept again");
    }

    @Test
    void anEmptiedCopyCountsAsGoneAndIsWrittenAgain() throws IOException {
        RemoteCommand greet = greeting("base");
        shell.run(fixture.target(), greet, TIMEOUT);
        Path copy = home.resolve("base/.trueup/scripts/" + GREET.hash());
        Files.writeString(copy, ""); // as a power loss can leave a file just renamed

        CommandResult result = shell.run(fixture.target(), greet, TIMEOUT);

        assertEquals("it's, world set\n", result.stdout(), result.stderr());
        assertEquals(GREET.text(), Files.readString(copy), "written again, whole");
    }

    @Test
    void aCommandThatExitsWithTheGoneCodeOfItsOwnRunsOnce() throws IOException {
        RemoteCommand counting = new RemoteCommand("count", "count \"$1\"\nexit 79\n", List.of("base"))
                .withParts(new RemoteCommand.Parts(List.of(COUNT), keep("base")));
        shell.run(fixture.target(), counting, TIMEOUT);

        CommandResult result = shell.run(fixture.target(), counting, TIMEOUT);

        assertEquals(79, result.exitCode());
        assertEquals(2, Files.readAllLines(home.resolve("base/count")).size(), "each call ran the command once");
    }

    @Test
    void aListenerHearsOnlyTheCommandsLinesAndItsAnswerIsRead() {
        RemoteCommand ask = new RemoteCommand("ask", "greet asked\nread -r word\necho \"got $word\"\n", List.of())
                .withParts(new RemoteCommand.Parts(List.of(GREET), keep("base")));
        for (int i = 0; i < 2; i++) {
            List<String> heard = new ArrayList<>();
            CommandResult result = shell.run(fixture.target(), ask, TIMEOUT, line -> {
                heard.add(line);
                return line.startsWith("it's") ? Optional.of("go") : Optional.empty();
            });
            assertEquals(List.of("it's, asked", "got go"), heard, "run " + i);
            assertEquals("it's, asked\ngot go\n", result.stdout());
        }
    }

    @Test
    void keptAndSentPartsRunInTheirOrderAndOneGoneAmongThemSendsThemAll() throws IOException {
        RemoteCommand.Part later = RemoteCommand.Part.of("later=\"$greeting-then\"\n");
        RemoteCommand.Part says = RemoteCommand.Part.running("echo \"ran with $1 $greeting ${later:-}\"\n");
        RemoteCommand first = new RemoteCommand("first", "", List.of("base"))
                .withParts(new RemoteCommand.Parts(List.of(GREET, COUNT, says), keep("base")));
        RemoteCommand mixed = new RemoteCommand("mixed", "count \"$1\"\necho after\n", List.of("base"))
                .withParts(new RemoteCommand.Parts(List.of(GREET, COUNT, later, says), keep("base")));
        shell.run(fixture.target(), first, TIMEOUT);

        CommandResult result = shell.run(fixture.target(), mixed, TIMEOUT);

        assertEquals("ran with base set set-then\nafter\n", result.stdout(), result.stderr());
        String line = sent.get(1);
        assertTrue(line.contains("for trueup_p in " + GREET.hash() + " " + COUNT.hash() + "; do command . "),
                "the kept parts that only define are read in one loop: " + line);
        assertTrue(line.indexOf("eval \"$trueup_part0\"") < line.indexOf(". \"$trueup_keep_in/" + says.hash() + "\""),
                "the part sent runs before the kept one after it: " + line);

        Files.delete(home.resolve("base/.trueup/scripts/" + COUNT.hash()));
        CommandResult again = shell.run(fixture.target(), mixed, TIMEOUT);

        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals("ran with base set set-then\nafter\n", again.stdout());
        assertEquals(4, sent.size(), "one part gone: the short command, then at once the whole one");
        assertEquals(2, Files.readAllLines(home.resolve("base/count")).size(), "each command ran once");
    }

    @Test
    void theWholeCommandRunsAsItIsWithoutAKeepingShell() {
        CommandResult result = fixture.shell().run(fixture.target(), greeting("base"), TIMEOUT);

        assertEquals("it's, world set\n", result.stdout(), result.stderr());
        assertFalse(Files.exists(home.resolve("base/.trueup/scripts")));
    }

    private static RemoteCommand greeting(String base) {
        return new RemoteCommand("greet", "greet world | tr -d '\\n'\necho \" $greeting\"\n", List.of(base))
                .withParts(new RemoteCommand.Parts(List.of(GREET), keep(base)));
    }

    /** Kept in {@code <base>/.trueup/scripts} while {@code <base>/.trueup/base} names hello/test. */
    private static Optional<RemoteCommand.Keep> keep(String base) {
        return Optional.of(new RemoteCommand.Keep(base + "/.trueup/scripts", base + "/.trueup/base", "hello/test"));
    }

    private static List<String> list(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private RemoteShell recording(RemoteShell mina) {
        return new RemoteShell() {
            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout) {
                sent.add(command.render());
                return mina.run(target, command, timeout);
            }

            @Override
            public CommandResult run(SshTarget target, RemoteCommand command, Duration timeout,
                    StdoutListener listener) {
                sent.add(command.render());
                return mina.run(target, command, timeout, listener);
            }

            @Override
            public Process start(SshTarget target, String commandLine) {
                return mina.start(target, commandLine);
            }
        };
    }
}
