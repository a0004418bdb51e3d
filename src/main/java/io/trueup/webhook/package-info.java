/**
 * Webhooks that make trueup fetch desired state as soon as it changes, instead of at the next
 * poll: {@link io.trueup.webhook.Webhooks} decides what a call from GitHub, GitLab or a
 * generic sender comes to ({@link io.trueup.webhook.Outcome}), after
 * {@link io.trueup.webhook.Signatures} checks it against the shared secret. The HTTP edge
 * ({@code api.WebhookResource}) reads bodies through {@link io.trueup.webhook.BoundedBody} and
 * hands triggers to {@code reconcile.Trigger}, which coalesces bursts.
 */
package io.trueup.webhook;
