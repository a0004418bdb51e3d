package io.trueup.render;

/**
 * Stand-ins for secrets, for renderings that are shown rather than deployed ({@code plan},
 * {@code validate} without a secrets directory): {@code {secret:NAME}} renders as
 * {@code [secret NAME]}. Stateless.
 */
public final class MaskedSecrets implements SecretSource {

    @Override
    public String value(String name) {
        return "[secret " + name + "]";
    }

    @Override
    public boolean real() {
        return false;
    }
}
