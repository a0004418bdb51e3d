package io.trueup.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real {@code git} on a test repository with a work tree, for what JGit's porcelain does not
 * make simply: commits pinning submodules (gitlinks) without checking them out.
 */
public final class GitCli {

    private final Path dir;

    public GitCli(Path dir) {
        this.dir = dir;
    }

    /** A new repository at {@code dir} with one commit of {@code file}; returns it. */
    public static GitCli init(Path dir, String file, String content) throws IOException {
        Files.createDirectories(dir);
        GitCli git = new GitCli(dir);
        git.run("init", "-q", "-b", "main");
        git.commitFile(file, content);
        return git;
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code file}, commits it and returns the new commit. */
    public String commitFile(String file, String content) throws IOException {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        run("add", "--", file);
        return commit("change " + file);
    }

    /**
     * Writes {@code .gitmodules}, points the gitlink at {@code path} to {@code commit}, and
     * commits both; returns the new commit.
     */
    public String pin(String gitmodules, String path, String commit) throws IOException {
        Files.writeString(dir.resolve(".gitmodules"), gitmodules);
        run("add", "--", ".gitmodules");
        run("update-index", "--add", "--cacheinfo", "160000," + commit + "," + path);
        return commit("pin " + path + " at " + commit.substring(0, 7));
    }

    /** {@code .gitmodules} text for one submodule. */
    public static String gitmodules(String name, String path, String url) {
        return "[submodule \"" + name + "\"]\n\tpath = " + path + "\n\turl = " + url + "\n";
    }

    public String head() {
        return run("rev-parse", "HEAD").strip();
    }

    private String commit(String message) {
        run("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "--no-gpg-sign", "-m", message);
        return head();
    }

    /** Runs git in the repository; returns its stdout, or fails the test. */
    public String run(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    /** Runs {@code command}; returns its stdout, or fails the test naming it and its stderr. */
    public static String exec(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not finish: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new AssertionError(command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(command + " interrupted", e);
        }
    }
}
