package io.trueup.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailBufferTest {

    @Test
    void keepsEverythingUpToItsCapacity() {
        TailBuffer buffer = new TailBuffer(10);

        buffer.write(bytes("hello"), 0, 5);
        buffer.write(bytes("world"), 0, 5);

        assertEquals("helloworld", buffer.text());
    }

    @Test
    void keepsTheLastBytesAndSaysHowManyWereDropped() {
        TailBuffer buffer = new TailBuffer(8);

        buffer.write(bytes("abcdef"), 0, 6);
        buffer.write(bytes("ghij"), 0, 4);
        buffer.write('k');

        assertEquals("[trueup: first 3 bytes dropped]\ndefghijk", buffer.text());
    }

    @Test
    void keepsTheTailOfOneWriteLargerThanItsCapacity() {
        TailBuffer buffer = new TailBuffer(4);

        buffer.write(bytes("xx0123456789"), 2, 10);

        assertEquals("[trueup: first 6 bytes dropped]\n6789", buffer.text());
    }

    @Test
    void growsWithItsOutputAndKeepsTheTailOnceFull() {
        TailBuffer buffer = new TailBuffer(3000);
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 700; i++) {  // 7 bytes at a time: grows past 1024 and 2048, then wraps
            String piece = String.format("%06d\n", i);
            all.append(piece);
            buffer.write(bytes(piece), 0, piece.length());
        }
        buffer.write('!');
        all.append('!');

        String kept = all.substring(all.length() - 3000);
        assertEquals("[trueup: first " + (all.length() - 3000) + " bytes dropped]\n" + kept, buffer.text());
    }

    @Test
    void smallOutputIsKeptWhole() {
        TailBuffer buffer = new TailBuffer(4 * 1024 * 1024);

        buffer.write(bytes("base present\n"), 0, 13);
        buffer.write('x');

        assertEquals("base present\nx", buffer.text());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
