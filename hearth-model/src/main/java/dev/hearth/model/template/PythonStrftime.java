package dev.hearth.model.template;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} with the C locale, for the {@code strftime_now} function
 * (Llama 3.x templates print today's date with {@code strftime_now("%d %b %Y")}).
 *
 * <p>Supports the codes templates use plus glibc's {@code %e} and {@code %-d}-style unpadded
 * forms; an unknown code is copied through unchanged, as glibc does.
 */
final class PythonStrftime {
    private PythonStrftime() {}

    static String format(String pattern, ZonedDateTime time) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char code = pattern.charAt(++i);
            boolean unpadded = code == '-' && i + 1 < pattern.length();
            if (unpadded) {
                code = pattern.charAt(++i);
            }
            String field = field(code, time);
            if (field == null) {
                out.append('%').append(unpadded ? "-" : "").append(code);
            } else {
                out.append(unpadded ? stripLeadingZeros(field) : field);
            }
        }
        return out.toString();
    }

    private static String field(char code, ZonedDateTime t) {
        return switch (code) {
            case 'Y' -> Integer.toString(t.getYear());
            case 'y' -> two(t.getYear() % 100);
            case 'm' -> two(t.getMonthValue());
            case 'd' -> two(t.getDayOfMonth());
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'j' -> String.format("%03d", t.getDayOfYear());
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'H' -> two(t.getHour());
            case 'I' -> two((t.getHour() + 11) % 12 + 1);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'M' -> two(t.getMinute());
            case 'S' -> two(t.getSecond());
            case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'z' -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
            case '%' -> "%";
            default -> null;
        };
    }

    private static String two(int value) {
        return String.format("%02d", value);
    }

    private static String stripLeadingZeros(String field) {
        return field.strip().replaceFirst("^0+(?=.)", "");
    }
}
