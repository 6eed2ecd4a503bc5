package dev.lakehouse.silver;

import dev.lakehouse.core.LakehouseException;

/** A batch failed an expectation at severity error; nothing of it was published. */
public final class QualityGateException extends LakehouseException {

  public QualityGateException(String message) {
    super(message);
  }
}
