package dev.lakehouse.core.storage;

/** The folders directly under the storage root. */
public enum Layer {
  BRONZE("bronze"),
  SILVER("silver"),
  QUARANTINE("quarantine"),
  GOLD("gold"),
  VIEWS("views"),
  SYSTEM("_system"),
  CHECKPOINTS("_checkpoints");

  private final String folder;

  Layer(String folder) {
    this.folder = folder;
  }

  public String folder() {
    return folder;
  }
}
