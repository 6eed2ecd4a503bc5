package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * Synthetic clickstream messages in DESIGN.md's schema: sessions that browse, add to cart and
 * buy; exact duplicates, days-late events, zone offsets, unknown fields and every kind of
 * {@link Malformation}. Deterministic for a given seed and base time.
 */
public final class ClickstreamGenerator implements Iterator<GeneratedMessage> {

  public static final List<String> EVENT_TYPES =
      List.of("page_view", "product_view", "add_to_cart", "purchase", "search");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
  private static final List<ZoneOffset> OFFSETS =
      List.of(ZoneOffset.ofHours(2), ZoneOffset.ofHours(-5), ZoneOffset.ofHoursMinutes(5, 30));
  private static final int DUPLICATE_POOL = 10_000;
  private static final int ACTIVE_SESSIONS = 40;
  /** Every malformation but the 200 KB one, which has its own, much smaller, share. */
  private static final List<Malformation> SMALL_MALFORMATIONS = java.util.Arrays.stream(Malformation.values())
      .filter(kind -> kind != Malformation.NONE && kind != Malformation.HUGE_GARBAGE)
      .toList();

  private final GeneratorSpec spec;
  private final Random random;
  private final Instant base;
  private final List<GeneratedMessage> recentValid = new ArrayList<>();
  private final Session[] sessions = new Session[ACTIVE_SESSIONS];
  private long emitted;
  private long onTimeIndex;
  private long sessionCounter;

  public ClickstreamGenerator(GeneratorSpec spec) {
    this.spec = requireNonNull(spec, "spec is null");
    this.random = new Random(spec.seed());
    Duration span = spec.spacing().multipliedBy(Math.max(0, spec.count() - 1));
    this.base = spec.baseTime().orElseGet(() -> Instant.now().minus(span));
  }

  @Override
  public boolean hasNext() {
    return emitted < spec.count();
  }

  @Override
  public GeneratedMessage next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    emitted++;
    double roll = random.nextDouble();
    if (roll < spec.hugeGarbageRatio()) {
      return malformed(Malformation.HUGE_GARBAGE);
    }
    if (roll < spec.malformedRatio()) {
      return malformed(SMALL_MALFORMATIONS.get(random.nextInt(SMALL_MALFORMATIONS.size())));
    }
    if (roll < spec.malformedRatio() + spec.duplicateRatio() && !recentValid.isEmpty()) {
      GeneratedMessage original = recentValid.get(random.nextInt(recentValid.size()));
      return new GeneratedMessage(
          original.key(), original.value(), MessageKind.DUPLICATE, Malformation.NONE, original.event());
    }
    boolean late = random.nextDouble() < spec.lateRatio();
    TruthEvent event = nextEvent(late);
    GeneratedMessage message =
        new GeneratedMessage(
            Optional.of(event.userId()),
            Optional.of(render(event)),
            late ? MessageKind.LATE : MessageKind.VALID,
            Malformation.NONE,
            Optional.of(event));
    remember(message);
    return message;
  }

  private TruthEvent nextEvent(boolean late) {
    Instant onTime = base.plus(spec.spacing().multipliedBy(onTimeIndex++));
    Instant eventTime =
        late
            ? onTime
                .minus(Duration.ofDays(1 + random.nextInt(spec.maxLateDays())))
                .minus(Duration.ofMinutes(random.nextInt(24 * 60)))
            : onTime;
    Session session = pickSession();
    String type = session.nextType(random);
    Optional<String> product =
        type.equals("product_view") || type.equals("add_to_cart") || type.equals("purchase")
            ? Optional.of("p-" + (1 + random.nextInt(spec.products())))
            : Optional.empty();
    String page =
        switch (type) {
          case "product_view" -> "/product/" + product.orElseThrow();
          case "add_to_cart" -> "/cart";
          case "purchase" -> "/checkout";
          case "search" -> "/search";
          default -> random.nextBoolean() ? "/" : "/category/" + (1 + random.nextInt(12));
        };
    Optional<BigDecimal> amount =
        type.equals("purchase") ? Optional.of(purchaseAmount()) : Optional.empty();
    Optional<String> currency =
        amount.map(ignored -> random.nextInt(10) == 0 ? "EUR" : "USD");
    return new TruthEvent(
        uuid(), eventTime, session.userId, session.sessionId, type, Optional.of(page), product,
        amount, currency);
  }

  private BigDecimal purchaseAmount() {
    if (random.nextInt(50) == 0) {
      return BigDecimal.ZERO.setScale(2);
    }
    return BigDecimal.valueOf(100 + random.nextInt(30_000)).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
  }

  private Session pickSession() {
    int slot = random.nextInt(ACTIVE_SESSIONS);
    if (sessions[slot] == null || sessions[slot].ended) {
      sessions[slot] =
          new Session("u-" + (1 + random.nextInt(spec.users())), "s-" + (++sessionCounter) + "-" + spec.seed());
    }
    return sessions[slot];
  }

  private String render(TruthEvent event) {
    ObjectNode node = canonicalNode(event);
    if (random.nextInt(10) == 0) {
      node = shuffled(node);
    }
    if (random.nextInt(20) == 0) {
      node.putObject("client").put("app", "web").put("version", 3);
    }
    return node.toString();
  }

  private ObjectNode canonicalNode(TruthEvent event) {
    ZoneOffset offset =
        random.nextInt(5) == 0 ? OFFSETS.get(random.nextInt(OFFSETS.size())) : ZoneOffset.UTC;
    ObjectNode node = JSON.createObjectNode();
    node.put("event_id", event.eventId());
    node.put("event_time", TIME.format(event.eventTime().atOffset(offset)));
    node.put("user_id", event.userId());
    node.put("session_id", event.sessionId());
    node.put("event_type", event.eventType());
    event.page().ifPresent(page -> node.put("page", page));
    event.productId().ifPresent(product -> node.put("product_id", product));
    event.amount().ifPresent(amount -> node.put("amount", amount));
    event.currency().ifPresent(currency -> node.put("currency", currency));
    return node;
  }

  private ObjectNode shuffled(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    Collections.shuffle(names, random);
    ObjectNode copy = JSON.createObjectNode();
    names.forEach(name -> copy.set(name, node.get(name)));
    return copy;
  }

  private GeneratedMessage malformed(Malformation kind) {
    TruthEvent template = nextEvent(false);
    ObjectNode node = canonicalNode(template);
    String value =
        switch (kind) {
          case NOT_JSON -> "not json: click at " + template.eventTime();
          case TRUNCATED_JSON -> node.toString().substring(0, node.toString().length() / 2);
          case NOT_AN_OBJECT -> "[" + node + "]";
          case NULL_VALUE -> null;
          case MISSING_EVENT_ID -> without(node, "event_id");
          case EMPTY_USER_ID -> node.put("user_id", "").toString();
          case MISSING_SESSION_ID -> without(node, "session_id");
          case USER_ID_NOT_A_STRING -> node.put("user_id", 1 + random.nextInt(1000)).toString();
          case UNKNOWN_EVENT_TYPE -> node.put("event_type", "click").toString();
          case TIME_WITHOUT_ZONE ->
              node.put("event_time", template.eventTime().toString().replace("Z", "")).toString();
          case TIME_NOT_A_TIME -> node.put("event_time", "yesterday").toString();
          case PURCHASE_WITHOUT_AMOUNT -> without(node.put("event_type", "purchase"), "amount");
          case NEGATIVE_AMOUNT ->
              node.put("event_type", "purchase").put("amount", new BigDecimal("-5.00")).toString();
          case AMOUNT_NOT_A_NUMBER ->
              node.put("event_type", "purchase").put("amount", "abc").toString();
          case HUGE_GARBAGE -> "{\"event_id\":\"" + template.eventId() + "\",\"page\":\"" + "x".repeat(200 * 1024);
          case NONE -> throw new IllegalStateException("NONE is not a malformation");
        };
    Optional<String> key = kind == Malformation.NOT_JSON ? Optional.empty() : Optional.of(template.userId());
    return new GeneratedMessage(
        key, Optional.ofNullable(value), MessageKind.MALFORMED, kind, Optional.empty());
  }

  private static String without(ObjectNode node, String field) {
    node.remove(field);
    return node.toString();
  }

  private void remember(GeneratedMessage message) {
    if (recentValid.size() < DUPLICATE_POOL) {
      recentValid.add(message);
    } else {
      recentValid.set(random.nextInt(DUPLICATE_POOL), message);
    }
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  /** A visit: browse, maybe add to cart, maybe buy, then end. */
  private static final class Session {
    final String userId;
    final String sessionId;
    boolean hasCart;
    boolean ended;

    Session(String userId, String sessionId) {
      this.userId = userId;
      this.sessionId = sessionId;
    }

    String nextType(Random random) {
      int roll = random.nextInt(100);
      String type;
      if (roll < 35) {
        type = "page_view";
      } else if (roll < 65) {
        type = "product_view";
      } else if (roll < 75) {
        type = "search";
      } else if (roll < 90 || !hasCart) {
        type = "add_to_cart";
        hasCart = true;
      } else {
        type = "purchase";
      }
      ended = random.nextInt(8) == 0;
      return type;
    }
  }
}
