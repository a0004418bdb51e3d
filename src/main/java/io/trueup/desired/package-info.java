/**
 * Desired state: the records that say what should run where, and the reading of a
 * desired-state repository into them.
 *
 * <p>{@link io.trueup.desired.DesiredStateParser} is the entry point, a pure function from file
 * contents to a {@link io.trueup.desired.DesiredState}. It works in phases:
 * <ol>
 *   <li>{@code Layout} sorts paths into app files ({@code apps/<app>/app.yaml}), environment
 *       files ({@code apps/<app>/<env>.yaml}), YAML files in places trueup does not read, and
 *       everything else.
 *   <li>{@code YamlDocument} reads each file as one YAML mapping with Jackson, and
 *       {@code FieldLines} indexes the line of every key and list element.
 *   <li>{@code SettingsReader} checks each file on its own against the {@code Schema}: unknown
 *       fields, shapes ({@code Shape}) and values ({@code ValueRules}).
 *   <li>{@code SpecAssembler} merges app.yaml with each environment file field by field, checks
 *       what spans fields (required fields, health http or command) and makes a
 *       {@link io.trueup.desired.DesiredEntry}: valid, or invalid with every problem found.
 * </ol>
 */
package io.trueup.desired;
