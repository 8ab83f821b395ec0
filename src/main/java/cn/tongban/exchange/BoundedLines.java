package cn.tongban.exchange;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.util.function.Supplier;

/**
 * Lines of a dropped file, none held longer than a limit: a longer line is returned as its
 * beginning and its length, and the rest of it is skipped unread into memory.
 */
final class BoundedLines {

    /** One line: its text (cut at the limit when {@code over}) and its full length in characters. */
    record Line(String text, long length, boolean over) {}

    private final Reader in;
    private final int max;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;

    BoundedLines(Reader in, int max) {
        this.in = in;
        this.max = max;
    }

    /** The next line, or null at the end. Ends at \n; a \r before it is dropped. */
    Line next() throws IOException {
        StringBuilder text = new StringBuilder();
        long length = 0;
        boolean any = false;
        boolean carriageReturn = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? line(text, length, carriageReturn) : null;
                }
            }
            any = true;
            char c = buffer[position++];
            if (c == '\n') {
                return line(text, length, carriageReturn);
            }
            if (carriageReturn) {
                // The \r held back was inside the line after all.
                length++;
                keep(text, '\r');
            }
            carriageReturn = c == '\r';
            if (!carriageReturn) {
                length++;
                keep(text, c);
            }
        }
    }

    private void keep(StringBuilder text, char c) {
        if (text.length() < max) {
            text.append(c);
        }
    }

    private Line line(StringBuilder text, long length, boolean carriageReturn) {
        if (carriageReturn && position == limit && limit == 0) {
            // A \r at the very end of the file, with no \n after it, is part of the line.
            length++;
            keep(text, '\r');
        }
        boolean over = length > max;
        String kept = over ? text.substring(0, Math.min(text.length(), RecordLimits.SUMMARY_HEAD)) : text.toString();
        return new Line(kept, length, over);
    }

    /** A reader that fails, with the given exception, on the first line longer than {@code max}. */
    static Reader capped(Reader in, int max, Supplier<RuntimeException> failure) {
        return new FilterReader(in) {
            private long run;

            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    count((char) c);
                }
                return c;
            }

            @Override
            public int read(char[] chars, int offset, int length) throws IOException {
                int n = super.read(chars, offset, length);
                for (int i = 0; i < n; i++) {
                    count(chars[offset + i]);
                }
                return n;
            }

            private void count(char c) {
                run = c == '\n' ? 0 : run + 1;
                if (run > max) {
                    throw failure.get();
                }
            }
        };
    }
}
