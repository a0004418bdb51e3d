/**
 * Rendering an app's config: the templates of its {@code config} (files of the desired-state
 * repository) rendered per host with Qute, with the variables of desired state and secrets read
 * from outside git. {@link io.trueup.render.ConfigRenderer} is the entry point; the only package
 * that uses Qute's engine for config. A secret's value is only ever in the rendered files (which
 * go to hosts) and in what masks it ({@link io.trueup.desired.RenderedConfig#redact}).
 */
package io.trueup.render;
