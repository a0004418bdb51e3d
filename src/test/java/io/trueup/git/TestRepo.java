package io.trueup.git;

import io.trueup.desired.Sha;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/** A git repository with a work tree in a test directory, committed to with JGit. */
final class TestRepo implements AutoCloseable {

    private static final PersonIdent AUTHOR = new PersonIdent("Test", "test@example.com");

    private final Path dir;
    private final Git git;

    private TestRepo(Path dir, Git git) {
        this.dir = dir;
        this.git = git;
    }

    /** A new repository whose first branch is {@code branch}. */
    static TestRepo init(Path dir, String branch) throws GitAPIException {
        return new TestRepo(dir, Git.init().setDirectory(dir.toFile()).setInitialBranch(branch).call());
    }

    /** The existing repository at {@code dir}. */
    static TestRepo open(Path dir) throws IOException {
        return new TestRepo(dir, Git.open(dir.toFile()));
    }

    Path dir() {
        return dir;
    }

    /** Writes {@code path} in the work tree without committing it. */
    TestRepo write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return this;
    }

    /** Writes the files, commits everything and returns the new commit. */
    Sha commit(String message, Map<String, String> files) throws IOException, GitAPIException {
        for (var file : files.entrySet()) {
            write(file.getKey(), file.getValue());
        }
        git.add().addFilepattern(".").call();
        return new Sha(git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call().name());
    }

    Sha commit(String message, String path, String content) throws IOException, GitAPIException {
        return commit(message, Map.of(path, content));
    }

    @Override
    public void close() {
        git.close();
    }
}
