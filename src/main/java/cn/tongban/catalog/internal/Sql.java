package cn.tongban.catalog.internal;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Conversions between JDBC values and the catalog's Java types. */
final class Sql {

    private Sql() {}

    static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    static LocalDate date(ResultSet rs, String column) throws SQLException {
        java.sql.Date date = rs.getDate(column);
        return date == null ? null : date.toLocalDate();
    }

    static java.sql.Date date(LocalDate date) {
        return date == null ? null : java.sql.Date.valueOf(date);
    }

    static String[] names(Collection<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).sorted().toArray(String[]::new);
    }

    static <E extends Enum<E>> Set<E> enums(ResultSet rs, String column, Class<E> type) throws SQLException {
        Array array = rs.getArray(column);
        Set<E> set = EnumSet.noneOf(type);
        set.addAll(Arrays.stream((String[]) array.getArray())
                .map(name -> Enum.valueOf(type, name))
                .collect(Collectors.toSet()));
        return set;
    }
}
