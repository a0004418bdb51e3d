/**
 * Who may read and act over HTTP, through Quarkus's own HTTP security (vertx-http): a bearer
 * token mechanism and identity providers that map {@code trueup.api.read-token},
 * {@code trueup.api.token} and {@code trueup.metrics.token} to roles, the dashboard's form login
 * (Quarkus's form authentication, with its encrypted session cookie), and the named path policies
 * {@code application.properties} puts on {@code /}, {@code /api/*} and {@code /q/metrics}.
 * Actions still check {@code trueup.api.token} themselves ({@code api.ControlResource}).
 */
package io.trueup.access;
