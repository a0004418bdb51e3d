package io.trueup.desired;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * IPv6 addresses in their canonical text form (RFC 5952), parsed by hand so that nothing here
 * ever resolves a name. Stateless.
 */
final class Ipv6 {

    private static final Pattern GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");

    private Ipv6() {
    }

    /**
     * {@code text}, an IPv6 address without brackets, in canonical form: lowercase, leading zeros
     * dropped, the longest run of two or more zero groups as {@code ::}. An embedded IPv4 tail
     * ({@code ::ffff:192.0.2.1}) is accepted and written as hex groups.
     *
     * @throws IllegalArgumentException when it is not an IPv6 address, or has a zone id
     */
    static String canonical(String text) {
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException("an IPv6 address with a zone id (%...) cannot be a host: " + text);
        }
        int[] groups = groups(text);
        return format(groups);
    }

    private static int[] groups(String text) {
        String bad = "not an IPv6 address: " + text;
        if (text.length() > 45) {
            throw new IllegalArgumentException(bad);
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            throw new IllegalArgumentException(bad);
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        java.util.List<Integer> front = parts(head, gap < 0, bad);
        java.util.List<Integer> back = parts(tail, true, bad);
        int given = front.size() + back.size();
        if (gap < 0 ? given != 8 : given > 7) {
            throw new IllegalArgumentException(bad);
        }
        int[] groups = new int[8];
        for (int i = 0; i < front.size(); i++) {
            groups[i] = front.get(i);
        }
        for (int i = 0; i < back.size(); i++) {
            groups[8 - back.size() + i] = back.get(i);
        }
        return groups;
    }

    private static java.util.List<Integer> parts(String text, boolean ipv4Tail, String bad) {
        java.util.List<Integer> parts = new java.util.ArrayList<>();
        if (text.isEmpty()) {
            return parts;
        }
        String[] words = text.split(":", -1);
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            if (ipv4Tail && i == words.length - 1 && IPV4.matcher(word).matches()) {
                String[] octets = word.split("\\.");
                parts.add(Integer.parseInt(octets[0]) << 8 | Integer.parseInt(octets[1]));
                parts.add(Integer.parseInt(octets[2]) << 8 | Integer.parseInt(octets[3]));
            } else if (GROUP.matcher(word).matches()) {
                parts.add(Integer.parseInt(word, 16));
            } else {
                throw new IllegalArgumentException(bad);
            }
        }
        return parts;
    }

    private static String format(int[] groups) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
