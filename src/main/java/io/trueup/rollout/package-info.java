/**
 * Doing what a {@link io.trueup.plan.Plan} says, on real hosts.
 *
 * <p>{@link io.trueup.rollout.RolloutEngine} runs a plan's batches in order: the hosts of a
 * batch in parallel (at most {@code trueup.concurrency} hosts at once across all rollouts),
 * and the next batch only once every host of this one is switched, restarted and healthy.
 * A failed host stops the rollout after its batch. The host that runs {@code hooks.migrate} goes
 * first in its batch, and the others start only once it has migrated; a failed migration stops
 * the rollout with no host switched.
 *
 * <p>{@link io.trueup.rollout.HostDeployer} runs one host's steps in order through the
 * {@link io.trueup.ssh.RemoteShell} and {@link io.trueup.git.CommitPusher} ports, the host's
 * consecutive steps as one SSH command ({@link io.trueup.host.HostCommands#command}). Every step
 * leaves the host usable if it fails: releases appear whole under their final name, envs
 * count only once complete, and {@code current} changes by one atomic rename. A step that
 * fails after the switch (restart, health) switches the host back to the release it ran
 * before and restarts it; the outcome says whether that worked. {@code ActionSteps} says which
 * host step carries out each action of a plan, {@code DeployScript} which commands a deploy runs
 * and where its word to switch goes, and {@code FollowUp} what follows a failure (switch back or
 * not, put back, remove the failed release, history, unlock, or a new plan for a host changed
 * since its inspection): pure functions, which {@code HostDeployer} only carries out. The hooks around a switch
 * ({@code beforeSwitch}, {@code afterSwitch}) run around a switch back too; output shown from a
 * host is masked of the secrets its config holds.
 *
 * <p>{@link io.trueup.rollout.HealthChecker} polls a host's health check after its restart
 * until it passes or its timeout runs out.
 */
package io.trueup.rollout;
