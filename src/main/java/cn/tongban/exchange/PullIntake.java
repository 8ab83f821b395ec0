package cn.tongban.exchange;

import cn.tongban.catalog.Endpoint;
import cn.tongban.catalog.EndpointKind;
import cn.tongban.catalog.ParticipantRegistry;
import cn.tongban.catalog.Resource;
import cn.tongban.catalog.SharingMode;
import cn.tongban.catalog.SupplyList;
import cn.tongban.catalog.UpdateCycle;
import cn.tongban.exchange.internal.ExchangeStore;
import cn.tongban.security.Actor;
import cn.tongban.security.Role;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * 增量拉取: for every supplier query endpoint and each of its resources shared by subscription,
 * asks {@code GET <address>?resource=<code>&cursor=<cursor>&limit=<n>} once per update cycle and
 * takes pages of {@code {"records": [...], "nextCursor": "...", "hasMore": true}} through the
 * usual intake. The cursor moves in the same transaction as the records it covers, so a crash
 * re-asks for the same page and idempotency keys drop what was already queued.
 */
@Component("pullIntake")
public class PullIntake {

    /** The route that runs the pulls (routes/intake-channels.camel.yaml). */
    static final String ROUTE = "intake-pull";

    private static final Logger log = LoggerFactory.getLogger(PullIntake.class);
    /** A poll stops after this many pages and goes on at the next check, so one feed cannot starve the rest. */
    static final int MAX_PAGES_PER_POLL = 50;

    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    private final ParticipantRegistry participants;
    private final SupplyList supplyList;
    private final IntakeService intake;
    private final ExchangeStore store;
    private final TransactionTemplate transaction;
    private final ExchangeProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;
    private final long maxPage;

    private final HubRequestSigning signing;

    PullIntake(
            ParticipantRegistry participants,
            SupplyList supplyList,
            IntakeService intake,
            ExchangeStore store,
            TransactionTemplate transaction,
            ExchangeProperties properties,
            JsonMapper json,
            HubRequestSigning signing,
            Clock clock,
            cn.tongban.limits.LimitsProperties limits) {
        // A pulled page is what a push would carry: no larger than a request body may be.
        this.maxPage = limits.maxRequestBody().toBytes();
        this.participants = participants;
        this.signing = signing;
        this.supplyList = supplyList;
        this.intake = intake;
        this.store = store;
        this.transaction = transaction;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Polls every feed that is due; returns how many records were taken in. */
    public int pollDue() {
        int pulled = 0;
        for (Endpoint endpoint : participants.endpoints(EndpointKind.Direction.SUPPLY, EndpointKind.HTTP_QUERY)) {
            List<Resource> resources = endpoint.resourceCode() != null
                    ? List.of(supplyList.get(endpoint.resourceCode()))
                    : supplyList.list(endpoint.participantUscc(), null, null);
            for (Resource resource : resources) {
                if (!resource.sharingModes().contains(SharingMode.SUBSCRIBE)) {
                    continue;
                }
                pulled += poll(endpoint, resource);
            }
        }
        return pulled;
    }

    /**
     * Takes pages while the feed has more. Each page is one transaction that first claims the
     * feed's cursor row (skipping it when another hub instance holds it or it is not due), so two
     * instances never ask for the same page, and the cursor moves with the page's records.
     */
    private int poll(Endpoint endpoint, Resource resource) {
        Actor actor = new Actor("pull:" + endpoint.id(), endpoint.participantUscc(), Set.of(Role.SYSTEM));
        int pulled = 0;
        for (int page = 0; page < MAX_PAGES_PER_POLL; page++) {
            Integer taken = transaction.execute(status -> {
                Instant now = clock.instant();
                var claimed = store.claimPull(endpoint.id(), resource.code(), now);
                if (claimed.isEmpty()) {
                    return null;
                }
                String cursor = claimed.get().cursor();
                Page answer;
                try {
                    answer = fetch(endpoint.address(), resource.code(), cursor);
                } catch (PullFailed e) {
                    log.warn("pull of {} from endpoint {} failed: {}", resource.code(), endpoint.id(), e.getMessage());
                    store.savePull(
                            endpoint.id(),
                            resource.code(),
                            cursor,
                            now,
                            now.plus(min(interval(resource.updateCycle()), RETRY_AFTER_FAILURE)),
                            e.getMessage(),
                            0);
                    return null;
                }
                if (!answer.records().isEmpty()) {
                    intake.ingest(resource.code(), answer.records(), "HTTP_PULL", properties.signingMode(), actor);
                }
                store.savePull(
                        endpoint.id(),
                        resource.code(),
                        answer.nextCursor() == null ? cursor : answer.nextCursor(),
                        now,
                        answer.hasMore() ? now : now.plus(interval(resource.updateCycle())),
                        "OK " + answer.records().size(),
                        answer.records().size());
                return answer.hasMore()
                        ? answer.records().size()
                        : -1 - answer.records().size();
            });
            if (taken == null) {
                break;
            }
            pulled += taken >= 0 ? taken : -1 - taken;
            if (taken < 0) {
                break;
            }
        }
        return pulled;
    }

    private record Page(List<IntakeService.IncomingRecord> records, String nextCursor, boolean hasMore) {}

    private static class PullFailed extends Exception {
        PullFailed(String message) {
            super(message);
        }
    }

    private Page fetch(String address, String resourceCode, String cursor) throws PullFailed {
        StringBuilder url = new StringBuilder(address)
                .append(address.contains("?") ? '&' : '?')
                .append("resource=")
                .append(URLEncoder.encode(resourceCode, StandardCharsets.UTF_8))
                .append("&limit=")
                .append(properties.pullPageSize());
        if (cursor != null) {
            url.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        URI target = URI.create(url.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(properties.webhookTimeout())
                .header("Accept", "application/json")
                .GET();
        signing.headers("GET", target, new byte[0]).forEach(request::header);
        CompletableFuture<HttpResponse<byte[]>> call =
                http.sendAsync(request.build(), info -> new BoundedBody(maxPage));
        HttpResponse<byte[]> response;
        try {
            // The request's timeout ends when the headers arrive; a feed that drips its body would
            // hold this transaction's connection for ever (#13): the whole answer has one deadline.
            response = call.get(properties.webhookTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new PullFailed("did not answer within " + properties.webhookTimeout());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BoundedBody.TooLarge
                    || (e.getCause() != null && e.getCause().getCause() instanceof BoundedBody.TooLarge)) {
                throw new PullFailed("answered more than " + maxPage + " bytes");
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new PullFailed("unreachable (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new PullFailed("interrupted");
        }
        if (response.statusCode() != 200) {
            throw new PullFailed("answered HTTP " + response.statusCode());
        }
        try {
            JsonNode body = json.readTree(response.body());
            JsonNode records = body.get("records");
            if (records == null || !records.isArray() || records.size() > properties.pullPageSize()) {
                throw new PullFailed("answered no records array of at most " + properties.pullPageSize());
            }
            List<IntakeService.IncomingRecord> incoming = new ArrayList<>(records.size());
            for (JsonNode r : records) {
                JsonNode id = r.get("sourceRecordId");
                incoming.add(new IntakeService.IncomingRecord(
                        id == null || !id.isString() ? null : id.asString(), r.get("record")));
            }
            JsonNode next = body.get("nextCursor");
            JsonNode more = body.get("hasMore");
            return new Page(
                    incoming,
                    next == null || !next.isString() ? null : next.asString(),
                    more != null && more.asBoolean(false) && !incoming.isEmpty());
        } catch (JacksonException e) {
            throw new PullFailed("answered something that is not JSON");
        }
    }

    Duration interval(UpdateCycle cycle) {
        return switch (cycle) {
            case REALTIME -> properties.pullRealtimeInterval();
            case HOURLY -> Duration.ofHours(1);
            case DAILY -> Duration.ofDays(1);
            case WEEKLY -> Duration.ofDays(7);
            case MONTHLY -> Duration.ofDays(30);
            case QUARTERLY -> Duration.ofDays(91);
            case YEARLY -> Duration.ofDays(365);
        };
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
