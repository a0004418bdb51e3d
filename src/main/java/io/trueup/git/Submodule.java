package io.trueup.git;

import io.trueup.desired.Sha;

/**
 * A submodule of an app's commit, at any depth: where it is checked out, the name
 * {@code .gitmodules} gives it, the URL its commit was fetched from and the commit pinned there.
 *
 * @param path its path in the release, from the release's root (a nested one's path includes
 *     the paths of the submodules around it)
 * @param name its name in the {@code .gitmodules} of the repository that holds it
 * @param url where its commit is fetched from, relative URLs resolved
 * @param commit the commit the tree around it pins
 */
public record Submodule(String path, String name, String url, Sha commit) {
}
