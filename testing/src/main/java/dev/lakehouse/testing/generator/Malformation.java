package dev.lakehouse.testing.generator;

/** The ways a generated message breaks DESIGN.md's validity rules. */
public enum Malformation {
  NONE,
  NOT_JSON,
  TRUNCATED_JSON,
  NOT_AN_OBJECT,
  NULL_VALUE,
  MISSING_EVENT_ID,
  EMPTY_USER_ID,
  MISSING_SESSION_ID,
  USER_ID_NOT_A_STRING,
  UNKNOWN_EVENT_TYPE,
  TIME_WITHOUT_ZONE,
  TIME_NOT_A_TIME,
  PURCHASE_WITHOUT_AMOUNT,
  NEGATIVE_AMOUNT,
  AMOUNT_NOT_A_NUMBER,
  HUGE_GARBAGE
}
