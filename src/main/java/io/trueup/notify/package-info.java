/**
 * Notifications: tells people, through the targets configured under {@code trueup.notify}, of
 * what the reconciler raised as a {@link io.trueup.reconcile.Notice}. A {@link Target} turns a
 * notice into one HTTP request (a signed JSON webhook, a Slack message, a GitHub commit status);
 * the {@link Notifier} queues it per target and sends it from that target's own thread, retrying
 * a bounded number of times, so a slow or failing target never holds up a rollout nor another
 * target. Depends on {@code reconcile} for the notice, on the JDK's HTTP client, and on nothing
 * of Quarkus.
 */
package io.trueup.notify;
