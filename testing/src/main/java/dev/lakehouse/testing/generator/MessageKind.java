package dev.lakehouse.testing.generator;

/** What a generated message is, by construction. */
public enum MessageKind {
  /** A new, valid event with a recent event time. */
  VALID,
  /** A new, valid event whose event time is days old. */
  LATE,
  /** A byte-for-byte re-send of an earlier VALID or LATE message. */
  DUPLICATE,
  /** Breaks a validity rule; {@link GeneratedMessage#malformation()} says which. */
  MALFORMED;

  public boolean isNewValidEvent() {
    return this == VALID || this == LATE;
  }
}
