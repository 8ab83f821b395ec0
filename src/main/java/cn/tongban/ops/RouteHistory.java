package cn.tongban.ops;

import cn.tongban.ops.internal.RouteSampleStore;
import cn.tongban.ops.internal.RouteSampleStore.Bucket;
import cn.tongban.security.Actor;
import cn.tongban.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * 运行指标历史: throughput, failures, latency and backlog of one route or of all routes over the
 * last hours, in evenly spaced buckets (empty ones as zero), summed over every hub instance's
 * samples. For operators and platform administrators, for the API and the console alike.
 */
@Service
public class RouteHistory {

    /** At most this many buckets per series, whatever the window. */
    static final int MAX_POINTS = 120;

    static final int MAX_HOURS = 24;

    private final RouteSampleStore store;
    private final RouteOverview overview;
    private final MetricsProperties properties;
    private final Clock clock;

    RouteHistory(RouteSampleStore store, RouteOverview overview, MetricsProperties properties, Clock clock) {
        this.store = store;
        this.overview = overview;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * One bucket: records per second over it, failures in it, the mean and largest latency of the
     * exchanges timed in it (null when none were), the backlog at its largest.
     */
    public record Point(
            Instant at,
            long records,
            double recordsPerSecond,
            long failures,
            long exchanges,
            Double meanLatencyMs,
            Double maxLatencyMs,
            long backlog) {}

    /** One route's series, with its totals over the window. */
    public record RouteSeries(String route, long records, long failures, List<Point> points) {}

    /**
     * The window's series: one route's, or all routes' summed with the busiest ({@code
     * tongban.ops.metrics.top-routes}, by records) on their own in {@code top}.
     */
    public record History(
            String route,
            int hours,
            long bucketSeconds,
            long sampleIntervalSeconds,
            Instant from,
            Instant to,
            List<Point> points,
            List<RouteSeries> top) {}

    public History history(Actor actor, String route, String hours) {
        Operations.operator(actor);
        int window = hours(hours);
        String routeId = route == null || route.isBlank() ? null : route.strip();
        Instant to = clock.instant();
        Instant from = to.minus(Duration.ofHours(window));
        if (routeId != null && overview.route(routeId).isEmpty() && !store.sampled(routeId, from)) {
            throw ApiException.notFound("route");
        }
        long width = bucketSeconds(window);
        List<Long> starts = bucketStarts(from, to, width);
        List<Bucket> buckets = store.buckets(Instant.ofEpochSecond(starts.get(0)), width, routeId);
        List<RouteSeries> top = routeId == null ? top(buckets, starts, width) : List.of();
        return new History(
                routeId,
                window,
                width,
                Math.max(1, properties.sampleInterval().toSeconds()),
                from,
                to,
                series(buckets, starts, width),
                top);
    }

    /** The window in whole hours, 1 to 24; anything else is the caller's 400 naming {@code hours}. */
    static int hours(String hours) {
        if (hours == null || hours.isBlank()) {
            return 6;
        }
        try {
            int h = Integer.parseInt(hours.strip());
            if (h >= 1 && h <= MAX_HOURS) {
                return h;
            }
        } catch (NumberFormatException e) {
            // refused below, as an out-of-range number is
        }
        throw ApiException.invalid("hours", "range", "must be a whole number of hours from 1 to " + MAX_HOURS);
    }

    /** Wide enough for at most {@link #MAX_POINTS} buckets, never narrower than one sampling interval. */
    long bucketSeconds(int hours) {
        long even = (hours * 3600L + MAX_POINTS - 1) / MAX_POINTS;
        return Math.max(even, Math.max(1, properties.sampleInterval().toSeconds()));
    }

    private static List<Long> bucketStarts(Instant from, Instant to, long width) {
        List<Long> starts = new ArrayList<>();
        for (long s = Math.floorDiv(from.getEpochSecond(), width) * width; s <= to.getEpochSecond(); s += width) {
            starts.add(s);
        }
        return starts;
    }

    /** The busiest routes of the window (by records, then failures), each with its own series. */
    private List<RouteSeries> top(List<Bucket> buckets, List<Long> starts, long width) {
        Map<String, List<Bucket>> byRoute = buckets.stream()
                .collect(Collectors.groupingBy(Bucket::routeId, LinkedHashMap::new, Collectors.toList()));
        return byRoute.entrySet().stream()
                .map(e -> {
                    List<Point> points = series(e.getValue(), starts, width);
                    return new RouteSeries(
                            e.getKey(),
                            points.stream().mapToLong(Point::records).sum(),
                            points.stream().mapToLong(Point::failures).sum(),
                            points);
                })
                .filter(s -> s.records() > 0 || s.failures() > 0)
                .sorted(Comparator.comparingLong(RouteSeries::records)
                        .thenComparingLong(RouteSeries::failures)
                        .reversed()
                        .thenComparing(RouteSeries::route))
                .limit(properties.topRoutes())
                .toList();
    }

    /** Buckets of any number of routes summed per start; starts without samples are zero. */
    private static List<Point> series(List<Bucket> buckets, List<Long> starts, long width) {
        Map<Long, List<Bucket>> byStart = new TreeMap<>();
        for (Bucket b : buckets) {
            byStart.computeIfAbsent(b.bucketStart(), k -> new ArrayList<>()).add(b);
        }
        List<Point> points = new ArrayList<>(starts.size());
        for (long start : starts) {
            points.add(point(start, width, byStart.getOrDefault(start, List.of())));
        }
        return points;
    }

    private static Point point(long start, long width, List<Bucket> in) {
        long records = 0;
        long failures = 0;
        long exchanges = 0;
        long timed = 0;
        double timedMs = 0;
        Double max = null;
        long backlog = 0;
        for (Bucket b : in) {
            records += b.records();
            failures += b.failures();
            exchanges += b.exchanges();
            timed += b.timedCount();
            timedMs += b.timedTotalMs();
            if (b.maxMs() != null) {
                max = max == null ? b.maxMs() : Math.max(max, b.maxMs());
            }
            backlog += b.backlog() == null ? 0 : b.backlog();
        }
        return new Point(
                Instant.ofEpochSecond(start),
                records,
                round((double) records / width),
                failures,
                exchanges,
                timed == 0 ? null : round(timedMs / timed),
                max == null ? null : round(max),
                backlog);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
