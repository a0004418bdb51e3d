package io.trueup.desired;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostAddressTest {

    @ParameterizedTest
    @CsvSource({
        "web1.example.com, web1.example.com, 22, web1.example.com",
        "Web1:2222, web1, 2222, web1:2222",
        "10.0.0.5, 10.0.0.5, 22, 10.0.0.5",
        "[::1], ::1, 22, [::1]",
        "[::1]:2222, ::1, 2222, [::1]:2222",
        "[2001:DB8:0:0:0:0:0:1]:22, 2001:db8::1, 22, [2001:db8::1]",
        "[2001:db8:0:0:1:0:0:1], 2001:db8::1:0:0:1, 22, [2001:db8::1:0:0:1]",
        "[fd00:231:3:0::2]:2200, fd00:231:3::2, 2200, [fd00:231:3::2]:2200",
        "[0:0:0:0:0:0:0:0], ::, 22, [::]",
        "[::ffff:192.0.2.1], ::ffff:c000:201, 22, [::ffff:c000:201]",
        "[2001:db8:1:2:3:4:5:6], 2001:db8:1:2:3:4:5:6, 22, [2001:db8:1:2:3:4:5:6]",
    })
    void parsesNamesAndBracketedIpv6AddressesToOneCanonicalForm(String text, String name, int port, String shown) {
        HostAddress host = HostAddress.parse(text);

        assertEquals(name, host.name());
        assertEquals(port, host.port());
        assertEquals(shown, host.toString());
        assertEquals(host, HostAddress.parse(host.toString()), "what is shown parses back to the same host");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "::1| an IPv6 address must be in brackets",
        "2001:db8::1:22| an IPv6 address must be in brackets",
        "[::1| must end with ']'",
        "[::1]x| only :port may follow ']'",
        "[::1]:| port must be a number",
        "[::1]:70000| port must be 1-65535",
        "[fe80::1%eth0]| zone id",
        "[fe80::1%25eth0]:22| zone id",
        "[1:2:3:4:5:6:7:8:9]| not an IPv6 address",
        "[1::2::3]| not an IPv6 address",
        "[12345::1]| not an IPv6 address",
        "[g::1]| not an IPv6 address",
        "[]| not an IPv6 address",
        "[web1]| not an IPv6 address",
        "[1.2.3.4::1]| not an IPv6 address",
        "[-oProxyCommand=id]| not an IPv6 address",
    })
    void refusesMalformedAddressesSayingWhy(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostAddress.parse(text));
        assertTrue(e.getMessage().contains(reason.strip()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]:8000", "[2001:db8::1]"})
    void aHealthUrlPutsAnIpv6HostInBrackets(String text) {
        HostAddress host = HostAddress.parse(text);
        Health health = new Health(Optional.of("http://{host}:8000/healthz"), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofMillis(200), 1, Duration.ZERO);

        assertEquals("http://[" + host.name() + "]:8000/healthz", health.urlFor(host).orElseThrow());
    }

    @Test
    void aHealthUrlUsesANameAsItIs() {
        Health health = new Health(Optional.of("http://{host}:8000/healthz"), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofMillis(200), 1, Duration.ZERO);

        assertEquals("http://web1:8000/healthz", health.urlFor(HostAddress.parse("web1:2222")).orElseThrow());
    }
}
