package io.trueup.api;

import java.util.HashMap;
import java.util.Map;

/** The embedded demo with webhooks enabled by a shared secret and a small body limit. */
public class WebhookProfile extends DemoProfile {

    static final String SECRET = "webhook-s3cret";
    static final int MAX_BODY = 65536;

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("trueup.webhook.secret", SECRET);
        config.put("trueup.webhook.max-body", Integer.toString(MAX_BODY));
        config.put("trueup.demo.app-port", "28470");
        return config;
    }
}
