package io.trueup.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * A git repository with a working tree, as a person keeps one: made, and committed to, by
 * the embedded demo and by tests standing in for the people who write apps and desired state.
 */
public final class WorkingRepo {

    private static final PersonIdent TRUEUP = new PersonIdent("trueup demo", "demo@trueup.invalid");

    private final Path dir;

    private WorkingRepo(Path dir) {
        this.dir = dir;
    }

    /** Opens the repository at {@code dir}, making it (on branch {@code main}) if it is not one yet. */
    public static WorkingRepo open(Path dir) {
        try {
            if (!Files.isDirectory(dir.resolve(".git"))) {
                Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call().close();
            }
            return new WorkingRepo(dir);
        } catch (GitAPIException e) {
            throw new GitException("cannot make a git repository in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Commits every change in the working tree (added, modified, deleted); returns the new commit id. */
    public String commitAll(String message) {
        try (Git git = Git.open(dir.toFile())) {
            git.add().addFilepattern(".").call();
            git.add().setUpdate(true).addFilepattern(".").call();
            RevCommit commit = git.commit().setMessage(message).setAuthor(TRUEUP).setCommitter(TRUEUP)
                    .setSign(false).setAllowEmpty(true).call();
            return commit.getName();
        } catch (IOException | GitAPIException e) {
            throw new GitException("cannot commit in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The commit id {@code HEAD} is at. */
    public String head() {
        try (Git git = Git.open(dir.toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        } catch (IOException e) {
            throw new GitException("cannot read HEAD of " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reverts {@code commit} with a new commit, as {@code git revert} does; returns the new commit id. */
    public String revert(String commit) {
        try (Git git = Git.open(dir.toFile())) {
            RevCommit reverted = git.revert().include(git.getRepository().resolve(commit)).call();
            if (reverted == null) {
                throw new GitException("cannot revert " + commit + " in " + dir + ": conflicts");
            }
            return reverted.getName();
        } catch (IOException | GitAPIException e) {
            throw new GitException("cannot revert " + commit + " in " + dir + ": " + e.getMessage(), e);
        }
    }
}
