/**
 * Deciding what to do, without doing it. {@link io.trueup.plan.Planner#plan} is a pure
 * function of an app/environment's desired spec and what inspection saw on each host; it
 * returns a {@link io.trueup.plan.Plan}: per host, the drift found and the ordered
 * {@link io.trueup.plan.Action}s that bring it to the desired state, and the batches the
 * rollout goes in.
 *
 * <p>The phases of a host's deploy, each a step whose failure stops that host:
 * <ol>
 * <li>{@code Cleanup}: remove what an interrupted step left;
 * <li>{@code Prepare}: make the base directory and bare repository (first deploy only);
 * <li>{@code Push}: send the commit's missing objects to {@code repo.git};
 * <li>{@code Verify}: only in a plan made from an earlier inspection
 *     ({@link io.trueup.observe.Inspection.Recalled}): check that the host is still as seen;
 * <li>{@code MakeRelease}: a fresh local clone in {@code releases/<name>} (replacing one
 *     modified by hand), with its shared paths linked and its config rendered; the name is the
 *     SHA, and the hash of the rendered config for an app with config;
 * <li>{@code BuildEnv}: the virtualenv for the requirements hash, only if not present;
 * <li>{@code Build}: {@code hooks.build} in a release just made;
 * <li>{@code Migrate}: {@code hooks.migrate}, on one host of a rollout of a new release
 *     ({@link io.trueup.plan.Plan#migrateOn});
 * <li>{@code BeforeSwitch}, {@code Switch}: point {@code current} at the release, atomically;
 * <li>{@code Restart}, then {@code CheckHealth}, then {@code AfterSwitch};
 * <li>{@code Prune}: releases beyond {@code keep} and envs no kept release uses.
 * </ol>
 * A host already at the desired release, pristine, with its env present gets no action at
 * all, so no write.
 */
package io.trueup.plan;
