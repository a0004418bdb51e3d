package io.trueup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without {@code trueup.webhook.secret} no webhook is accepted, signed or not. */
@QuarkusTest
@TestProfile(NoSecretProfile.class)
@Timeout(60)
class WebhooksDisabledIT {

    @Test
    void everyWebhookIsForbiddenAndNamesTheSecretToSet() {
        for (String sender : new String[] {"github", "gitlab", "generic"}) {
            given().body("{}").contentType("application/json").header("X-Gitlab-Token", "")
                    .when().post("/api/webhooks/" + sender).then()
                    .statusCode(403)
                    .body("error", containsString("trueup.webhook.secret"));
        }
    }
}
