/**
 * trueup's git adapter, the only package that uses JGit.
 *
 * <ul>
 *   <li>{@link io.trueup.git.DesiredStateSource} (port) and
 *       {@link io.trueup.git.GitDesiredStateSource}: desired state from one branch, fetched
 *       into a local bare mirror and read from commit trees as {@link io.trueup.git.Snapshot}s.
 *   <li>{@link io.trueup.git.AppMirrors}: a bare mirror per app; a pinned commit already
 *       present is read without network, a missing one makes the mirror fetch.
 *   <li>{@link io.trueup.git.CommitPusher} (port) and {@link io.trueup.git.JGitCommitPusher}:
 *       pushes a commit from an app's mirror to a host's bare repository over trueup's pooled
 *       SSH connection, sending only the objects the host lacks.
 *   <li>{@link io.trueup.git.GitSsh}: strict SSH settings for {@code ssh://} repository URLs.
 * </ul>
 *
 * <p>Failures surface as {@link io.trueup.git.GitException}s whose messages name the
 * repository URL (or host and path), the ref or commit, and the cause.
 */
package io.trueup.git;
